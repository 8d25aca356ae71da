#include "envs/video_writer.h"

#include <csignal>
#include <cstdlib>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"

namespace immimic::envs {

VideoWriter::VideoWriter(std::string path, int width, int height, double fps)
    : path_(std::move(path)), width_(width), height_(height) {
  IMMIMIC_THROW_UNLESS(width > 0 && height > 0 && fps > 0, core::InputError,
                       "bad video size or rate");
  const std::filesystem::path target(path_);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  temp_ = core::TemporaryPathFor(path_) + target.extension().string();
  // yuv420p needs even sizes: pad by one pixel where needed
  const std::string command =
      "ffmpeg -loglevel error -y -f rawvideo -pix_fmt rgb24 -s " + std::to_string(width) + "x" +
      std::to_string(height) + " -r " + std::to_string(fps) +
      " -i - -vf 'pad=ceil(iw/2)*2:ceil(ih/2)*2' -pix_fmt yuv420p '" + temp_ + "'";
  // a dead ffmpeg must surface as a failed write, not kill this process
  std::signal(SIGPIPE, SIG_IGN);
  pipe_ = popen(command.c_str(), "w");
  IMMIMIC_THROW_UNLESS(pipe_ != nullptr, core::Error, "cannot start ffmpeg");
}

VideoWriter::~VideoWriter() {
  if (pipe_ != nullptr) {
    pclose(pipe_);
    std::remove(temp_.c_str());
  }
}

void VideoWriter::Add(const Image& frame) {
  IMMIMIC_THROW_UNLESS(frame.width == width_ && frame.height == height_, core::InputError,
                       "video frame is ", frame.width, "x", frame.height, ", expected ", width_,
                       "x", height_);
  IMMIMIC_THROW_UNLESS(pipe_ != nullptr, core::Error, "video already closed");
  IMMIMIC_THROW_UNLESS(
      std::fwrite(frame.pixels.data(), 1, frame.pixels.size(), pipe_) == frame.pixels.size(),
      core::Error, "writing to ffmpeg failed (is ffmpeg installed?)");
}

void VideoWriter::Close() {
  IMMIMIC_THROW_UNLESS(pipe_ != nullptr, core::Error, "video already closed");
  const int status = pclose(pipe_);
  pipe_ = nullptr;
  if (status != 0) {
    std::remove(temp_.c_str());
    throw core::Error("ffmpeg failed writing " + path_ + " (is ffmpeg installed?)");
  }
  core::CommitTemporary(temp_, path_);
}

}  // namespace immimic::envs
