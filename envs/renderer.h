#pragma once
// Offscreen rendering of a model's fixed cameras into RGB images. One Renderer per env (it
// owns the mjvScene and mjrContext for that model); all share the thread's headless GL context.
// Shadows, reflections and multisampling are off: observation images, not glamour shots.

#include <mujoco/mujoco.h>

#include "envs/image.h"

namespace immimic::envs {

class Renderer {
 public:
  explicit Renderer(const mjModel* model);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Renders camera `camera_id` at out's size (call out->Resize first; no allocation here).
  // `data` must hold current kinematics (mj_kinematics + mj_camlight or mj_forward).
  void Render(mjData* data, int camera_id, Image* out);

 private:
  const mjModel* model_;
  mjvScene scene_;
  mjvCamera camera_;
  mjvOption option_;
  mjrContext context_;
  std::vector<uint8_t> bottom_up_;
};

}  // namespace immimic::envs
