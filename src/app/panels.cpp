#include "app/panels.h"

#include <imgui.h>

#include <string>

namespace lens {

static std::string layers_text(const Mlp& net) {
  std::string t;
  for (int n : net.sizes()) t += (t.empty() ? "" : " - ") + std::to_string(n);
  return t;
}

void panel_model(AppState& s) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + 16, vp->WorkPos.y + 16), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(520 * s.ui_scale, 0), ImGuiCond_FirstUseEver);
  if (ImGui::Begin("MNIST Lens")) {
    if (const LoadedModel* m = s.model()) {
      const BundleInfo& info = m->bundle.info;
      ImGui::Text("Model: %s", info.name.c_str());
      ImGui::TextDisabled("id %s  |  layers %s  |  %zu parameters", info.id.c_str(), layers_text(m->bundle.net).c_str(),
                          m->bundle.net.parameter_count());
      if (info.test_accuracy >= 0) ImGui::Text("Test accuracy: %.2f%%", 100 * info.test_accuracy);
    } else {
      ImGui::TextUnformatted("No model loaded.");
    }
    if (ImGui::BeginCombo("model", s.model() ? s.model()->bundle.info.name.c_str() : "-")) {
      for (std::size_t i = 0; i < s.models.size(); ++i)
        if (ImGui::Selectable(s.models[i].bundle.info.name.c_str(), int(i) == s.current)) s.current = int(i);
      ImGui::EndCombo();
    }
    for (const std::string& e : s.load_errors) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", e.c_str());
  }
  ImGui::End();
}

}  // namespace lens
