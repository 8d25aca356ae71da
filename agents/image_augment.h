// Training-time image augmentation (LibTorch): the random shift of DrQ / Diffusion Policy's
// random crop that keeps the image size, so training and execution see the same shapes.
#pragma once

#include <torch/torch.h>

#include "core/rng.h"

namespace immimic::agents {

// images: float [B, T, C, S, S]. Pads each image by `pad` pixels (edge pixels repeated) and crops
// an S x S window back at an offset drawn per sample from `rng` (0..2*pad on each axis); the T
// frames of a sample share the offset so motion between them is kept. pad 0 returns the input.
torch::Tensor RandomShift(const torch::Tensor& images, int pad, core::Rng& rng);

}  // namespace immimic::agents
