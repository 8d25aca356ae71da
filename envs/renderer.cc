#include "envs/renderer.h"

#include <cstdlib>
#include <cstring>

#include "core/error.h"
#include "envs/gl_context.h"

namespace immimic::envs {
namespace {

// Mesa's llvmpipe rasterizes on helper threads (one per core) by default; for observation-sized
// frames the hand-off costs more than it saves, and the collector already keeps every core busy
// with its own workers. 0 rasterizes in the calling thread (same pixels). Set before main starts
// any thread or GL context; a value the user set wins.
const bool kRasterizeInCallingThread = setenv("LP_NUM_THREADS", "0", /*overwrite=*/0) == 0;

}  // namespace

Renderer::Renderer(const mjModel* model) : model_(model) {
  MakeHeadlessGlContextCurrent();
  mjv_defaultScene(&scene_);
  mjv_defaultCamera(&camera_);
  mjv_defaultOption(&option_);
  mjr_defaultContext(&context_);
  mjv_makeScene(model_, &scene_, 4000);
  mjr_makeContext(model_, &context_, mjFONTSCALE_100);
  mjr_setBuffer(mjFB_OFFSCREEN, &context_);
  IMMIMIC_THROW_UNLESS(context_.currentBuffer == mjFB_OFFSCREEN, core::Error,
                       "offscreen framebuffer not available");
  scene_.flags[mjRND_SHADOW] = 0;
  scene_.flags[mjRND_REFLECTION] = 0;
  scene_.flags[mjRND_SKYBOX] = 0;
  // observation images show geometry only: no sites (tcp, keypoints), no joints or frames
  for (int i = 0; i < mjNGROUP; ++i) option_.sitegroup[i] = 0;
  camera_.type = mjCAMERA_FIXED;
  bottom_up_.resize(static_cast<size_t>(context_.offWidth) * context_.offHeight * 3);
}

Renderer::~Renderer() {
  mjr_freeContext(&context_);
  mjv_freeScene(&scene_);
}

void Renderer::Render(mjData* data, int camera_id, Image* out) {
  IMMIMIC_THROW_UNLESS(camera_id >= 0 && camera_id < model_->ncam, core::InputError,
                       "no camera with id ", camera_id);
  IMMIMIC_THROW_UNLESS(out->width <= context_.offWidth && out->height <= context_.offHeight,
                       core::InputError, "image ", out->width, "x", out->height,
                       " exceeds the offscreen buffer ", context_.offWidth, "x",
                       context_.offHeight);
  MakeHeadlessGlContextCurrent();
  mjr_setBuffer(mjFB_OFFSCREEN, &context_);
  camera_.fixedcamid = camera_id;
  mjv_updateScene(model_, data, &option_, nullptr, &camera_, mjCAT_ALL, &scene_);
  const mjrRect viewport = {0, 0, out->width, out->height};
  mjr_render(viewport, &scene_, &context_);
  mjr_readPixels(bottom_up_.data(), nullptr, viewport, &context_);
  // OpenGL rows start at the bottom
  const size_t row = static_cast<size_t>(out->width) * 3;
  for (int y = 0; y < out->height; ++y) {
    std::memcpy(out->pixels.data() + y * row, bottom_up_.data() + (out->height - 1 - y) * row, row);
  }
}

}  // namespace immimic::envs
