#include "interpret/image_words.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace lens {

std::string where_in_words(const Eigen::Ref<const Eigen::VectorXf>& image, int side, float sign) {
  static const char* const kRegion[9] = {"the top left",    "the top centre", "the top right",
                                         "the left",        "the centre",     "the right",
                                         "the bottom left", "the bottom centre", "the bottom right"};
  if (side <= 0 || image.size() != Eigen::Index(side) * side) return "nowhere";
  std::array<double, 9> mass{};
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const double v = double(sign) * double(image(Eigen::Index(y) * side + x));
      if (v > 0) mass[std::size_t(std::min(2, 3 * y / side) * 3 + std::min(2, 3 * x / side))] += v;
    }
  const double total = std::accumulate(mass.begin(), mass.end(), 0.0);
  if (!(total > 0)) return "nowhere";
  std::array<int, 9> order{};
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return mass[std::size_t(a)] > mass[std::size_t(b)]; });
  std::vector<int> named;
  double held = 0;
  for (int r : order) {
    if (held >= 0.5 * total) break;
    if (named.size() == 3) return "spread over the whole image";
    named.push_back(r);
    held += mass[std::size_t(r)];
  }
  std::sort(named.begin(), named.end());  // reading order: top to bottom, left to right
  std::string out = "at ";
  for (std::size_t i = 0; i < named.size(); ++i) {
    if (i) out += i + 1 == named.size() ? " and " : ", ";
    out += kRegion[named[i]];
  }
  return out;
}

}  // namespace lens
