#pragma once
// Encodes RGB frames to a video file by piping raw frames into ffmpeg (Debian's package).
// The file is written under a temporary name and renamed on Close, so an interrupted run
// leaves no broken video behind.

#include <cstdio>
#include <string>

#include "envs/image.h"

namespace immimic::envs {

class VideoWriter {
 public:
  // Throws core::Error if ffmpeg cannot be started.
  VideoWriter(std::string path, int width, int height, double fps);
  ~VideoWriter();  // abandons the temporary file unless Close() succeeded
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  void Add(const Image& frame);  // throws core::InputError on a size mismatch
  void Close();                  // throws core::Error if ffmpeg failed

 private:
  std::string path_, temp_;
  int width_, height_;
  FILE* pipe_ = nullptr;
};

}  // namespace immimic::envs
