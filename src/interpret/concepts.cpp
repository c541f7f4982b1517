#include "interpret/concepts.h"

#include "interpret/units.h"

#include <algorithm>
#include <cmath>

#include "core/constants.h"
#include "core/input/canvas.h"
#include "core/input/preprocess.h"
#include "core/numerics/gemm.h"
#include "interpret/correlation.h"
#include "interpret/thresholds.h"

namespace lens {

namespace {

// A shape's points in its own box: u right, v down, v from -0.5 to 0.5 (u scaled by the aspect).
struct Point { double u, v; };
using Polyline = std::vector<Point>;

constexpr double kPi = 3.14159265358979323846;

// cos and sin from their series on [-pi, pi], with +, - and * only: the library's
// versions differ between glibc and Emscripten's musl, and the drawings must not.
void cos_sin(double t, double& c, double& s) {
  while (t > kPi) t -= 2 * kPi;
  while (t < -kPi) t += 2 * kPi;
  const double t2 = t * t;
  double term_c = 1, term_s = t;
  c = 0, s = 0;
  for (int n = 0; n < 14; ++n) {  // 28 terms: the remainder at pi is below 1e-15
    c += term_c;
    s += term_s;
    term_c *= -t2 / double((2 * n + 1) * (2 * n + 2));
    term_s *= -t2 / double((2 * n + 2) * (2 * n + 3));
  }
}

// Points of an ellipse about the origin from angle a0 to a1 (degrees; v points down, so 90 is
// the bottom and 180 the left), the way a hand goes round it.
void arc(Polyline& p, double rx, double ry, double a0, double a1) {
  const int steps = std::max(2, int(std::abs(a1 - a0) / 7.5));
  for (int i = 0; i <= steps; ++i) {
    double c, s;
    cos_sin((a0 + (a1 - a0) * i / steps) * kPi / 180.0, c, s);
    p.push_back({rx * c, ry * s});
  }
}

Polyline line(double u0, double v0, double u1, double v1) { return {{u0, v0}, {u1, v1}}; }

// The family's strokes in its box, as a person would draw them.
std::vector<Polyline> strokes(Concept c, const ConceptVariant& v) {
  const double w = 0.5 * v.aspect;  // half the width
  Polyline p;
  switch (c) {
    case Concept::Loop: arc(p, w, 0.5, 270, 630); return {p};                   // from the top, anticlockwise on screen
    case Concept::ArcLeft: arc(p, w, 0.5, 300, 60); return {p};                 // a C: top right, left, bottom right
    case Concept::ArcRight: arc(p, w, 0.5, 240, 480); return {p};               // a reversed C
    case Concept::Cup:                                                          // a U: down one side, round, up the other
      p.push_back({-w, -0.5});
      arc(p, w, 0.5, 180, 0);
      p.push_back({w, -0.5});
      return {p};
    case Concept::Arch:                                                         // an n
      p.push_back({-w, 0.5});
      arc(p, w, 0.5, 180, 360);
      p.push_back({w, 0.5});
      return {p};
    case Concept::Vertical: return {line(0, -0.5, 0, 0.5)};
    case Concept::Bar: return {line(-0.5, -0.3 * v.slant, 0.5, 0.3 * v.slant)};  // a slant tilts a bar
    case Concept::DiagonalRising: return {line(-w, 0.5, w, -0.5)};
    case Concept::DiagonalFalling: return {line(-w, -0.5, w, 0.5)};
    case Concept::Crossing: return {line(-w, -0.5, w, 0.5), line(w, -0.5, -w, 0.5)};
    case Concept::Plus: return {line(0, -0.5, 0, 0.5), line(-w, 0, w, 0)};
  }
  return {};
}

const ConceptInfo kInfo[kConceptCount] = {
    {Concept::Loop, "loop", "closed loops", "loop", true},
    {Concept::ArcLeft, "arc-left", "arcs bulging left, like a C", "left arc", true},
    {Concept::ArcRight, "arc-right", "arcs bulging right, like a reversed C", "right arc", true},
    {Concept::Cup, "cup", "cups open at the top, like a U", "cup", true},
    {Concept::Arch, "arch", "arches open at the bottom, like an n", "arch", true},
    {Concept::Vertical, "vertical", "vertical strokes", "vertical", false},
    {Concept::Bar, "bar", "horizontal bars", "bar", false},
    {Concept::DiagonalRising, "diagonal-rising", "diagonals rising to the right", "rising diagonal", false},
    {Concept::DiagonalFalling, "diagonal-falling", "diagonals falling to the right", "falling diagonal", false},
    {Concept::Crossing, "crossing", "crossings like an X", "X", false},
    {Concept::Plus, "plus", "crosses like a +", "plus", false},
};

}  // namespace

const ConceptInfo& concept_info(Concept c) { return kInfo[std::clamp(int(c), 0, kConceptCount - 1)]; }

const std::vector<ConceptVariant>& concept_variants() {
  static const std::vector<ConceptVariant> v = [] {
    std::vector<ConceptVariant> out;
    for (float size : {0.45f, 0.7f})
      for (float aspect : {0.55f, 0.8f, 1.f})
        for (float slant : {-0.25f, 0.f, 0.25f}) out.push_back({size, aspect, slant});
    return out;
  }();
  return v;
}

std::vector<std::vector<float>> concept_strokes(Concept c, const ConceptVariant& v) {
  const double centre = kCanvasSide / 2.0, scale = double(v.size) * kCanvasSide;
  std::vector<std::vector<float>> out;
  for (const Polyline& p : strokes(c, v)) {
    std::vector<float> xy;
    for (const Point& q : p) {
      xy.push_back(float(std::round(centre + (q.u - v.slant * q.v) * scale)));
      xy.push_back(float(std::round(centre + q.v * scale)));
    }
    out.push_back(std::move(xy));
  }
  return out;
}

Eigen::VectorXf concept_render(Concept c, const ConceptVariant& v) {
  Canvas canvas(kCanvasSide, kCanvasSide);
  for (const std::vector<float>& xy : concept_strokes(c, v)) canvas_draw_polyline(canvas, xy, kDefaultBrushRadius);
  const Digit d = preprocess_canvas(canvas);
  return Eigen::Map<const Eigen::VectorXf>(d.data(), kPixels);
}

const ConceptProbe& concept_probe() {
  static const ConceptProbe probe = [] {
    const std::vector<ConceptVariant>& vs = concept_variants();
    ConceptProbe p;
    p.variants = int(vs.size());
    p.images.resize(kPixels, kConceptCount * p.variants);
    for (int k = 0; k < kConceptCount; ++k)
      for (int i = 0; i < p.variants; ++i) {
        p.images.col(k * p.variants + i) = concept_render(Concept(k), vs[std::size_t(i)]);
        p.concept_of.push_back(k);
      }
    return p;
  }();
  return probe;
}

// Column norms summed in index order (Eigen's norm() may sum in another order in wasm).
static std::vector<double> column_norms(const Eigen::MatrixXf& m) {
  std::vector<double> out(std::size_t(m.cols()));
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    double s = 0;
    for (Eigen::Index i = 0; i < m.rows(); ++i) s += double(m(i, j)) * double(m(i, j));
    out[std::size_t(j)] = std::sqrt(s);
  }
  return out;
}

ConceptDigits concept_digits(const DataSet& test, const ConceptProbe& probe) {
  ConceptDigits d;
  const Eigen::Index N = std::min<Eigen::Index>(kShapeDigits, test.images.cols());
  if (N <= 0 || test.images.rows() != kPixels) return d;
  d.images = test.images.leftCols(N);
  Eigen::MatrixXf dots;  // (R, N), gemm.h's fixed summation order: the same bits in wasm
  gemm_op(probe.images, true, d.images, false, dots);
  const std::vector<double> rn = column_norms(probe.images), dn = column_norms(d.images);
  d.resemblance = Eigen::MatrixXf::Zero(kConceptCount, N);
  for (Eigen::Index n = 0; n < N; ++n)
    for (Eigen::Index r = 0; r < dots.rows(); ++r) {
      const double den = rn[std::size_t(r)] * dn[std::size_t(n)];
      const float cos = den > 0 ? float(double(dots(r, n)) / den) : 0.f;
      float& best = d.resemblance(probe.concept_of[std::size_t(r)], n);
      best = std::max(best, cos);
    }
  return d;
}

// Pearson's correlation between x and y, in double, summed in index order.
static float correlation(const Eigen::Ref<const Eigen::RowVectorXf>& x, const Eigen::Ref<const Eigen::RowVectorXf>& y, bool* defined) {
  const Eigen::Index n = std::min(x.size(), y.size());
  double mx = 0, my = 0;
  for (Eigen::Index i = 0; i < n; ++i) mx += x(i), my += y(i);
  mx /= double(std::max<Eigen::Index>(1, n)), my /= double(std::max<Eigen::Index>(1, n));
  double sxy = 0, sxx = 0, syy = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double a = x(i) - mx, b = y(i) - my;
    sxy += a * b, sxx += a * a, syy += b * b;
  }
  return correlation_from_sums(sxy, sxx, syy, defined);
}

// The median of the family medians: "more than most" has to beat it, so a unit every drawing
// leaves at the same level excites for none of them.
static float median_family(Eigen::RowVectorXf drawn) {
  std::sort(drawn.data(), drawn.data() + drawn.size(), [](float a, float b) { return a > b; });
  return 0.5f * (drawn(kConceptCount / 2 - 1) + drawn(kConceptCount / 2));
}

ConceptScores concept_scores(const Eigen::Ref<const Eigen::MatrixXf>& acts, const ConceptProbe& probe,
                             const Eigen::Ref<const Eigen::MatrixXf>& digit_acts, const ConceptDigits* digits) {
  const Eigen::Index U = acts.rows(), R = acts.cols();
  ConceptScores s;
  s.drawn = Eigen::MatrixXf::Zero(U, kConceptCount);
  s.above = Eigen::MatrixXf::Zero(U, kConceptCount);
  s.score = Eigen::MatrixXf::Zero(U, kConceptCount);
  s.defined.assign(std::size_t(U), false);
  s.acts = acts;
  s.summary = Eigen::VectorXf::Zero(U);
  s.summary_defined.assign(std::size_t(U), false);
  s.scored = digits && digits->resemblance.cols() > 0 && digit_acts.rows() == U && digit_acts.cols() == digits->resemblance.cols();
  std::vector<std::vector<float>> family(kConceptCount);
  for (Eigen::Index h = 0; h < U && R > 0; ++h) {
    for (auto& f : family) f.clear();
    float lo = acts(h, 0), hi = acts(h, 0);
    for (Eigen::Index r = 0; r < R; ++r) {
      family[std::size_t(probe.concept_of[std::size_t(r)])].push_back(acts(h, r));
      lo = std::min(lo, acts(h, r)), hi = std::max(hi, acts(h, r));
    }
    s.defined[std::size_t(h)] = hi > lo;
    for (int k = 0; k < kConceptCount; ++k) {
      // The median: what a typical drawing does (a mean would let two extreme variants of 18 lead).
      std::vector<float>& v = family[std::size_t(k)];
      std::sort(v.begin(), v.end());
      const std::size_t n = v.size();
      s.drawn(h, k) = n == 0 ? 0.f : n % 2 ? v[n / 2] : 0.5f * (v[n / 2 - 1] + v[n / 2]);
      if (s.scored) s.score(h, k) = correlation(digits->resemblance.row(k), digit_acts.row(h), nullptr);
    }
    const float median = median_family(s.drawn.row(h));
    for (int k = 0; k < kConceptCount; ++k) {
      const std::vector<float>& v = family[std::size_t(k)];
      const auto n = std::count_if(v.begin(), v.end(), [&](float a) { return a > median; });
      s.above(h, k) = v.empty() ? 0.f : float(n) / float(v.size());
    }
  }
  for (Eigen::Index h = 0; h < U && s.scored; ++h) {
    std::vector<int> named;
    for (const ConceptFact& c : concept_named(s, int(h))) named.push_back(c.concept);
    bool defined = false;
    s.summary(h) = concept_summary_score(named, digit_acts.row(h), *digits, &defined);
    s.summary_defined[std::size_t(h)] = defined;
  }
  return s;
}

ConceptDigitScores concept_digit_scores(const ConceptScores& s) { return {s.score, s.summary, s.summary_defined}; }

bool concept_adopt_digit_scores(ConceptScores& s, const ConceptDigitScores& from) {
  const Eigen::Index U = s.drawn.rows();
  if (from.score.rows() != U || from.score.cols() != kConceptCount || from.summary.size() != U ||
      from.summary_defined.size() != std::size_t(U))
    return false;
  s.score = from.score;
  s.summary = from.summary;
  s.summary_defined = from.summary_defined;
  s.scored = true;
  return true;
}

std::vector<ConceptFact> concept_ranking(const ConceptScores& s, int unit) {
  std::vector<ConceptFact> out;
  if (unit < 0 || unit >= int(s.defined.size()) || !s.defined[std::size_t(unit)]) return out;
  for (int k = 0; k < kConceptCount; ++k) out.push_back({k, s.drawn(unit, k), s.above(unit, k), s.score(unit, k), 0, false});
  std::stable_sort(out.begin(), out.end(), [](const ConceptFact& a, const ConceptFact& b) { return a.drawn > b.drawn; });
  const float median = median_family(s.drawn.row(unit));
  for (int i = 0; i < kConceptCount; ++i) {
    ConceptFact& c = out[std::size_t(i)];
    c.rank = i;
    c.excites = i < kConceptTopRanks && c.drawn > median && c.above > 0.5f;
  }
  return out;
}

std::vector<ConceptFact> concept_named(const ConceptScores& s, int unit) {
  std::vector<ConceptFact> out;
  if (!s.scored) return out;
  for (const ConceptFact& c : concept_ranking(s, unit))
    if (c.excites && c.score >= kConceptNamed && int(out.size()) < kConceptsNamed) out.push_back(c);
  return out;
}

std::vector<ConceptScores> concept_scores_all(const Mlp& net, const ConceptProbe& probe, const ConceptDigits* digits) {
  std::vector<ConceptScores> out;
  if (net.inputs() != kPixels) return out;
  // the model's input normalization applies, as in a drawing's forward pass
  const std::vector<Eigen::MatrixXf> drawn = unit_responses_all(net, probe.images);
  const bool scored = digits && digits->images.cols() > 0;
  const std::vector<Eigen::MatrixXf> real = scored ? unit_responses_all(net, digits->images) : std::vector<Eigen::MatrixXf>();
  for (std::size_t l = 0; l < drawn.size(); ++l)
    out.push_back(concept_scores(drawn[l], probe, scored ? real[l] : Eigen::MatrixXf(), scored ? digits : nullptr));
  return out;
}

float concept_summary_score(const std::vector<int>& named, const Eigen::Ref<const Eigen::RowVectorXf>& digit_acts,
                            const ConceptDigits& digits, bool* defined) {
  Eigen::RowVectorXf sim = Eigen::RowVectorXf::Zero(digits.resemblance.cols());
  for (int k : named)
    if (k >= 0 && k < kConceptCount) sim += digits.resemblance.row(k);
  if (named.empty() || digit_acts.size() != sim.size()) {
    if (defined) *defined = false;
    return 0.f;
  }
  return correlation(sim, digit_acts, defined);
}

}  // namespace lens
