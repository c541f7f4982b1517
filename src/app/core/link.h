// Deep links: the URL hash names a view of the page, for slides, posts and iframes:
//   #model=mlp6-dead&tab=neuron&layer=0&neuron=1&theme=light&scale=1.5&help=0
// Keys: model (an id), tab (explore, neuron, outputs, network, train), layer and neuron (a
// hidden neuron; hidden layers and neurons count from 0, as in the page, the JS API and
// lens-report; neuron without layer means layer 0; a neuron without tab opens the
// inspector), theme (dark, light, contrast), scale (text size, 1 to 3), help (0 hides the
// first-visit help, 1 shows it), recipe (a training recipe as JSON, the keys lens-train
// reads; opens the Train tab, or the XOR lesson, with those settings), ink (the drawing on
// the canvas, ink_code.h), test (a digit of the MNIST test set as the input, 0 to 9999),
// class (the class "How the answer was made" explains), off (switched-off neurons,
// "layer.neuron" separated by commas: off=0.3,0.17), embed (1: embed mode for an iframe).
// The page keeps the address bar at link_format of what is on screen, and opens a link with
// link_open: a copied address reopens the view.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/core/api_args.h"
#include "app/core/app_state.h"
#include "core/result.h"

namespace lens {

// Longer hashes are refused before anything is parsed (a link is a few dozen characters).
constexpr std::size_t kMaxLinkLength = 16384;  // room for a drawing (ink) of a few hundred points

struct Link {
  int model = -1;                   // index into AppState::models; -1 = the current model
  std::optional<Tab> tab;
  std::optional<NeuronRef> neuron;  // a hidden neuron of that model
  std::optional<bool> dark;
  std::optional<bool> contrast;      // the high-contrast theme
  std::optional<float> scale;       // in [1, 3]
  std::optional<bool> help;
  std::optional<bool> embed;
  std::optional<TrainRequest> recipe;  // the Train tab's (or the XOR lesson's) settings
  std::optional<std::vector<Stroke>> ink;  // the drawing on the canvas
  std::optional<int> test_index;    // a test digit as the input
  std::optional<int> explain_class;
  std::optional<std::vector<NeuronRef>> off;  // switched-off neurons
};

constexpr float kMinScale = 1.f, kMaxScale = 3.f;  // text size

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
