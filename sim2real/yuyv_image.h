#pragma once
// A camera's YUYV (YUV 4:2:2) frame to the RGB image a policy reads. YUYV packs two pixels in
// four bytes, Y0 U Y1 V, sharing U and V; rows may be padded (`stride` bytes each). Colours use
// ITU-R BT.601 with limited range (Y 16..235, U and V 16..240), what V4L2 webcams send.
#include <cstddef>
#include <cstdint>

#include "envs/image.h"

namespace immimic::sim2real {

// Throws ProtocolError for an odd or non-positive width, a stride shorter than a row, or fewer
// than stride * height bytes.
envs::Image YuyvToRgb(const uint8_t* data, size_t size, int width, int height, size_t stride);

// Crops the centre to the output's aspect ratio, then averages each output pixel's footprint
// (area resampling, as the policy's training images were made). Throws core::InputError for an
// empty input or a non-positive output size.
envs::Image CropResize(const envs::Image& in, int width, int height);

}  // namespace immimic::sim2real
