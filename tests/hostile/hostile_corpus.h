// Hostile and extreme .lens bundles, made by code so they need no committed
// binaries: each either must be refused with a message naming the problem, or
// must load and be analysed without a crash, a hang or a NaN shown as a number.
// Used by the native and wasm unit tests, by lens-hostile-corpus (which writes
// them for the browser test and the fuzz seeds) and so by all three test layers.
#pragma once
#include <string>
#include <vector>

#include "core/formats/bytes.h"

namespace lens {

struct HostileBundle {
  std::string name;      // file stem
  Bytes bytes;
  bool loads = false;    // a valid bundle (however extreme) or one the reader must refuse
  std::string refusal;   // for a refused one: a phrase the reader's message must contain
  bool page_shows = true;  // a loaded one the page can show (MNIST or a model of the plane)
  bool heavy = false;    // large: the unit tests only load it; the browser analyses it
};

std::vector<HostileBundle> hostile_bundles();

}  // namespace lens
