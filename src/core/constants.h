#pragma once

namespace lens {

constexpr int kSide = 28, kPixels = kSide * kSide, kClasses = 10;
static_assert(kPixels == 784, "input layer is a flattened 28x28 image");
// The shipped MNIST test set (links name its digits before the page has fetched them).
constexpr int kMnistTestDigits = 10000;

constexpr int kDigitBox = 20;  // MNIST fits each digit's longer side into 20 px

// The page trains on the first this-many MNIST training images (assets/mnist/train-subset-*);
// lens-train's dataset "mnist-subset" is the same images.
constexpr int kTrainSubsetImages = 20000;

}  // namespace lens
