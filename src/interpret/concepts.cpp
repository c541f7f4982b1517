#include "interpret/concepts.h"

#include <algorithm>
#include <cmath>

#include "core/constants.h"
#include "interpret/correlation.h"

namespace lens {

namespace {

struct Point { double u, v; };
using Polyline = std::vector<Point>;

constexpr double kPi = 3.14159265358979323846;

// cos and sin from their series on [-pi, pi], with +, - and * only: the library's
// versions differ between glibc and Emscripten's musl, and the renderings must not.
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

// Points of an ellipse from angle a0 to a1 (degrees; v points down, so 90 is the bottom).
void arc(Polyline& p, Point centre, double rx, double ry, double a0, double a1) {
  const int steps = std::max(2, int(std::abs(a1 - a0) / 7.5));
  for (int i = 0; i <= steps; ++i) {
    double c, s;
    cos_sin((a0 + (a1 - a0) * i / steps) * kPi / 180.0, c, s);
    p.push_back({centre.u + rx * c, centre.v + ry * s});
  }
}

Polyline line(double u0, double v0, double u1, double v1) { return {{u0, v0}, {u1, v1}}; }

// The concept's strokes in the digit box (0..1 each way).
std::vector<Polyline> strokes(Concept c) {
  Polyline p;
  switch (c) {
    case Concept::Loop: arc(p, {0.5, 0.5}, 0.3, 0.4, 0, 360); return {p};
    case Concept::Vertical: return {line(0.5, 0.08, 0.5, 0.92)};
    case Concept::BarTop: return {line(0.15, 0.1, 0.85, 0.1)};
    case Concept::BarMiddle: return {line(0.15, 0.5, 0.85, 0.5)};
    case Concept::BarBottom: return {line(0.15, 0.9, 0.85, 0.9)};
    case Concept::DiagonalRising: return {line(0.22, 0.92, 0.78, 0.08)};
    case Concept::DiagonalFalling: return {line(0.22, 0.08, 0.78, 0.92)};
    case Concept::ArcLeft: arc(p, {0.6, 0.5}, 0.4, 0.42, 90, 270); return {p};
    case Concept::ArcRight: arc(p, {0.4, 0.5}, 0.4, 0.42, -90, 90); return {p};
    case Concept::OpenTop:  // a cup: two sides and the bottom half of an ellipse
      p.push_back({0.2, 0.1});
      arc(p, {0.5, 0.55}, 0.3, 0.35, 180, 0);
      p.push_back({0.8, 0.1});
      return {p};
    case Concept::OpenBottom:  // an arch
      p.push_back({0.2, 0.9});
      arc(p, {0.5, 0.45}, 0.3, 0.35, 180, 360);
      p.push_back({0.8, 0.9});
      return {p};
    case Concept::Crossing: return {line(0.25, 0.2, 0.75, 0.8), line(0.75, 0.2, 0.25, 0.8)};
  }
  return {};
}

// Bars and arcs are named for where they sit in the digit; the others are whole figures.
bool keeps_place(Concept c) {
  return c == Concept::BarTop || c == Concept::BarMiddle || c == Concept::BarBottom || c == Concept::ArcLeft ||
         c == Concept::ArcRight;
}

// Ink of strokes given in pixels (pixel (x, y) has its centre at x + 0.5, y + 0.5): each
// pixel takes the largest coverage of any segment, where coverage is how much of a window
// kEdge pixels wide around the pixel's centre the stroke covers across its edge,
// (w/2 + kEdge/2 - distance to the centre line) / kEdge clamped to [0, 1]. A window a
// little wider than a pixel gives every edge a grey rim, as MNIST's digits have (they were
// scanned, then scaled down with antialiasing), even a line that falls on pixel boundaries.
constexpr double kEdge = 1.5;
Eigen::VectorXf rasterize(const std::vector<Polyline>& px, float width) {
  Eigen::VectorXf img = Eigen::VectorXf::Zero(kPixels);
  const double half = 0.5 * width, reach = half + 0.5 * kEdge;
  for (const Polyline& p : px)
    for (std::size_t i = 0; i + 1 < p.size(); ++i) {
      const Point a = p[i], b = p[i + 1];
      const double du = b.u - a.u, dv = b.v - a.v, len2 = du * du + dv * dv;
      const int x0 = std::max(0, int(std::floor(std::min(a.u, b.u) - half - 1))), x1 = std::min(kSide - 1, int(std::ceil(std::max(a.u, b.u) + half + 1)));
      const int y0 = std::max(0, int(std::floor(std::min(a.v, b.v) - half - 1))), y1 = std::min(kSide - 1, int(std::ceil(std::max(a.v, b.v) + half + 1)));
      for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
          const double cx = x + 0.5, cy = y + 0.5;
          const double t = len2 > 0 ? std::clamp(((cx - a.u) * du + (cy - a.v) * dv) / len2, 0.0, 1.0) : 0.0;
          const double ex = cx - (a.u + t * du), ey = cy - (a.v + t * dv), d2 = ex * ex + ey * ey;
          if (d2 >= reach * reach) continue;  // no ink this far out: spares the square root
          const double ink = std::clamp((reach - std::sqrt(d2)) / kEdge, 0.0, 1.0);
          float& q = img(y * kSide + x);
          q = std::max(q, float(ink));
        }
    }
  return img;
}

std::vector<Polyline> to_pixels(const std::vector<Polyline>& box, double size, double dx, double dy) {
  const double centre = kSide / 2.0;
  std::vector<Polyline> px = box;
  for (Polyline& p : px)
    for (Point& q : p) q = {centre + size * (q.u - 0.5) * kDigitBox + dx, centre + size * (q.v - 0.5) * kDigitBox + dy};
  return px;
}

// Where the ink's centre of mass lies, in the same coordinates as the strokes.
Point mass_centre(const Eigen::VectorXf& img) {
  double m = 0, mx = 0, my = 0;
  for (int i = 0; i < kPixels; ++i) {
    m += img(i);
    mx += img(i) * ((i % kSide) + 0.5);
    my += img(i) * ((i / kSide) + 0.5);
  }
  return m > 0 ? Point{mx / m, my / m} : Point{kSide / 2.0, kSide / 2.0};
}

const ConceptInfo kInfo[kConceptCount] = {
    {Concept::Loop, "loop", "closed loops", "loop"},
    {Concept::Vertical, "vertical", "vertical strokes", "vertical"},
    {Concept::BarTop, "bar-top", "a bar across the top", "top bar"},
    {Concept::BarMiddle, "bar-middle", "a bar across the middle", "middle bar"},
    {Concept::BarBottom, "bar-bottom", "a bar across the bottom", "bottom bar"},
    {Concept::DiagonalRising, "diagonal-rising", "diagonals rising to the right", "rising diagonal"},
    {Concept::DiagonalFalling, "diagonal-falling", "diagonals falling to the right", "falling diagonal"},
    {Concept::ArcLeft, "arc-left", "arcs on the left", "left arc"},
    {Concept::ArcRight, "arc-right", "arcs on the right", "right arc"},
    {Concept::OpenTop, "open-top", "shapes open at the top", "open top"},
    {Concept::OpenBottom, "open-bottom", "shapes open at the bottom", "open bottom"},
    {Concept::Crossing, "crossing", "crossing strokes", "crossing"},
};

}  // namespace

const ConceptInfo& concept_info(Concept c) { return kInfo[std::clamp(int(c), 0, kConceptCount - 1)]; }

const std::vector<ConceptVariant>& concept_variants() {
  static const std::vector<ConceptVariant> v = [] {
    const float shifts[5][2] = {{0, 0}, {-1.5f, 0}, {1.5f, 0}, {0, -1.5f}, {0, 1.5f}};
    std::vector<ConceptVariant> out;
    for (const auto& s : shifts)
      for (float size : {0.75f, 0.9f, 1.05f})
        for (float width : {2.f, 2.6f, 3.2f}) out.push_back({s[0], s[1], size, width});
    return out;
  }();
  return v;
}

Eigen::VectorXf concept_render(Concept c, const ConceptVariant& v) {
  const std::vector<Polyline> box = strokes(c);
  double dx = v.dx, dy = v.dy;
  if (!keeps_place(c)) {  // like MNIST: the centre of mass goes to the middle of the 28x28 field
    const Point m = mass_centre(rasterize(to_pixels(box, v.size, 0, 0), v.width));
    dx += kSide / 2.0 - m.u, dy += kSide / 2.0 - m.v;
  }
  return rasterize(to_pixels(box, v.size, dx, dy), v.width);
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
        p.fit.push_back(i % 2 == 0);  // every other rendering: each half has every position, size and width
      }
    return p;
  }();
  return probe;
}

ConceptScores concept_scores(const Eigen::Ref<const Eigen::MatrixXf>& acts, const ConceptProbe& probe) {
  const Eigen::Index U = acts.rows(), R = acts.cols();
  ConceptScores s;
  s.score = Eigen::MatrixXf::Zero(U, kConceptCount);
  s.mean = Eigen::MatrixXf::Zero(U, kConceptCount);
  s.defined.assign(std::size_t(U), false);
  s.acts = acts;
  std::vector<int> fit_count(kConceptCount, 0), all_count(kConceptCount, 0);
  int fits = 0;
  for (Eigen::Index r = 0; r < R; ++r) {
    ++all_count[std::size_t(probe.concept_of[std::size_t(r)])];
    if (probe.fit[std::size_t(r)]) ++fit_count[std::size_t(probe.concept_of[std::size_t(r)])], ++fits;
  }
  for (Eigen::Index h = 0; h < U; ++h) {
    double sum = 0, sum_sq = 0, fit_sum[kConceptCount] = {0}, all_sum[kConceptCount] = {0};
    for (Eigen::Index r = 0; r < R; ++r) {
      const double a = acts(h, r);
      const int k = probe.concept_of[std::size_t(r)];
      all_sum[k] += a;
      if (!probe.fit[std::size_t(r)]) continue;
      sum += a, sum_sq += a * a, fit_sum[k] += a;
    }
    const double n = std::max(1, fits), mean = sum / n, var = sum_sq / n - mean * mean;
    bool any = false;
    for (int k = 0; k < kConceptCount; ++k) {
      s.mean(h, k) = float(all_sum[k] / std::max(1, all_count[std::size_t(k)]));
      // Point-biserial: y is 1 on this concept's renderings (a share p of them), 0 elsewhere.
      const double p = fit_count[std::size_t(k)] / n, cov = fit_sum[k] / n - mean * p;
      bool ok = false;
      s.score(h, k) = correlation_from_sums(cov, var, p * (1 - p), &ok);
      any = any || ok;
    }
    s.defined[std::size_t(h)] = any;
  }
  return s;
}

std::vector<ConceptFact> concept_ranking(const ConceptScores& s, int unit) {
  std::vector<ConceptFact> out;
  if (unit < 0 || unit >= int(s.defined.size()) || !s.defined[std::size_t(unit)]) return out;
  for (int k = 0; k < kConceptCount; ++k) out.push_back({k, s.score(unit, k)});
  std::stable_sort(out.begin(), out.end(), [](const ConceptFact& a, const ConceptFact& b) { return a.score > b.score; });
  return out;
}

std::vector<ConceptScores> concept_scores_all(const Mlp& net, const ConceptProbe& probe) {
  std::vector<ConceptScores> out;
  if (net.inputs() != kPixels) return out;
  Trace t;
  mlp_forward_trace(net, probe.images, t);
  for (const LayerTrace& L : t.layers) out.push_back(concept_scores(L.a, probe));
  return out;
}

float concept_summary_score(const std::vector<int>& named, const Eigen::Ref<const Eigen::RowVectorXf>& acts,
                            const ConceptProbe& probe, bool* defined) {
  auto sim = [&](std::size_t r) {
    return std::find(named.begin(), named.end(), probe.concept_of[r]) != named.end() ? 1.0 : 0.0;
  };
  double n = 0, ms = 0, ma = 0;
  const std::size_t R = std::min(probe.concept_of.size(), std::size_t(acts.size()));
  for (std::size_t r = 0; r < R; ++r)
    if (!probe.fit[r]) ms += sim(r), ma += acts(Eigen::Index(r)), ++n;
  ms /= std::max(1.0, n), ma /= std::max(1.0, n);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t r = 0; r < R; ++r) {
    if (probe.fit[r]) continue;
    const double s = sim(r) - ms, a = acts(Eigen::Index(r)) - ma;
    sxy += s * a, sxx += s * s, syy += a * a;
  }
  return correlation_from_sums(sxy, syy, sxx, defined);
}

}  // namespace lens
