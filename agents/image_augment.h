// Training-time image augmentation (LibTorch): the random shift of DrQ / Diffusion Policy's
// random crop that keeps the image size, so training and execution see the same shapes.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "core/rng.h"
#include "envs/env.h"

namespace immimic::agents {

// images: float [B, T, C, S, S]. Pads each image by `pad` pixels (edge pixels repeated) and crops
// an S x S window back at an offset drawn per sample from `rng` (0..2*pad on each axis); the T
// frames of a sample share the offset so motion between them is kept. pad 0 returns the input.
torch::Tensor RandomShift(const torch::Tensor& images, int pad, core::Rng& rng);

// One camera of an observation window as the policies see it: [1, To, 3, S, S] float in [0, 1],
// each image area-resampled to S x S as the training data was. Throws core::InputError if an
// observation has no image of that camera.
torch::Tensor CameraWindow(const std::vector<envs::Observation>& history,
                           envs::Image envs::Observation::*camera, int size);

}  // namespace immimic::agents
