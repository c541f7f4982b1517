#include "interpret/stats_file.h"

#include "interpret/units.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/constants.h"
#include "core/formats/crc32.h"
#include "interpret/numbers.h"

namespace lens {

static const std::uint8_t kStatsMagic[8] = {'L', 'E', 'N', 'S', 'S', 'T', 'A', 'T'};

std::uint32_t stats_bundle_identity(const Bundle& bundle) {
  const Bytes b = bundle_write(bundle);
  return get_le_u32(&b[b.size() - 4]);
}

std::uint32_t stats_data_identity(const DataSet& data) {
  std::uint32_t crc = 0;
  std::vector<std::uint8_t> column(std::size_t(data.images.rows()));
  for (Eigen::Index n = 0; n < data.images.cols(); ++n) {
    for (Eigen::Index i = 0; i < data.images.rows(); ++i) {
      const float v = std::round(std::min(1.f, std::max(0.f, data.images(i, n))) * 255.f);
      column[std::size_t(i)] = std::uint8_t(v);
    }
    crc = crc32(column.data(), column.size(), crc);
  }
  std::vector<std::uint8_t> labels;
  for (int y : data.labels) labels.push_back(std::uint8_t(y));
  return crc32(labels.data(), labels.size(), crc);
}

namespace {

struct SidecarWriter {
  Bytes out;
  void u32(std::uint32_t v) { put_le_u32(out, v); }
  void i32(int v) { u32(std::uint32_t(v)); }
  void f32(float f) { put_le_f32(out, f); }
  void floats(const Eigen::VectorXf& v) {
    for (Eigen::Index i = 0; i < v.size(); ++i) f32(v(i));
  }
};

// Reads forward through the bytes; every read checks what is left, and the first failure
// sticks (later reads return zeros), so the parser states its checks once, at the end of each part.
struct Reader {
  const Bytes& in;
  std::size_t at = 0, end = 0;
  bool short_read = false;
  std::uint32_t u32() {
    if (end - at < 4) { short_read = true; at = end; return 0; }
    at += 4;
    return get_le_u32(in.data() + at - 4);
  }
  int i32() { return int(std::int32_t(u32())); }
  float f32() {
    const std::uint32_t v = u32();
    float f;
    std::memcpy(&f, &v, 4);
    return f;
  }
  Eigen::VectorXf floats(int n) {
    Eigen::VectorXf v(n);
    for (int i = 0; i < n; ++i) v(i) = f32();
    return v;
  }
  Eigen::VectorXi ints(int n) {
    Eigen::VectorXi v(n);
    for (int i = 0; i < n; ++i) v(i) = i32();
    return v;
  }
};

bool in01(float v) { return v >= 0.f && v <= 1.f; }  // false for NaN
bool all_in01(const Eigen::VectorXf& v) {
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (!in01(v(i))) return false;
  return true;
}

bool all_finite(const Eigen::Ref<const Eigen::MatrixXf>& v) { return v.allFinite(); }

// An accuracy read from the file against the one its counts give, to half an image: the
// writer divides the same counts (neuron_stats.cpp), so a mismatch is a made-up number.
bool agrees(float accuracy, long long correct, long long count) {
  if (count == 0) return accuracy == 0.f;
  return std::abs(double(accuracy) - double(correct) / double(count)) <= 0.5 / double(count);
}

using R = Result<StatsFile>;

struct Shape {
  int images = 0, classes = 0, top_k = 0;
  std::vector<int> units;
  int outputs = 0;
  bool has_shapes = false;
  int top_count() const { return std::min(top_k, images); }
};

// The network-wide part: confusion, per-class numbers, accuracy and the base score.
std::string read_network(Reader& r, const Shape& sh, StatsFile& f) {
  const int C = sh.classes;
  NetworkStats& s = f.stats;
  s.images = sh.images;
  s.confusion.resize(C, C);
  for (int t = 0; t < C; ++t)
    for (int p = 0; p < C; ++p) s.confusion(t, p) = r.i32();
  s.class_accuracy = r.floats(C);
  s.class_count = r.ints(C);
  s.nonfinite = r.i32();
  s.accuracy = r.f32();
  f.base_score.accuracy = r.f32();
  f.base_score.class_accuracy = r.floats(C);
  if (r.short_read) return "truncated in the network statistics";
  if (s.confusion.minCoeff() < 0) return "a confusion-matrix count is negative";
  if (s.class_count.minCoeff() < 0 || s.class_count.cast<long long>().sum() > sh.images)
    return "the class counts are negative or add up to more than the " + std::to_string(sh.images) + " images";
  for (int t = 0; t < C; ++t)
    if (s.confusion.row(t).cast<long long>().sum() > s.class_count(t)) return "confusion row " + std::to_string(t) + " counts more images than its class has";
  if (s.nonfinite < 0 || s.nonfinite > sh.images) return "the count of non-finite outputs is out of range";
  if (!all_in01(s.class_accuracy) || !in01(s.accuracy) || !all_in01(f.base_score.class_accuracy) || !in01(f.base_score.accuracy))
    return "an accuracy lies outside [0, 1] or is not a number";
  if (!agrees(s.accuracy, s.confusion.trace(), sh.images))
    return "the accuracy " + fmt("%.4g", s.accuracy) + " disagrees with its counts (" + std::to_string(s.confusion.trace()) +
           " of " + std::to_string(sh.images) + " images right)";
  for (int c = 0; c < C; ++c)
    if (!agrees(s.class_accuracy(c), s.confusion(c, c), s.class_count(c)))
      return "the accuracy of class " + std::to_string(c) + " disagrees with its counts (" + std::to_string(s.confusion(c, c)) +
             " of " + std::to_string(s.class_count(c)) + " right)";
  return "";
}

// One hidden layer of H units.
std::string read_layer(Reader& r, const Shape& sh, int H, StatsFile& f) {
  const int C = sh.classes;
  LayerStats L;
  L.class_mean.resize(H, C);
  for (int h = 0; h < H; ++h)
    for (int c = 0; c < C; ++c) L.class_mean(h, c) = r.f32();
  L.mean = r.floats(H);
  L.max = r.floats(H);
  L.min = r.floats(H);
  L.mean_square = r.floats(H);
  L.max_preactivation = r.floats(H);
  L.active_rate = r.floats(H);
  L.selectivity = r.floats(H);
  f.importance.push_back(r.floats(H));
  f.hurt_class_accuracy.push_back(r.floats(H));
  f.hurt_class.push_back(r.ints(H));
  if (r.short_read) return "truncated in its per-neuron numbers";
  for (const Eigen::VectorXf* v : {&L.mean, &L.max, &L.min, &L.mean_square, &L.max_preactivation, &L.selectivity, &f.importance.back()})
    if (!all_finite(*v)) return "a per-neuron number is NaN or infinite";
  if (!all_finite(L.class_mean)) return "a class mean is NaN or infinite";
  if (!all_in01(L.active_rate)) return "an active rate lies outside [0, 1]";
  if (!all_in01(f.hurt_class_accuracy.back())) return "an accuracy with a neuron switched off lies outside [0, 1]";
  if (f.hurt_class.back().size() && (f.hurt_class.back().minCoeff() < -1 || f.hurt_class.back().maxCoeff() >= C))
    return "a hurt class is not a class";
  const int K = sh.top_count();
  // Checked before allocating: K entries of 12 bytes for each unit must be there.
  if ((r.end - r.at) / 12 < std::size_t(K) * std::size_t(H)) return "truncated in the strongest images";
  for (int h = 0; h < H; ++h) {
    const std::size_t count = std::size_t(K);
    std::vector<int> idx(count), label(count);
    std::vector<float> val(count);
    for (int k = 0; k < K; ++k) {
      idx[std::size_t(k)] = r.i32();
      val[std::size_t(k)] = r.f32();
      label[std::size_t(k)] = r.i32();
      if (idx[std::size_t(k)] < 0 || idx[std::size_t(k)] >= sh.images) return "a strongest-image index is not a test image";
      if (label[std::size_t(k)] < -1 || label[std::size_t(k)] >= C) return "a strongest image's label is not a class";
      if (!std::isfinite(val[std::size_t(k)])) return "a strongest image's value is NaN or infinite";
    }
    L.top.push_back(std::move(idx));
    L.top_value.push_back(std::move(val));
    L.top_label.push_back(std::move(label));
  }
  L.list_dead();  // as StatsBuilder::finish derives them
  f.stats.layers.push_back(std::move(L));
  return "";
}

bool in_pm1(float v) { return v >= -1.f && v <= 1.f; }  // false for NaN

// The shapes' scores of one layer of U units.
std::string read_shapes(Reader& r, int U, StatsFile& f) {
  // Checked before allocating: (kConceptCount + 2) values of 4 bytes for each unit must be there.
  if ((r.end - r.at) / 4 / std::size_t(kConceptCount + 2) < std::size_t(U)) return "truncated in the shapes' scores";
  ConceptDigitScores d;
  d.score.resize(U, kConceptCount);
  for (int h = 0; h < U; ++h)
    for (int k = 0; k < kConceptCount; ++k) d.score(h, k) = r.f32();
  d.summary = r.floats(U);
  for (int h = 0; h < U; ++h) {
    const std::uint32_t defined = r.u32();
    if (defined > 1) return "a shape summary's 'defined' is neither 0 nor 1";
    if (!defined && d.summary(h) != 0.f) return "an undefined shape summary is not 0";
    d.summary_defined.push_back(defined == 1);
  }
  for (Eigen::Index i = 0; i < d.score.size(); ++i)
    if (!in_pm1(d.score.data()[i])) return "a shape's explanation score lies outside [-1, 1] or is not a number";
  for (int h = 0; h < U; ++h)
    if (!in_pm1(d.summary(h))) return "a shape summary score lies outside [-1, 1] or is not a number";
  f.shapes.push_back(std::move(d));
  return "";
}

std::string read_shape(Reader& r, const Bundle& bundle, std::uint32_t bundle_identity, const StatsDataSet& on, Shape& sh,
                       StatsFile& f) {
  const std::uint32_t version = r.u32();
  f.bundle_identity = r.u32();
  f.data_identity = r.u32();
  const std::uint32_t images = r.u32(), classes = r.u32(), top_k = r.u32(), layers = r.u32();
  if (r.short_read) return "truncated in the header";
  if (version != kStatsVersion)
    return "version " + std::to_string(version) + " (this build reads version " + std::to_string(kStatsVersion) + ")";
  const int hidden = int(bundle.net.layers.size()) - 1;
  if (layers != std::uint32_t(std::max(0, hidden)))
    return "made for " + std::to_string(layers) + " hidden layers, the model has " + std::to_string(hidden);
  if (classes != std::uint32_t(bundle.net.outputs()))
    return "made for " + std::to_string(classes) + " classes, the model has " + std::to_string(bundle.net.outputs());
  if (images == 0 || images > std::uint32_t(kStatsMaxImages)) return "image count " + std::to_string(images) + " out of range";
  if (images != std::uint32_t(on.images))
    return "measured on " + std::to_string(images) + " images; the test set here has " + std::to_string(on.images);
  if (f.data_identity != on.identity) {
    char ids[64];
    std::snprintf(ids, sizeof ids, "data identity %08x, the test set here is %08x", unsigned(f.data_identity), unsigned(on.identity));
    return std::string("measured on other test digits (") + ids + ")";
  }
  if (top_k > std::uint32_t(kStatsMaxTopK)) return "top_k " + std::to_string(top_k) + " out of range";
  sh.images = int(images);
  sh.classes = int(classes);
  sh.top_k = f.top_k = int(top_k);
  for (int l = 0; l < hidden; ++l) {
    const std::uint32_t H = r.u32();
    const int want = layer_units(bundle.net.layers[std::size_t(l)]);
    if (r.short_read) return "truncated in the layer sizes";
    if (H != std::uint32_t(want))
      return "hidden layer " + std::to_string(l) + " has " + std::to_string(H) + " units here, " + std::to_string(want) + " in the model";
    sh.units.push_back(want);
  }
  const std::uint32_t flags = r.u32();
  if (r.short_read) return "truncated in the header";
  if (flags > 3) return "unknown flags " + std::to_string(flags);
  f.has_importance = flags & 1;
  sh.has_shapes = flags & 2;
  sh.outputs = bundle.net.outputs();
  if (f.bundle_identity != bundle_identity)
    return "made for another version of model '" + bundle.info.id + "' (bundle identity differs): regenerate it with tools/build-stats.sh";
  return "";
}

}  // namespace

Bytes stats_file_write(const StatsFile& f) {
  SidecarWriter w;
  const NetworkStats& s = f.stats;
  const int C = int(s.class_count.size());
  w.out.assign(kStatsMagic, kStatsMagic + 8);
  w.u32(kStatsVersion);
  w.u32(f.bundle_identity);
  w.u32(f.data_identity);
  w.u32(std::uint32_t(s.images));
  w.u32(std::uint32_t(C));
  w.u32(std::uint32_t(f.top_k));
  w.u32(std::uint32_t(s.layers.size()));
  for (const LayerStats& L : s.layers) w.u32(std::uint32_t(L.units()));
  w.u32((f.has_importance ? 1u : 0u) | (f.shapes.empty() ? 0u : 2u));
  for (int t = 0; t < C; ++t)
    for (int p = 0; p < C; ++p) w.i32(s.confusion(t, p));
  w.floats(s.class_accuracy);
  for (int c = 0; c < C; ++c) w.i32(s.class_count(c));
  w.i32(s.nonfinite);
  w.f32(s.accuracy);
  w.f32(f.base_score.accuracy);
  w.floats(f.base_score.class_accuracy);
  for (std::size_t l = 0; l < s.layers.size(); ++l) {
    const LayerStats& L = s.layers[l];
    for (int h = 0; h < L.units(); ++h)
      for (int c = 0; c < C; ++c) w.f32(L.class_mean(h, c));
    for (const Eigen::VectorXf* v : {&L.mean, &L.max, &L.min, &L.mean_square, &L.max_preactivation, &L.active_rate, &L.selectivity,
                                     &f.importance[l], &f.hurt_class_accuracy[l]})
      w.floats(*v);
    for (int h = 0; h < L.units(); ++h) w.i32(f.hurt_class[l](h));
    for (int h = 0; h < L.units(); ++h)
      for (std::size_t k = 0; k < L.top[std::size_t(h)].size(); ++k) {
        w.i32(L.top[std::size_t(h)][k]);
        w.f32(L.top_value[std::size_t(h)][k]);
        w.i32(L.top_label[std::size_t(h)][k]);
      }
  }
  for (const ConceptDigitScores& d : f.shapes) {
    for (Eigen::Index h = 0; h < d.score.rows(); ++h)
      for (int k = 0; k < kConceptCount; ++k) w.f32(d.score(h, k));
    w.floats(d.summary);
    for (bool defined : d.summary_defined) w.u32(defined ? 1u : 0u);
  }
  w.u32(crc32(w.out.data(), w.out.size()));
  return w.out;
}

Result<StatsFile> stats_file_read(const Bytes& bytes, const Bundle& bundle, const StatsDataSet& measured_on) {
  return stats_file_read(bytes, bundle, stats_bundle_identity(bundle), measured_on);
}

Result<StatsFile> stats_file_read(const Bytes& bytes, const Bundle& bundle, std::uint32_t bundle_identity,
                                  const StatsDataSet& measured_on) {
  const std::string who = "statistics of '" + bundle.info.id + "': ";
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kStatsMagic, 8) != 0) return R::fail(who + "not a statistics file (wrong magic)");
  if (bytes.size() < 12) return R::fail(who + "truncated in the header");
  if (bundle.net.inputs() != kPixels || bundle.net.layers.size() < 2)
    return R::fail(who + "the model has no hidden layers over MNIST images to measure");
  Reader r{bytes, 8, bytes.size() - 4};
  const std::uint32_t stored_crc = Reader{bytes, bytes.size() - 4, bytes.size()}.u32();
  StatsFile f;
  Shape sh;
  if (std::string e = read_shape(r, bundle, bundle_identity, measured_on, sh, f); !e.empty()) return R::fail(who + e);
  if (crc32(bytes.data(), bytes.size() - 4) != stored_crc) return R::fail(who + "checksum mismatch (the file is damaged)");
  if (std::string e = read_network(r, sh, f); !e.empty()) return R::fail(who + e);
  for (std::size_t l = 0; l < sh.units.size(); ++l)
    if (std::string e = read_layer(r, sh, sh.units[l], f); !e.empty()) return R::fail(who + "hidden layer " + std::to_string(l) + ": " + e);
  if (sh.has_shapes) {
    std::vector<int> units = sh.units;
    units.push_back(sh.outputs);
    for (std::size_t l = 0; l < units.size(); ++l)
      if (std::string e = read_shapes(r, units[l], f); !e.empty())
        return R::fail(who + (l + 1 < units.size() ? "hidden layer " + std::to_string(l) : std::string("the output layer")) + ": " + e);
  }
  if (r.at != r.end) return R::fail(who + std::to_string(r.end - r.at) + " bytes more than its shape needs");
  return R::ok(std::move(f));
}

}  // namespace lens
