#pragma once
// Real cameras for the bridge (sim2real/devices.h): V4L2 capture devices (/dev/videoN) streaming
// YUYV frames through memory-mapped buffers. Each Grab takes the newest frame the driver has
// filled, converts it to RGB and crops and resizes it to the policy's image size
// (sim2real/yuyv_image.h). With no new frame since the last Grab the last one comes back with its
// old capture time, so the bridge's watchdog sees a stalled camera. Errors are DeviceErrors
// naming the camera and the device path.
#include <memory>
#include <string>
#include <vector>

#include "sim2real/devices.h"

namespace immimic::sim2real {

class V4l2Camera {
 public:
  // Opens `path`, asks for YUYV at width x height (the driver may pick a near size) with four
  // buffers, starts streaming and waits up to `first_frame_ms` for the first frame. Throws
  // DeviceError for a missing device, one that is not a capture device, one without YUYV, or
  // no frame.
  V4l2Camera(const std::string& name, const std::string& path, int width, int height,
             int first_frame_ms = 2000);
  ~V4l2Camera();
  V4l2Camera(const V4l2Camera&) = delete;
  V4l2Camera& operator=(const V4l2Camera&) = delete;

  // The newest RGB frame at its capture size, and how many seconds ago it was captured.
  const envs::Image& Latest(double* age);
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  struct Buffer {
    void* start = nullptr;
    size_t length = 0;
  };
  bool DequeueNewest(int timeout_ms);
  void Release();
  [[noreturn]] void Fail(const std::string& what) const;

  std::string name_, path_;
  int fd_ = -1;
  int width_ = 0, height_ = 0;
  size_t stride_ = 0;
  std::vector<Buffer> buffers_;
  envs::Image latest_;
  double latest_stamp_ = 0;  // CLOCK_MONOTONIC seconds of the latest frame
};

// The bridge's cameras: agentview and optionally wrist, each resized to the policy's image size.
// The capture time reported is that of the older frame; with no cameras (a policy that reads no
// images) it is `now` and the observation's images stay empty.
class V4l2CameraSource : public CameraSource {
 public:
  struct Camera {
    std::string name;  // "agentview" or "wrist"
    std::unique_ptr<V4l2Camera> device;
  };
  V4l2CameraSource(std::vector<Camera> cameras, int image_width, int image_height);
  double Grab(double now, envs::Observation* obs) override;

 private:
  std::vector<Camera> cameras_;
  int image_width_, image_height_;
};

}  // namespace immimic::sim2real
