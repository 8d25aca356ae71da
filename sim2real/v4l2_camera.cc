#include "sim2real/v4l2_camera.h"

#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "sim2real/protocol_error.h"
#include "sim2real/yuyv_image.h"

namespace immimic::sim2real {
namespace {

constexpr unsigned kBufferCount = 4;

int Ioctl(int fd, unsigned long request, void* arg) {
  int result;
  do {
    result = ioctl(fd, request, arg);
  } while (result < 0 && errno == EINTR);
  return result;
}

double MonotonicNow() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

}  // namespace

void V4l2Camera::Fail(const std::string& what) const {
  throw DeviceError("camera " + name_ + ": " + path_ + ": " + what);
}

V4l2Camera::V4l2Camera(const std::string& name, const std::string& path, int width, int height,
                       int first_frame_ms)
    : name_(name), path_(path) {
  fd_ = open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) Fail(std::string("cannot open: ") + std::strerror(errno));
  try {
    v4l2_capability caps{};
    if (Ioctl(fd_, VIDIOC_QUERYCAP, &caps) < 0) Fail("not a V4L2 device");
    const uint32_t device_caps =
        caps.capabilities & V4L2_CAP_DEVICE_CAPS ? caps.device_caps : caps.capabilities;
    if (!(device_caps & V4L2_CAP_VIDEO_CAPTURE)) Fail("not a video capture device");
    if (!(device_caps & V4L2_CAP_STREAMING)) Fail("cannot stream (no mmap I/O)");

    v4l2_format format{};
    format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    format.fmt.pix.width = static_cast<uint32_t>(width);
    format.fmt.pix.height = static_cast<uint32_t>(height);
    format.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
    format.fmt.pix.field = V4L2_FIELD_NONE;
    if (Ioctl(fd_, VIDIOC_S_FMT, &format) < 0) {
      Fail(std::string("cannot set the format: ") + std::strerror(errno));
    }
    if (format.fmt.pix.pixelformat != V4L2_PIX_FMT_YUYV) Fail("does not capture YUYV");
    width_ = static_cast<int>(format.fmt.pix.width);  // the driver's nearest size
    height_ = static_cast<int>(format.fmt.pix.height);
    stride_ = std::max<size_t>(format.fmt.pix.bytesperline, 2 * static_cast<size_t>(width_));

    v4l2_requestbuffers request{};
    request.count = kBufferCount;
    request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    request.memory = V4L2_MEMORY_MMAP;
    if (Ioctl(fd_, VIDIOC_REQBUFS, &request) < 0 || request.count < 2) {
      Fail("cannot get memory-mapped buffers");
    }
    for (unsigned i = 0; i < request.count; ++i) {
      v4l2_buffer buffer{};
      buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      buffer.memory = V4L2_MEMORY_MMAP;
      buffer.index = i;
      if (Ioctl(fd_, VIDIOC_QUERYBUF, &buffer) < 0) Fail("cannot query a buffer");
      void* start =
          mmap(nullptr, buffer.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, buffer.m.offset);
      if (start == MAP_FAILED) Fail("cannot map a buffer");
      buffers_.push_back({start, buffer.length});
      if (Ioctl(fd_, VIDIOC_QBUF, &buffer) < 0) Fail("cannot queue a buffer");
    }
    v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (Ioctl(fd_, VIDIOC_STREAMON, &type) < 0) Fail("cannot start streaming");
    if (!DequeueNewest(first_frame_ms)) {
      Fail("no frame within " + std::to_string(first_frame_ms) + " ms");
    }
  } catch (...) {
    Release();  // the destructor will not run for a constructor that threw
    throw;
  }
}

V4l2Camera::~V4l2Camera() { Release(); }

void V4l2Camera::Release() {
  if (fd_ < 0) return;
  v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  Ioctl(fd_, VIDIOC_STREAMOFF, &type);
  for (const Buffer& b : buffers_) munmap(b.start, b.length);
  buffers_.clear();
  close(fd_);
  fd_ = -1;
}

bool V4l2Camera::DequeueNewest(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  const int ready = poll(&p, 1, timeout_ms);
  if (ready < 0 && errno != EINTR) Fail(std::string("poll failed: ") + std::strerror(errno));
  if (ready <= 0) return false;
  if (p.revents & (POLLERR | POLLHUP)) Fail("the device went away");
  // every filled buffer, oldest first: keep the newest, give the others back at once
  v4l2_buffer newest{};
  bool have = false;
  for (;;) {
    v4l2_buffer buffer{};
    buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buffer.memory = V4L2_MEMORY_MMAP;
    if (Ioctl(fd_, VIDIOC_DQBUF, &buffer) < 0) {
      if (errno == EAGAIN) break;
      Fail(std::string("cannot dequeue a frame: ") + std::strerror(errno));
    }
    if (buffer.index >= buffers_.size()) Fail("the driver returned an unknown buffer");
    if (have && Ioctl(fd_, VIDIOC_QBUF, &newest) < 0) Fail("cannot requeue a buffer");
    newest = buffer;
    have = true;
  }
  if (!have) return false;
  const Buffer& b = buffers_[newest.index];
  try {
    latest_ = YuyvToRgb(static_cast<const uint8_t*>(b.start),
                        std::min<size_t>(newest.bytesused, b.length), width_, height_, stride_);
  } catch (const ProtocolError& e) {
    Ioctl(fd_, VIDIOC_QBUF, &newest);
    Fail(e.what());
  }
  const bool monotonic =
      (newest.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
  latest_stamp_ = monotonic ? newest.timestamp.tv_sec + newest.timestamp.tv_usec * 1e-6
                            : MonotonicNow();  // no capture time: when it was dequeued
  if (Ioctl(fd_, VIDIOC_QBUF, &newest) < 0) Fail("cannot requeue a buffer");
  return true;
}

const envs::Image& V4l2Camera::Latest(double* age) {
  DequeueNewest(0);  // nothing new: the last frame, older now
  *age = std::max(0.0, MonotonicNow() - latest_stamp_);
  return latest_;
}

V4l2CameraSource::V4l2CameraSource(std::vector<Camera> cameras, int image_width, int image_height)
    : cameras_(std::move(cameras)), image_width_(image_width), image_height_(image_height) {}

double V4l2CameraSource::Grab(double now, envs::Observation* obs) {
  double oldest = 0;
  for (Camera& camera : cameras_) {
    double age = 0;
    envs::Image image = CropResize(camera.device->Latest(&age), image_width_, image_height_);
    oldest = std::max(oldest, age);
    (camera.name == "wrist" ? obs->wrist : obs->agentview) = std::move(image);
  }
  return now - oldest;
}

}  // namespace immimic::sim2real
