#pragma once
// A policy from outside the project: a TorchScript module (saved by torch.jit.save from PyTorch)
// that turns an observation window into an action chunk, executed exactly as a trained run
// (agents/chunk_executor.h: replanning, temporal ensemble, workspace clamp). The contract
// (docs/external_methods.md):
//   attributes  obs_horizon: int, image_size: int, use_wrist_camera: bool, action_dim: int
//   forward(agentview, wrist, proprio) -> chunk
//     agentview, wrist  float32 [1, obs_horizon, 3, image_size, image_size], RGB in [0, 1],
//                       each camera image area-resampled to the square (wrist: zeros when
//                       use_wrist_camera is false)
//     proprio           float32 [1, obs_horizon, P]: obs/eef_pose of the datasets, [TCP position
//                       3 (m), TCP quaternion wxyz 4 with q . (0, 1, 0, 0) >= 0, hand dims]
//     chunk             float32 [1, Ta, action_dim] or [Ta, action_dim], unnormalised: row k is
//                       the action k steps from now, as the datasets' actions (absolute TCP
//                       position, TCP axis-angle, hand dims)
//   The window is oldest first, one control step apart. A module that samples noise draws it
//   from torch's default generator, which is seeded before every call from the episode seed and
//   the call's index, so an evaluation repeats exactly.
#include <string>

#include "agents/chunk_executor.h"
#include "agents/policy.h"

namespace immimic::agents {

struct TorchScriptInfo {
  std::string path;
  int obs_horizon = 0;
  int image_size = 0;
  bool use_wrist_camera = false;
  int action_dim = 0;
};

// Loads the module and reads its attributes. Throws core::InputError naming the file for a file
// that is missing or not TorchScript, or a missing or invalid attribute.
TorchScriptInfo ReadTorchScriptInfo(const std::string& path);

// The module as a policy for `embodiment`'s action layout: one module copy per policy, calls
// serialised over the process (they share torch's default generator). Throws core::InputError
// if the module's action_dim does not match the embodiment's or the executor settings are
// invalid; a forward that fails or returns a chunk of the wrong shape, or NaN, is an
// InputError in the rollout.
PolicyFactory TorchScriptPolicyFactory(const TorchScriptInfo& info, const std::string& embodiment,
                                       ChunkExecutorConfig executor);

}  // namespace immimic::agents
