#include "hostile_corpus.h"

#include <cstring>
#include <functional>

#include "core/constants.h"
#include "core/formats/bundle.h"
#include "core/formats/crc32.h"
#include "core/numerics/rng.h"

namespace lens {

namespace {

Bundle make(const std::string& id, const std::vector<int>& sizes, Activation act, Head head = Head::Softmax) {
  Bundle b;
  b.info.id = b.info.name = id;
  b.net = mlp_make(sizes, act);
  b.net.head = head;
  return b;
}

void fill(Mlp& net, std::uint64_t seed, float scale) {
  Rng rng(seed);
  for (Dense& d : net.layers) {
    for (Eigen::Index i = 0; i < d.W.size(); ++i) d.W.data()[i] = scale * rng.normal();
    for (Eigen::Index i = 0; i < d.b.size(); ++i) d.b(i) = scale * rng.normal();
  }
}

std::uint32_t get_u32(const Bytes& b, std::size_t at) { return get_le_u32(&b[at]); }
void put_u32(Bytes& b, std::size_t at, std::uint32_t v) { set_le_u32(&b[at], v); }

// The bundle with its JSON header text replaced, lengths and checksum made right again:
// only the header is hostile, so the reader must judge it by its content.
Bytes with_header(const Bytes& valid, const std::function<std::string(std::string)>& edit) {
  const std::size_t hlen = get_u32(valid, 12);
  const std::string header = edit(std::string(valid.begin() + 16, valid.begin() + 16 + long(hlen)));
  Bytes out(valid.begin(), valid.begin() + 16);
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), valid.begin() + 16 + long(hlen), valid.end() - 4);
  put_u32(out, 12, std::uint32_t(header.size()));
  const std::uint32_t crc = crc32(out.data(), out.size());
  out.resize(out.size() + 4);
  put_u32(out, out.size() - 4, crc);
  return out;
}

// Every float of the payload set to v, checksum made right again.
Bytes with_all_weights(const Bytes& valid, float v) {
  Bytes out(valid.begin(), valid.end() - 4);
  const std::size_t first = 16 + get_u32(valid, 12);
  std::uint32_t bits;
  std::memcpy(&bits, &v, 4);
  for (std::size_t at = first; at + 4 <= out.size(); at += 4) put_u32(out, at, bits);
  const std::uint32_t crc = crc32(out.data(), out.size());
  out.resize(out.size() + 4);
  put_u32(out, out.size() - 4, crc);
  return out;
}

// 1x28x28 -> conv 4 of 5x5, ReLU, max pool 2 -> 4x12x12 -> dense 576 -> 10.
Mlp convnet_for_corpus() {
  Mlp net;
  Layer c;
  c.kind = LayerKind::Conv;
  c.in = Shape3{1, 28, 28};
  c.window = Window{5, 5};
  c.W = Eigen::MatrixXf::Zero(4, 25);
  c.b = Eigen::VectorXf::Zero(4);
  c.act = Activation::ReLU;
  c.pool = Pool{PoolKind::Max, Window{2, 2, 2, 2}};
  net.layers.push_back(c);
  net.layers.push_back(mlp_make({net.layers[0].outputs(), 10}, Activation::Identity).layers[0]);
  return net;
}

// h with the first `from` replaced by `to` (the test fails loudly if from is not there).
std::string swapped(std::string h, const std::string& from, const std::string& to) {
  const auto at = h.find(from);
  if (at == std::string::npos) return "missing " + from;
  return h.replace(at, from.size(), to);
}

std::string nested(int depth) {
  return std::string(std::size_t(depth), '[') + std::string(std::size_t(depth), ']');
}

}  // namespace

std::vector<HostileBundle> hostile_bundles() {
  std::vector<HostileBundle> out;
  auto loads = [&](const std::string& name, Bundle b, bool page = true, bool heavy = false) {
    b.info.id = name;
    out.push_back({name, bundle_write(b), true, "", page, heavy});
  };
  auto refused = [&](const std::string& name, Bytes bytes, const std::string& why) { out.push_back({name, std::move(bytes), false, why}); };

  // Alive but constant: zero weights and a positive bias (once crashed explain_neuron).
  Bundle constant = make("x", {784, 3, 10}, Activation::ReLU);
  fill(constant.net, 1, 0.05f);
  constant.net.layers[0].W.row(1).setZero();
  constant.net.layers[0].b(1) = 0.7f;
  loads("constant-unit", constant);

  // Large but finite weights that stay far from overflow: analysed like any other.
  Bundle large = make("x", {784, 16, 10}, Activation::ReLU);
  fill(large.net, 2, 1000.f);
  loads("large-weights", large);
  Bundle saturated = make("x", {784, 8, 10}, Activation::Sigmoid);
  fill(saturated.net, 3, 1000.f);
  loads("saturated-sigmoid", saturated);

  // Models of the plane that are not XOR-shaped.
  Bundle relu8 = make("x", {2, 8, 1}, Activation::ReLU, Head::Sigmoid);
  fill(relu8.net, 4, 1.f);
  loads("plane-2-8-1-relu", relu8);
  Bundle deep = make("x", {2, 3, 3, 1}, Activation::Tanh, Head::Sigmoid);
  fill(deep.net, 5, 1.f);
  loads("plane-2-3-3-1-tanh", deep);
  Bundle flat = make("x", {2, 1}, Activation::ReLU, Head::Sigmoid);
  fill(flat.net, 6, 1.f);
  loads("plane-2-1", flat);
  // Valid, but neither MNIST nor a model of the plane: the page refuses it, the reader takes it.
  Bundle other = make("x", {3, 4, 2}, Activation::ReLU);
  fill(other.net, 7, 1.f);
  loads("three-inputs", other, false);

  // A digit prior (a "decoder" bundle, version 3): the reader takes it, the page refuses it as a
  // model to inspect (it makes images; it does not classify them).
  Bundle prior = make("x", {16, 32, 784}, Activation::ReLU, Head::Sigmoid);
  prior.net.layers.back().act = Activation::Sigmoid;
  prior.info.kind = BundleKind::Decoder;
  fill(prior.net, 10, 0.1f);
  loads("decoder", prior, false);

  // Wide and deep: the page must stay responsive while it analyses it.
  Bundle wide = make("x", {784, 512, 512, 512, 512, 512, 10}, Activation::ReLU);
  fill(wide.net, 8, 0.02f);
  loads("wide-512x5", wide, true, true);

  // A convnet (version 4): the reader takes it and the page shows it, a channel per unit.
  Bundle conv;
  conv.info.id = "x";
  conv.net = convnet_for_corpus();
  fill(conv.net, 11, 0.1f);
  loads("convnet", conv);
  // A convolution after a dense layer: read, but neither the page nor lens-report shows it.
  Bundle late = conv;
  late.net.layers.insert(late.net.layers.begin(), mlp_make({kPixels, 128}, Activation::ReLU).layers[0]);
  late.net.layers[1].in = Shape3{1, 8, 16};
  late.net.layers[2] = mlp_make({late.net.layers[1].outputs(), 10}, Activation::Identity).layers[0];
  fill(late.net, 12, 0.1f);
  loads("conv-after-dense", late, false);

  // Refused: hostile headers.
  const Bytes valid = bundle_write(constant);
  refused("nested-training", with_header(valid, [](std::string h) {
            const auto at = h.find("\"training\":{}");
            return h.replace(at, 13, "\"training\":{\"a\":" + nested(10000) + "}");
          }), "deep");
  refused("nested-object", with_header(valid, [](std::string h) {
            std::string v;
            for (int i = 0; i < 5000; ++i) v += "{\"a\":";
            v += "1" + std::string(5000, '}');
            return h.replace(h.find("\"training\":{}"), 13, "\"training\":" + v);
          }), "deep");
  refused("header-not-json", with_header(valid, [](std::string h) { return h.substr(0, h.size() / 2); }), "JSON");
  refused("bad-id", with_header(valid, [](std::string h) { return h.replace(h.find("\"id\":\"x\""), 8, "\"id\":\"../../etc\""); }), "id");
  refused("layers-lie", with_header(valid, [](std::string h) { return h.replace(h.find("\"outputs\":3"), 11, "\"outputs\":4"); }), "");
  const Bytes decoder = bundle_write(prior);
  refused("decoder-unknown-kind", with_header(decoder, [](std::string h) {
            return h.replace(h.find("\"kind\":\"decoder\""), 16, "\"kind\":\"painter\"");
          }), "kind");
  refused("decoder-relu-output", with_header(decoder, [](std::string h) {
            return h.replace(h.rfind("\"activation\":\"sigmoid\""), 22, "\"activation\":\"relu\"");
          }), "sigmoid");
  // Refused: convnets whose maps or work are not what their header says or can afford.
  const Bytes convnet = bundle_write(conv);
  refused("conv-pads-as-wide-as-kernel", with_header(convnet, [](std::string h) {
            return swapped(h, "\"pads\":[0,0,0,0]", "\"pads\":[5,5,5,5]");
          }), "padding");
  refused("conv-maps-lie", with_header(convnet, [](std::string h) { return swapped(h, "\"in\":[1,28,28]", "\"in\":[1,28,27]"); }),
          "size mismatch");
  refused("conv-unknown-pool", with_header(convnet, [](std::string h) { return swapped(h, "\"kind\":\"max\"", "\"kind\":\"min\""); }),
          "unknown kind");
  refused("conv-work-absurd", with_header(convnet, [](std::string h) {  // 4096 filters of 25 x 25 taps
            return swapped(swapped(h, "\"channels\":4,", "\"channels\":4096,"), "\"kernel\":[5,5]", "\"kernel\":[25,25]");
          }), "");
  refused("conv-nan-weights", with_all_weights(convnet, std::nanf("")), "");
  // Refused: payload.
  refused("weights-3e38", with_all_weights(valid, 3.4e38f), "");
  refused("sigmoid-1e30", with_all_weights(bundle_write(saturated), 1e30f), "");
  refused("nan-weights", with_all_weights(valid, std::nanf("")), "");
  Bundle overflow = make("x", {784, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 10}, Activation::ReLU);
  fill(overflow.net, 9, 0.f);
  for (Dense& d : overflow.net.layers) d.W.setConstant(100.f);
  Bytes overflow_bytes = bundle_write(overflow);
  refused("overflowing-depth", overflow_bytes, "");
  Bytes truncated(valid.begin(), valid.begin() + long(valid.size() / 2));
  refused("truncated", truncated, "");
  Bytes crc = valid;
  crc[crc.size() / 2] ^= 0x40;
  refused("bad-checksum", crc, "checksum");
  Bytes magic = valid;
  magic[1] = 'X';
  refused("bad-magic", magic, "");
  Bytes huge_header = valid;
  put_u32(huge_header, 12, 0xFFFFFFF0u);
  refused("header-length-huge", huge_header, "");
  refused("empty", Bytes{}, "");
  return out;
}

}  // namespace lens
