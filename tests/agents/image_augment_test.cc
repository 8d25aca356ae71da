// Random shift: every output image is an S x S window of the edge-padded input, the frames of a
// sample share the window, the draw is reproducible, and pad 0 changes nothing.
#include "agents/image_augment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <utility>

#include "core/error.h"

namespace immimic::agents {
namespace {

// [B, T, C, S, S] with distinct values everywhere
torch::Tensor Ramp(int64_t b, int64_t t, int64_t s) {
  return torch::arange(b * t * 3 * s * s, torch::kFloat32).view({b, t, 3, s, s});
}

// The (dy, dx) window of the replicate-padded image that equals `crop`, or (-1, -1).
std::pair<int, int> FindWindow(const torch::Tensor& image, const torch::Tensor& crop, int pad) {
  const int64_t s = image.size(-1);
  for (int dy = 0; dy <= 2 * pad; ++dy) {
    for (int dx = 0; dx <= 2 * pad; ++dx) {
      bool same = true;
      for (int64_t y = 0; y < s && same; ++y) {
        for (int64_t x = 0; x < s && same; ++x) {
          // padded pixel (y + dy, x + dx) repeats the nearest edge pixel of the image
          const int64_t sy = std::clamp<int64_t>(y + dy - pad, 0, s - 1);
          const int64_t sx = std::clamp<int64_t>(x + dx - pad, 0, s - 1);
          same = torch::equal(crop.index({torch::indexing::Slice(), y, x}),
                              image.index({torch::indexing::Slice(), sy, sx}));
        }
      }
      if (same) return {dy, dx};
    }
  }
  return {-1, -1};
}

TEST(RandomShift, PadZeroReturnsTheImages) {
  const torch::Tensor images = Ramp(2, 2, 6);
  core::Rng rng(1);
  EXPECT_TRUE(torch::equal(RandomShift(images, 0, rng), images));
}

TEST(RandomShift, EachSampleIsOneWindowOfThePaddedImageSharedByItsFrames) {
  const int pad = 2;
  const torch::Tensor images = Ramp(6, 2, 5);
  core::Rng rng(7);
  const torch::Tensor shifted = RandomShift(images, pad, rng);
  ASSERT_EQ(shifted.sizes(), images.sizes());
  std::set<std::pair<int, int>> windows;
  for (int64_t i = 0; i < images.size(0); ++i) {
    const auto window = FindWindow(images[i][0], shifted[i][0], pad);
    ASSERT_NE(window.first, -1) << "sample " << i;
    EXPECT_EQ(FindWindow(images[i][1], shifted[i][1], pad), window) << "sample " << i;
    windows.insert(window);
  }
  EXPECT_GT(windows.size(), 1u);  // offsets are drawn, not fixed
}

TEST(RandomShift, SameRngSeedSameShift) {
  const torch::Tensor images = Ramp(4, 2, 8);
  core::Rng a(3), b(3), c(4);
  const torch::Tensor first = RandomShift(images, 3, a);
  EXPECT_TRUE(torch::equal(first, RandomShift(images, 3, b)));
  EXPECT_FALSE(torch::equal(first, RandomShift(images, 3, c)));
}

TEST(RandomShift, BadShapeOrPadIsAnInputError) {
  core::Rng rng(1);
  EXPECT_THROW(RandomShift(torch::zeros({2, 3, 4, 4}), 1, rng), core::InputError);
  EXPECT_THROW(RandomShift(torch::zeros({1, 1, 3, 4, 5}), 1, rng), core::InputError);
  EXPECT_THROW(RandomShift(Ramp(1, 1, 4), -1, rng), core::InputError);
}

}  // namespace
}  // namespace immimic::agents
