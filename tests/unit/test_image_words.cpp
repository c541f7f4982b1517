// The pictures' text alternatives (interpret/image_words.h): the regions of a 3 x 3 grid that
// hold half of an image's mass, named in reading order.
#include <gtest/gtest.h>

#include "interpret/image_words.h"

namespace lens {
namespace {

Eigen::VectorXf blank() { return Eigen::VectorXf::Zero(28 * 28); }
void ink(Eigen::VectorXf& img, int x0, int y0, int x1, int y1, float v = 1.f) {
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) img(y * 28 + x) = v;
}

TEST(ImageWords, OneBlobIsNamedByItsRegion) {
  Eigen::VectorXf img = blank();
  ink(img, 11, 11, 17, 17);
  EXPECT_EQ(where_in_words(img, 28), "at the centre");
  img = blank();
  ink(img, 10, 20, 18, 27);
  EXPECT_EQ(where_in_words(img, 28), "at the bottom centre");
}

TEST(ImageWords, RegionsAreListedInReadingOrder) {
  Eigen::VectorXf img = blank();
  ink(img, 21, 21, 27, 27);  // bottom right, 36 + 3: the heaviest, under half of it all
  img.segment(21 * 28 + 21, 6).array() += 0.5f;
  ink(img, 1, 1, 7, 7);      // top left, 36
  ink(img, 13, 13, 15, 15);  // the centre, 4
  EXPECT_EQ(where_in_words(img, 28), "at the top left and the bottom right");
}

TEST(ImageWords, TheSignPicksPositiveOrNegativeMass) {
  Eigen::VectorXf img = blank();
  ink(img, 10, 0, 18, 8, 1.f);    // positive at the top centre
  ink(img, 0, 20, 8, 28, -1.f);   // negative at the bottom left
  EXPECT_EQ(where_in_words(img, 28, 1.f), "at the top centre");
  EXPECT_EQ(where_in_words(img, 28, -1.f), "at the bottom left");
}

TEST(ImageWords, EvenMassIsSpreadAndNoMassIsNowhere) {
  EXPECT_EQ(where_in_words(Eigen::VectorXf::Ones(28 * 28), 28), "spread over the whole image");
  EXPECT_EQ(where_in_words(blank(), 28), "nowhere");
  EXPECT_EQ(where_in_words(-Eigen::VectorXf::Ones(28 * 28), 28), "nowhere");
  EXPECT_EQ(where_in_words(Eigen::VectorXf::Ones(10), 28), "nowhere");  // not side x side
}

}  // namespace
}  // namespace lens
