#pragma once
// A finished training run (agents/trainer.h) as a Policy for rollouts: observations are resized
// and normalised as in training, each prediction is one DDIM-sampled action chunk, and the
// ChunkExecutor ensembles overlapping chunks and clamps the result to the workspace.
#include <cstdint>
#include <string>

#include "agents/chunk_executor.h"
#include "agents/eigen_unet.h"
#include "agents/policy.h"

namespace immimic::agents {

// What run.json records about a run.
struct TrainedRunInfo {
  std::string run_dir;
  std::string method, task, embodiment;
  std::string env_args;  // JSON of the robot demos the run trained on: the evaluation env
  uint64_t seed = 0;
  int epochs = 0;
  // Recorded robot frames per policy step in training (1 for runs from before the option).
  double robot_time_compression = 1.0;
};
// Throws core::InputError naming the file if run_dir is not a finished run.
TrainedRunInfo ReadRunInfo(const std::string& run_dir);

// The executor settings for a run: its obs horizon and frame stride, the embodiment's hand limits,
// the default workspace box. Callers may change the ensembling settings before making policies.
ChunkExecutorConfig DefaultExecutorConfig(const TrainedRunInfo& run);

// The run's network alone, without ensembling: observation history (oldest first, obs_horizon
// frames) -> one sampled chunk (Ta x action dim, unnormalised). `seed` seeds the sampling noise.
// What open-loop checks compare with recorded actions (agents/open_loop.h).
ChunkPredictor TrainedChunkPredictor(const TrainedRunInfo& run, uint64_t seed,
                                     SamplerBackend sampler = SamplerBackend::kEigen);

// Policies of the run; each owns its own copy of the network so that rollout threads share
// nothing. Loading validates the checkpoint (core::InputError on a missing or corrupt file).
PolicyFactory TrainedPolicyFactory(const TrainedRunInfo& run, const ChunkExecutorConfig& executor,
                                   SamplerBackend sampler = SamplerBackend::kEigen);

}  // namespace immimic::agents
