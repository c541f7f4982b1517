// The values the JS API (and the URL hash) pass in, checked against the loaded
// models. web/lens-api.js checks JS types (a number, a string, an array) before a
// call reaches wasm; these check what the numbers and names mean. Each returns the
// checked value, or a message a person can act on, and changes nothing.
// Numbering: hidden layers and neurons count from 0; the output layer is number H,
// where H is the number of hidden layers (the same in the page, the hash and lens-report).
#pragma once
#include <Eigen/Core>
#include <string>
#include <string_view>
#include <vector>

#include "app/core/app_state.h"
#include "core/onnx/onnx_import.h"
#include "core/result.h"

namespace lens {

struct NeuronRef {
  int layer = 0, unit = 0;
};

// A value quoted for a message, cut short when long (a message is one line).
std::string in_quotes(std::string_view value);

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
