// The values the JS API (and the URL hash) pass in, checked against the loaded
// models. web/lens-api.js checks JS types (a number, a string, an array) before a
// call reaches wasm; these check what the numbers and names mean. Each returns the
// checked value, or a message a person can act on, and changes nothing.
// Numbering: hidden layers and neurons count from 0; the output layer is number H,
// where H is the number of hidden layers (the same in the page, the hash and lens-report).
#pragma once
#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "app/core/app_state.h"
#include "core/onnx/onnx_import.h"
#include "core/result.h"

namespace lens {

// The longest strings the JS API passes into wasm (docs/api.md, "Limits"). web/lens-api.js checks
// every string argument and option against them in JavaScript first (lens_limits hands it these
// numbers), so that no string, however long, reaches wasm; the checks here refuse the same.
constexpr std::size_t kApiMaxNameChars = 256;      // a model id, a tab, a figure or theme name, an item label
constexpr std::size_t kApiMaxOptionsChars = 4096;  // an options object as JSON text (lens.loadBundle)
constexpr std::size_t kImportMaxNameChars = 100;   // lens.loadBundle's options.name
constexpr std::size_t kApiMaxNoticeChars = 1000;   // a notice the page shows (a dropped file's name and why it was refused)

struct NeuronRef {
  int layer = 0, unit = 0;
};

// A value quoted for a message, cut short when long (a message is one line).
std::string in_quotes(std::string_view value);

// A name passed by the API (`what` says which): at most kApiMaxNameChars, no control characters
// (a C string ends at NUL, and no id, tab or label holds one).
Result<std::string> check_api_name(const char* what, std::string_view name);
// Index into AppState::models of the model with this id.
Result<int> check_model_id(const AppState& s, const std::string& id);
Result<Tab> check_tab(const std::string& name);
// A unit of any layer, the output layer included (maximization images).
Result<NeuronRef> check_neuron(const LoadedModel& m, int layer, int neuron);
// A hidden neuron (selection, explanations).
Result<NeuronRef> check_hidden_neuron(const LoadedModel& m, int layer, int neuron);
// The model takes 28x28 images (not XOR's two numbers).
Result<bool> check_image_model(const LoadedModel& m);
// n input values in [0, 1], as many as the model has inputs.
Result<Eigen::VectorXf> check_input(const LoadedModel& m, const float* values, int n);
// Inputs for lens.predict / lens.predictBatch: count values at v for the model, each finite and
// in [0, 1] (v null: bytes 0..255, where every value is valid). first < 0: one sample, exactly
// the model's input count; else whole samples, numbered from `first` in messages. Returns the
// number of samples.
Result<int> check_samples(const LoadedModel& m, const float* v, long long count, int first);
// n points (x, y pairs) in [0, 1] canvas coordinates -> canvas pixels, for an image model.
Result<std::vector<float>> check_stroke(const LoadedModel& m, const float* xy, int n);

// lens.loadBundle's options for an ONNX model, as JSON: {"name": "...", "normalize": [mean, std],
// "accuracy": recorded test accuracy in [0, 1]}; every key optional, no others.
Result<OnnxImportOptions> check_import_options(const std::string& json);


}  // namespace lens
