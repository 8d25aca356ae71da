// Camera input: YUYV bytes to RGB checked against BT.601 by hand, the centre crop and area
// resize to the policy's size, and a V4L2 device that is missing or is not a camera as a clear
// DeviceError. (No camera exists on the build machines: streaming itself is not tested here.)
#include <gtest/gtest.h>

#include "sim2real/protocol_error.h"
#include "sim2real/v4l2_camera.h"
#include "sim2real/yuyv_image.h"

namespace immimic::sim2real {
namespace {

using Bytes = std::vector<uint8_t>;

std::vector<int> Pixel(const envs::Image& image, int x, int y) {
  const uint8_t* p = image.pixels.data() + (static_cast<size_t>(y) * image.width + x) * 3;
  return {p[0], p[1], p[2]};
}

TEST(Yuyv, KnownColoursConvertAsBt601LimitedRange) {
  // one row of four pixels: black and white sharing neutral chroma, then a pure red pair
  const Bytes row = {16, 128, 235, 128, 81, 90, 81, 240};
  const envs::Image image = YuyvToRgb(row.data(), row.size(), 4, 1, 8);
  ASSERT_EQ(image.width, 4);
  EXPECT_EQ(Pixel(image, 0, 0), (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(Pixel(image, 1, 0), (std::vector<int>{255, 255, 255}));
  // Y 81, Cb 90, Cr 240: R = (298*65 + 409*112 + 128) / 256 = 255, G = 0, B = 0
  EXPECT_EQ(Pixel(image, 2, 0), (std::vector<int>{255, 0, 0}));
  EXPECT_EQ(Pixel(image, 3, 0), (std::vector<int>{255, 0, 0}));
  // mid grey: Y 126 -> (298*110 + 128) / 256 = 128
  const Bytes grey = {126, 128, 126, 128};
  EXPECT_EQ(Pixel(YuyvToRgb(grey.data(), grey.size(), 2, 1, 4), 0, 0),
            (std::vector<int>{128, 128, 128}));
}

TEST(Yuyv, PaddedRowsAndBadSizesAreHandled) {
  // two rows of two pixels, each row padded to 6 bytes
  const Bytes frame = {235, 128, 235, 128, 0xEE, 0xEE, 16, 128, 16, 128, 0xEE, 0xEE};
  const envs::Image image = YuyvToRgb(frame.data(), frame.size(), 2, 2, 6);
  EXPECT_EQ(Pixel(image, 1, 0), (std::vector<int>{255, 255, 255}));
  EXPECT_EQ(Pixel(image, 0, 1), (std::vector<int>{0, 0, 0}));
  EXPECT_THROW(YuyvToRgb(frame.data(), frame.size(), 3, 2, 6), ProtocolError);  // odd width
  EXPECT_THROW(YuyvToRgb(frame.data(), frame.size(), 2, 3, 6), ProtocolError);  // short
  EXPECT_THROW(YuyvToRgb(frame.data(), frame.size(), 2, 2, 2), ProtocolError);  // stride
  EXPECT_THROW(YuyvToRgb(frame.data(), frame.size(), 0, 2, 6), ProtocolError);
}

TEST(CropResize, CropsTheCentreAndAveragesEachFootprint) {
  // 6 x 2: columns 0 and 5 are cropped away for a square output; the centre 4 x 2 halves to 2 x 1
  envs::Image in;
  in.Resize(6, 2);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 6; ++x) {
      uint8_t* p = in.pixels.data() + (y * 6 + x) * 3;
      p[0] = static_cast<uint8_t>(10 * x + y);  // red: the column (and row)
      p[1] = x == 0 || x == 5 ? 255 : 0;        // green only in the cropped columns
      p[2] = 7;
    }
  }
  const envs::Image out = CropResize(in, 1, 1);
  // the centre 2 x 2 square: columns 2 and 3, rows 0 and 1: red (20+21+30+31)/4 = 25.5 -> 26
  EXPECT_EQ(Pixel(out, 0, 0), (std::vector<int>{26, 0, 7}));
  const envs::Image wide = CropResize(in, 2, 1);  // the 4 x 2 centre, 2 x 2 per output pixel
  EXPECT_EQ(Pixel(wide, 0, 0), (std::vector<int>{16, 0, 7}));  // (10+11+20+21)/4 = 15.5
  EXPECT_EQ(Pixel(wide, 1, 0), (std::vector<int>{36, 0, 7}));  // (30+31+40+41)/4 = 35.5
  const envs::Image up = CropResize(in, 4, 4);  // upscaling repeats the source pixels
  EXPECT_EQ(Pixel(up, 0, 0), (std::vector<int>{20, 0, 7}));
  EXPECT_EQ(Pixel(up, 3, 3), (std::vector<int>{31, 0, 7}));
  EXPECT_THROW(CropResize(in, 0, 4), core::InputError);
  EXPECT_THROW(CropResize(envs::Image{}, 4, 4), core::InputError);
}

TEST(V4l2Camera, MissingOrWrongDevicesAreClearErrors) {
  try {
    V4l2Camera("agentview", "/dev/video_missing_for_test", 640, 480);
    FAIL() << "opened a missing device";
  } catch (const DeviceError& e) {
    EXPECT_EQ(std::string(e.what()),
              "camera agentview: /dev/video_missing_for_test: cannot open: No such file or "
              "directory");
  }
  try {
    V4l2Camera("wrist", "/dev/null", 640, 480);
    FAIL() << "/dev/null taken for a camera";
  } catch (const DeviceError& e) {
    EXPECT_EQ(std::string(e.what()), "camera wrist: /dev/null: not a V4L2 device");
  }
}

TEST(V4l2CameraSource, WithoutCamerasFramesAreAlwaysCurrent) {
  V4l2CameraSource none({}, 84, 84);
  envs::Observation obs;
  EXPECT_EQ(none.Grab(12.5, &obs), 12.5);
  EXPECT_TRUE(obs.agentview.empty());
}

}  // namespace
}  // namespace immimic::sim2real
