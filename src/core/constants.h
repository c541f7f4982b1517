#pragma once

namespace lens {

constexpr int kSide = 28, kPixels = kSide * kSide, kClasses = 10;
static_assert(kPixels == 784, "input layer is a flattened 28x28 image");

constexpr int kDigitBox = 20;  // MNIST fits each digit's longer side into 20 px

}  // namespace lens
