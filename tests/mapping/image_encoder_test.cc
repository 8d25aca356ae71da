#include "mapping/image_encoder.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/rng.h"

namespace immimic::mapping {
namespace {

// T frames of a 24 x 32 image: a square at a horizontal position that moves with time, on a
// background of the given shade (two "domains" that differ in appearance).
datasets::Array MovingSquare(int frames, uint8_t background, core::Rng& rng) {
  constexpr size_t kH = 24, kW = 32;
  std::vector<uint8_t> pixels;
  for (int t = 0; t < frames; ++t) {
    const size_t x0 = static_cast<size_t>(t) * (kW - 6) / std::max(1, frames - 1);
    for (size_t y = 0; y < kH; ++y)
      for (size_t x = 0; x < kW; ++x)
        for (int c = 0; c < 3; ++c) {
          const bool square = x >= x0 && x < x0 + 6 && y >= 9 && y < 15;
          const int noise = static_cast<int>(rng.Uniform(-4, 4));
          pixels.push_back(
              static_cast<uint8_t>(std::clamp((square ? 240 : background) + noise, 0, 255)));
        }
  }
  return datasets::Array::Uint8({static_cast<size_t>(frames), kH, kW, 3}, pixels);
}

TEST(PcaImageEncoder, FeaturesTrackTheSceneAndFittingIsDeterministic) {
  core::Rng rng(1);
  const datasets::Array human = MovingSquare(30, 40, rng), robot = MovingSquare(90, 60, rng);
  PcaEncoderOptions options;
  options.grid = 8;
  options.components = 5;
  const PcaImageEncoder a = PcaImageEncoder::Fit({&human}, {&robot}, options);
  const PcaImageEncoder b = PcaImageEncoder::Fit({&human}, {&robot}, options);
  const Sequence fh = a.Encode(human), fr = a.Encode(robot);
  ASSERT_EQ(fh.rows(), 30);
  ASSERT_EQ(fh.cols(), 5);
  EXPECT_TRUE((fh.array() == b.Encode(human).array()).all());
  EXPECT_GT(a.explained_variance(), 0.5);
  // the human frame with the square on the left is nearer the robot's left frame than its right
  const double to_left = (fh.row(0) - fr.row(0)).norm();
  const double to_right = (fh.row(0) - fr.row(89)).norm();
  EXPECT_LT(to_left, to_right);
}

TEST(PcaImageEncoder, BadInputIsAClearError) {
  core::Rng rng(2);
  const datasets::Array video = MovingSquare(10, 30, rng);
  PcaEncoderOptions options;
  options.components = 0;
  EXPECT_THROW(PcaImageEncoder::Fit({&video}, {}, options), core::InputError);
  options.components = 8;
  options.grid = 100;
  EXPECT_THROW(PcaImageEncoder::Fit({&video}, {}, options), core::InputError);
  EXPECT_THROW(PcaImageEncoder::Fit({}, {}, {}), core::InputError);
  const datasets::Array floats = datasets::Array::Float64({2, 3}, std::vector<double>(6, 0.0));
  EXPECT_THROW(PcaImageEncoder::Fit({&floats}, {}, {}), core::InputError);
  options.grid = 4;
  const PcaImageEncoder encoder = PcaImageEncoder::Fit({&video}, {}, options);
  const datasets::Array other = datasets::Array::Uint8({1, 8, 8, 3}, std::vector<uint8_t>(192, 0));
  EXPECT_THROW(encoder.Encode(other), core::InputError);  // another image size
  EXPECT_THROW(encoder.Encode(floats), core::InputError);
}

}  // namespace
}  // namespace immimic::mapping
