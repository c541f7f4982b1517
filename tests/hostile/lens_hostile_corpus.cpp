// Writes the hostile bundle corpus (hostile_corpus.h) into a folder, with an
// index.json the browser test reads: [{file, loads, refusal, pageShows, heavy}], and
// valid.txt, the names of those that must load (for shell scripts).
//   lens-hostile-corpus OUT_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hostile_corpus.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: lens-hostile-corpus OUT_DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  nlohmann::json index = nlohmann::json::array();
  std::ofstream valid(dir / "valid.txt");  // the names of the bundles that must load, one per line
  for (const lens::HostileBundle& h : lens::hostile_bundles()) {
    const std::string file = h.name + ".lens";
    std::ofstream out(dir / file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(h.bytes.data()), std::streamsize(h.bytes.size()));
    if (!out) {
      std::fprintf(stderr, "lens-hostile-corpus: cannot write %s\n", (dir / file).c_str());
      return 1;
    }
    if (h.loads) valid << h.name << "\n";
    index.push_back({{"file", file}, {"loads", h.loads}, {"refusal", h.refusal}, {"pageShows", h.page_shows}, {"heavy", h.heavy}});
  }
  std::ofstream(dir / "index.json") << index.dump(1) << "\n";
  std::printf("wrote %zu bundles to %s\n", index.size(), dir.c_str());
  return 0;
}
