#pragma once
// An RGB image: height x width x 3, uint8, row 0 at the top.

#include <cstdint>
#include <string>
#include <vector>

namespace immimic::envs {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;

  void Resize(int w, int h) {
    width = w;
    height = h;
    pixels.resize(static_cast<size_t>(w) * h * 3);
  }
  bool empty() const { return pixels.empty(); }
};

// Encodes PNG and writes it atomically. Throws core::Error on failure.
void WritePng(const Image& image, const std::string& path);

}  // namespace immimic::envs
