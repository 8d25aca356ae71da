#include "sim2real/yuyv_image.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {

uint8_t Clip(int value) { return static_cast<uint8_t>(std::clamp(value, 0, 255)); }

// BT.601 limited range in 8.8 fixed point (the coefficients of 1.164, 1.596, 0.391, 0.813, 2.018).
void YuvToRgb(int y, int u, int v, uint8_t* rgb) {
  const int c = 298 * (y - 16) + 128, d = u - 128, e = v - 128;
  rgb[0] = Clip((c + 409 * e) / 256);
  rgb[1] = Clip((c - 100 * d - 208 * e) / 256);
  rgb[2] = Clip((c + 516 * d) / 256);
}

}  // namespace

envs::Image YuyvToRgb(const uint8_t* data, size_t size, int width, int height, size_t stride) {
  if (width <= 0 || height <= 0 || width % 2 != 0) {
    throw ProtocolError("yuyv: a " + std::to_string(width) + " x " + std::to_string(height) +
                        " frame (the width must be even and positive)");
  }
  if (stride < 2 * static_cast<size_t>(width)) {
    throw ProtocolError("yuyv: rows of " + std::to_string(stride) + " bytes hold no " +
                        std::to_string(width) + " pixels");
  }
  if (size / stride < static_cast<size_t>(height)) {
    throw ProtocolError("yuyv: " + std::to_string(size) + " bytes, a " + std::to_string(width) +
                        " x " + std::to_string(height) + " frame needs " +
                        std::to_string(stride * height));
  }
  envs::Image image;
  image.Resize(width, height);
  for (int row = 0; row < height; ++row) {
    const uint8_t* in = data + row * stride;
    uint8_t* out = image.pixels.data() + static_cast<size_t>(row) * width * 3;
    for (int pair = 0; pair < width / 2; ++pair, in += 4, out += 6) {
      YuvToRgb(in[0], in[1], in[3], out);
      YuvToRgb(in[2], in[1], in[3], out + 3);
    }
  }
  return image;
}

envs::Image CropResize(const envs::Image& in, int width, int height) {
  IMMIMIC_THROW_UNLESS(!in.empty() && width > 0 && height > 0, core::InputError, "resize: from ",
                       in.width, " x ", in.height, " to ", width, " x ", height);
  // the largest centred window with the output's aspect ratio
  int crop_w = in.width, crop_h = in.height;
  if (static_cast<int64_t>(in.width) * height > static_cast<int64_t>(in.height) * width) {
    crop_w = std::max(1, static_cast<int>(static_cast<int64_t>(in.height) * width / height));
  } else {
    crop_h = std::max(1, static_cast<int>(static_cast<int64_t>(in.width) * height / width));
  }
  const int x0 = (in.width - crop_w) / 2, y0 = (in.height - crop_h) / 2;
  envs::Image out;
  out.Resize(width, height);
  for (int oy = 0; oy < height; ++oy) {
    // the source rows [ya, yb) under this output row; at least one when upscaling
    const int ya = y0 + static_cast<int>(static_cast<int64_t>(oy) * crop_h / height);
    const int yb =
        std::max(ya + 1, y0 + static_cast<int>(static_cast<int64_t>(oy + 1) * crop_h / height));
    for (int ox = 0; ox < width; ++ox) {
      const int xa = x0 + static_cast<int>(static_cast<int64_t>(ox) * crop_w / width);
      const int xb =
          std::max(xa + 1, x0 + static_cast<int>(static_cast<int64_t>(ox + 1) * crop_w / width));
      int64_t sum[3] = {0, 0, 0};
      for (int y = ya; y < yb; ++y) {
        const uint8_t* p = in.pixels.data() + (static_cast<size_t>(y) * in.width + xa) * 3;
        for (int x = xa; x < xb; ++x, p += 3) {
          for (int c = 0; c < 3; ++c) sum[c] += p[c];
        }
      }
      const int64_t count = static_cast<int64_t>(yb - ya) * (xb - xa);
      uint8_t* o = out.pixels.data() + (static_cast<size_t>(oy) * width + ox) * 3;
      for (int c = 0; c < 3; ++c) o[c] = static_cast<uint8_t>((sum[c] + count / 2) / count);
    }
  }
  return out;
}

}  // namespace immimic::sim2real
