// Where a picture has its weight, in words, for the text alternatives a screen reader reads
// ("Incoming weights: positive mostly at the bottom centre"). The picture is split into a 3 x 3
// grid; the regions that hold most of its (positive, or with sign -1 negative) mass are named.
#pragma once
#include <string>

#include <Eigen/Core>

namespace lens {

// `image` holds side x side values, row by row (an MNIST image, a row of first-layer weights).
// Names the fewest regions (at most 3) holding half of the mass of sign * value where positive:
// "at the centre", "at the top left and the top centre". "spread over the whole image" when
// no 3 regions hold half of it; "nowhere" when there is no such mass.
std::string where_in_words(const Eigen::Ref<const Eigen::VectorXf>& image, int side, float sign = 1.f);

}  // namespace lens
