#include "envs/image.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include <string>

#include "core/atomic_file.h"
#include "core/error.h"

namespace immimic::envs {
namespace {
void AppendBytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
}
}  // namespace

void WritePng(const Image& image, const std::string& path) {
  IMMIMIC_THROW_UNLESS(!image.empty(), core::Error, "cannot write an empty image to ", path);
  std::string bytes;
  IMMIMIC_THROW_UNLESS(stbi_write_png_to_func(AppendBytes, &bytes, image.width, image.height, 3,
                                              image.pixels.data(), image.width * 3) != 0,
                       core::Error, "PNG encoding failed for ", path);
  core::WriteFileAtomically(path, bytes);
}

}  // namespace immimic::envs
