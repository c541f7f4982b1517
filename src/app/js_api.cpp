#include "app/js_api.h"

#include <emscripten.h>

#include <nlohmann/json.hpp>
#include <string>

#include "app/model_library.h"

namespace lens {

// Exported C functions cannot take the state as an argument: this is the one
// place that keeps a pointer to it, set once by main.
static AppState* g_state = nullptr;
static std::string g_reply;  // storage for the last string returned to JS

void js_api_bind(AppState& state) { g_state = &state; }

void js_api_announce_ready(AppState& state) {
  if (state.ready_announced || !state.model()) return;
  state.ready_announced = true;
  EM_ASM({ if (Module['onLensReady']) Module['onLensReady'](); });
}

static const char* reply(std::string s) {
  g_reply = std::move(s);
  return g_reply.c_str();
}

}  // namespace lens

using lens::g_state;
using lens::reply;

extern "C" {

// [{id, name, layers, accuracy}] as JSON.
EMSCRIPTEN_KEEPALIVE const char* lens_models_json() {
  nlohmann::json out = nlohmann::json::array();
  for (const lens::LoadedModel& m : g_state->models)
    out.push_back({{"id", m.bundle.info.id}, {"name", m.bundle.info.name}, {"layers", m.bundle.net.sizes()},
                   {"accuracy", m.bundle.info.test_accuracy >= 0 ? nlohmann::json(m.bundle.info.test_accuracy)
                                                                 : nlohmann::json(nullptr)}});
  return reply(out.dump());
}

EMSCRIPTEN_KEEPALIVE const char* lens_model_id() {
  return reply(g_state->model() ? g_state->model()->bundle.info.id : "");
}

// Returns "" on success, else the error message (and changes nothing).
EMSCRIPTEN_KEEPALIVE const char* lens_select_model(const char* id) {
  const int i = lens::model_library_find(*g_state, id ? id : "");
  if (i < 0) return reply(std::string("unknown model id \"") + (id ? id : "") + "\"");
  g_state->current = i;
  return reply("");
}

}  // extern "C"
