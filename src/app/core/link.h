// Deep links: the URL hash names a view of the page, for slides, posts and iframes:
//   #model=mlp6-dead&tab=neuron&layer=0&neuron=1&theme=light&scale=1.5&help=0
// Keys: model (an id), tab (explore, neuron, outputs, network, train), layer and neuron (a
// hidden neuron; hidden layers and neurons count from 0, as in the page, the JS API and
// lens-report; neuron without layer means layer 0; a neuron without tab opens the
// inspector), theme (dark, light), scale (text size, 1 to 2), help (0 hides the
// first-visit help, 1 shows it), recipe (a training recipe as JSON, the keys lens-train
// reads; opens the Train tab, or the XOR lesson, with those settings). The page keeps the address bar at link_format of what
// is on screen, and opens a link with link_open: a copied address reopens the view.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "app/core/api_args.h"
#include "app/core/app_state.h"
#include "core/result.h"

namespace lens {

// Longer hashes are refused before anything is parsed (a link is a few dozen characters).
constexpr std::size_t kMaxLinkLength = 4096;

struct Link {
  int model = -1;                   // index into AppState::models; -1 = the current model
  std::optional<Tab> tab;
  std::optional<NeuronRef> neuron;  // a hidden neuron of that model
  std::optional<bool> dark;
  std::optional<float> scale;       // in [1, 2]
  std::optional<bool> help;
  std::optional<TrainRequest> recipe;  // the Train tab's (or the XOR lesson's) settings
};

// Parses a hash ("#..." or without the '#') and checks it against the loaded models.
// The error names every problem, separated by "; ".
Result<Link> link_parse(const AppState& s, std::string_view hash);
// Shows the view a checked link names.
void link_apply(AppState& s, const Link& link, double now_ms);
// Parses and applies. A bad link changes nothing but the notice, which says why
// ("This link could not be opened (...), so the default view is shown.").
Result<Link> link_open(AppState& s, std::string_view hash, double now_ms);
// The view on screen as a hash, e.g. "#model=mlp32&tab=neuron&layer=0&neuron=7&theme=light";
// "" before a model is loaded. Keys at their defaults (dark, scale 1) are left out; help
// is an instruction for opening a link, not part of the view.
std::string link_format(const AppState& s);

}  // namespace lens
