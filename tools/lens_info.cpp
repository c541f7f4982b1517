// lens-info: what a .lens bundle holds, as JSON, read by the one bundle reader
// (core/formats/bundle.cpp) so that no tool keeps a reader of its own.
//   lens-info MODEL.lens               its JSON header, as stored
//   lens-info --weights MODEL.lens     {"header": ..., "layers": [{"W": [...], "b": [...]}]}, each
//                                      W row-major (a unit's incoming weights together), exact floats
//   lens-info --index DIR OUT.json     the page's model list: DIR/models.json with every listed
//                                      model's header (without its recipe, which listing does not
//                                      need) and the ids that have a statistics sidecar (DIR/ID.stats)
// The page's build runs it (compiled to wasm, under node) to write the site's models.json.
#include <cstdio>
#include <string>
#include <string_view>

#include "core/formats/bundle.h"
#include "core/formats/json.h"

using namespace lens;
using nlohmann::json;

namespace {

constexpr const char* kUsage =
    "usage: lens-info MODEL.lens | lens-info --weights MODEL.lens | lens-info --index DIR OUT.json\n";

// The whole file checked as the page checks it, and its header as stored.
Result<json> checked_header(const std::string& path) {
  auto bytes = file_read(path);
  if (!bytes) return Result<json>::fail(bytes.error);
  if (auto b = bundle_read(*bytes); !b) return Result<json>::fail(path + ": " + b.error);
  auto h = bundle_header_read(*bytes);
  if (!h) return Result<json>::fail(path + ": " + h.error);
  return h;
}

json weights(const Bundle& b) {
  json layers = json::array();
  for (const Dense& d : b.net.layers) {
    json W = json::array(), bias = json::array();
    for (Eigen::Index o = 0; o < d.W.rows(); ++o)
      for (Eigen::Index i = 0; i < d.W.cols(); ++i) W.push_back(double(d.W(o, i)));  // a float is exact as a double
    for (Eigen::Index o = 0; o < d.b.size(); ++o) bias.push_back(double(d.b(o)));
    layers.push_back({{"W", std::move(W)}, {"b", std::move(bias)}});
  }
  return layers;
}

int print_weights(const std::string& path) {
  auto bytes = file_read(path);
  if (!bytes) { std::fprintf(stderr, "lens-info: %s\n", bytes.error.c_str()); return 1; }
  auto b = bundle_read(*bytes);
  if (!b) { std::fprintf(stderr, "lens-info: %s: %s\n", path.c_str(), b.error.c_str()); return 1; }
  const json out = {{"header", *bundle_header_read(*bytes)}, {"layers", weights(*b)}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

int write_index(const std::string& dir, const std::string& out_path) {
  auto manifest_bytes = file_read(dir + "/models.json", kJsonMaxBytes);
  if (!manifest_bytes) { std::fprintf(stderr, "lens-info: %s\n", manifest_bytes.error.c_str()); return 1; }
  auto manifest = json_parse(manifest_bytes->data(), manifest_bytes->data() + manifest_bytes->size());
  if (!manifest || !manifest->is_object() || !(*manifest)["models"].is_array()) {
    std::fprintf(stderr, "lens-info: %s/models.json: expected {\"models\": [ids...]}%s%s\n", dir.c_str(),
                 manifest ? "" : ": ", manifest ? "" : manifest.error.c_str());
    return 1;
  }
  json& m = *manifest;
  m["headers"] = json::object();
  m["stats"] = json::array();
  for (const json& id : m["models"]) {
    if (!id.is_string()) { std::fprintf(stderr, "lens-info: models.json: a model id is not a string\n"); return 1; }
    const std::string name = id.get<std::string>();
    auto h = checked_header(dir + "/" + name + ".lens");
    if (!h) { std::fprintf(stderr, "lens-info: %s\n", h.error.c_str()); return 1; }
    h->erase("training");
    m["headers"][name] = std::move(*h);
    if (file_readable(dir + "/" + name + ".stats")) m["stats"].push_back(name);  // the page fetches it
  }
  const std::string text = m.dump(1, ' ', /*ensure_ascii=*/true) + "\n";
  if (auto ok = file_write(out_path, Bytes(text.begin(), text.end())); !ok) {
    std::fprintf(stderr, "lens-info: %s\n", ok.error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view first = argc > 1 ? argv[1] : "";
  if (argc == 2 && first != "--weights" && first != "--index" && first != "--help") {
    auto h = checked_header(argv[1]);
    if (!h) { std::fprintf(stderr, "lens-info: %s\n", h.error.c_str()); return 1; }
    std::printf("%s\n", h->dump(1, ' ', true).c_str());
    return 0;
  }
  if (argc == 3 && first == "--weights") return print_weights(argv[2]);
  if (argc == 4 && first == "--index") return write_index(argv[2], argv[3]);
  std::fputs(kUsage, first == "--help" ? stdout : stderr);
  return first == "--help" ? 0 : 2;
}
