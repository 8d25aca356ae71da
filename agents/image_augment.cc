#include "agents/image_augment.h"

#include "agents/training_data.h"
#include "core/error.h"

namespace immimic::agents {

torch::Tensor RandomShift(const torch::Tensor& images, int pad, core::Rng& rng) {
  IMMIMIC_THROW_UNLESS(images.dim() == 5 && images.size(3) == images.size(4), core::InputError,
                       "random shift: expected images [B, T, C, S, S]");
  IMMIMIC_THROW_UNLESS(pad >= 0, core::InputError, "random shift: pad must be >= 0, got ", pad);
  if (pad == 0) return images;
  const int64_t b = images.size(0), t = images.size(1), c = images.size(2), s = images.size(3);
  namespace F = torch::nn::functional;
  const torch::Tensor padded =
      F::pad(images.reshape({b * t, c, s, s}),
             F::PadFuncOptions({pad, pad, pad, pad}).mode(torch::kReplicate))
          .view({b, t, c, s + 2 * pad, s + 2 * pad});
  std::vector<torch::Tensor> crops;
  crops.reserve(static_cast<size_t>(b));
  for (int64_t i = 0; i < b; ++i) {
    // integer offsets 0..2*pad, drawn x then y
    const int64_t dx = static_cast<int64_t>(rng.Uniform(0.0, 2.0 * pad + 1.0));
    const int64_t dy = static_cast<int64_t>(rng.Uniform(0.0, 2.0 * pad + 1.0));
    crops.push_back(padded[i].narrow(2, dy, s).narrow(3, dx, s));
  }
  return torch::stack(crops);
}

torch::Tensor CameraWindow(const std::vector<envs::Observation>& history,
                           envs::Image envs::Observation::*camera, int size) {
  const size_t frame = 3 * static_cast<size_t>(size) * size;
  std::vector<uint8_t> bytes(history.size() * frame);
  for (size_t k = 0; k < history.size(); ++k) {
    const envs::Image& image = history[k].*camera;
    IMMIMIC_THROW_UNLESS(!image.empty(), core::InputError,
                         "the policy needs camera images but the observation has none");
    ResampleToChannelFirst(image.pixels.data(), image.height, image.width, size,
                           bytes.data() + k * frame);
  }
  const int64_t to = static_cast<int64_t>(history.size());
  return torch::from_blob(bytes.data(), {1, to, 3, size, size}, torch::kUInt8)
      .to(torch::kFloat32)
      .div_(255.0);
}

}  // namespace immimic::agents
