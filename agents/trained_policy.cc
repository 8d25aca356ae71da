#include "agents/trained_policy.h"

#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "agents/checkpoint.h"
#include "agents/diffusion_policy.h"
#include "agents/image_augment.h"
#include "agents/training_data.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/rng.h"
#include "envs/embodiment_spec.h"

namespace immimic::agents {
namespace {

// Policy streams: 0 and 1 belong to the env and the scripted expert (agents/policy.h).
constexpr uint64_t kSamplingStream = core::streams::kPolicySampling;

// The network with its normaliser and sampling noise: observation history -> unnormalised chunk.
class TrainedPredictor {
 public:
  TrainedPredictor(PolicyCheckpoint checkpoint, uint64_t seed, SamplerBackend sampler)
      : checkpoint_(std::move(checkpoint)),
        generator_(at::make_generator<at::CPUGeneratorImpl>(seed)) {
    checkpoint_.policy->eval();
    checkpoint_.policy->set_sampler_backend(sampler);
  }

  void Reseed(uint64_t seed) { generator_.set_current_seed(seed); }

  Eigen::MatrixXd Predict(const std::vector<envs::Observation>& history) {
    c10::InferenceMode inference;
    const PolicyConfig& config = checkpoint_.policy->config();
    const int to = static_cast<int>(history.size()), size = config.image_size;
    const int proprio_dim = checkpoint_.policy->proprio_dim();
    ObservationBatch batch;
    batch.agentview = CameraWindow(history, &envs::Observation::agentview, size);
    if (config.use_wrist_camera) {
      batch.wrist = CameraWindow(history, &envs::Observation::wrist, size);
      batch.wrist_mask = torch::ones({1});
    }
    std::vector<float> proprio(static_cast<size_t>(to) * proprio_dim);
    for (int k = 0; k < to; ++k) {
      IMMIMIC_THROW_UNLESS(history[k].proprio.size() == proprio_dim, core::InputError,
                           "observation proprio has ", history[k].proprio.size(),
                           " values; the policy was trained on ", proprio_dim);
      Eigen::VectorXd canonical = history[k].proprio;
      CanonicalizeProprioQuaternion(canonical.data());
      checkpoint_.normalizer.proprio.Normalize(canonical.data(), proprio.data() + k * proprio_dim,
                                               1);
    }
    batch.proprio = torch::from_blob(proprio.data(), {1, to, proprio_dim}, torch::kFloat32);
    const torch::Tensor cond = checkpoint_.policy->Encode(batch);
    const torch::Tensor chunk = checkpoint_.policy->Sample(cond, generator_).contiguous();
    const int rows = static_cast<int>(chunk.size(1)), dim = static_cast<int>(chunk.size(2));
    std::vector<float> normalised(chunk.data_ptr<float>(), chunk.data_ptr<float>() + rows * dim);
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> actions(rows, dim);
    checkpoint_.normalizer.action.Unnormalize(normalised.data(), actions.data(), rows);
    return actions;
  }

 private:
  PolicyCheckpoint checkpoint_;
  at::Generator generator_;
};

class TrainedPolicy : public Policy {
 public:
  TrainedPolicy(PolicyCheckpoint checkpoint, ChunkExecutorConfig executor, SamplerBackend sampler)
      : predictor_(std::move(checkpoint), 0, sampler),
        executor_(std::move(executor), [this](const std::vector<envs::Observation>& history) {
          return predictor_.Predict(history);
        }) {}

  void Reset(uint64_t seed) override {
    predictor_.Reseed(core::DeriveSeed(seed, kSamplingStream));
    executor_.Reset();
  }

  Eigen::VectorXd Act(const envs::Observation& obs) override { return executor_.Act(obs); }

 private:
  TrainedPredictor predictor_;
  ChunkExecutor executor_;
};

}  // namespace

TrainedRunInfo ReadRunInfo(const std::string& run_dir) {
  const std::string path = run_dir + "/run.json";
  IMMIMIC_THROW_UNLESS(std::filesystem::exists(path), core::InputError, run_dir,
                       ": not a finished training run (no run.json)");
  TrainedRunInfo info;
  info.run_dir = run_dir;
  try {
    const nlohmann::json json = nlohmann::json::parse(core::ReadFile(path));
    info.method = json.at("method").get<std::string>();
    info.task = json.at("task").get<std::string>();
    info.embodiment = json.at("embodiment").get<std::string>();
    info.env_args = json.at("env_args").dump();
    info.seed = json.at("seed").get<uint64_t>();
    info.epochs = json.at("epochs").get<int>();
    info.robot_time_compression = json.value("robot_time_compression", 1.0);
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(path + ": malformed run summary: " + e.what());
  }
  return info;
}

ChunkExecutorConfig DefaultExecutorConfig(const TrainedRunInfo& run) {
  const PolicyCheckpoint checkpoint = LoadCheckpoint(run.run_dir + "/policy");
  ChunkExecutorConfig config;
  config.obs_horizon = checkpoint.policy->config().obs_horizon;
  config.frame_stride = checkpoint.policy->config().frame_stride;
  SetHandLimits(envs::LoadEmbodimentSpec(run.embodiment), &config);
  return config;
}

ChunkPredictor TrainedChunkPredictor(const TrainedRunInfo& run, uint64_t seed,
                                     SamplerBackend sampler) {
  auto predictor = std::make_shared<TrainedPredictor>(
      LoadCheckpoint(run.run_dir + "/policy"), core::DeriveSeed(seed, kSamplingStream), sampler);
  return [predictor](const std::vector<envs::Observation>& history) {
    return predictor->Predict(history);
  };
}

PolicyFactory TrainedPolicyFactory(const TrainedRunInfo& run, const ChunkExecutorConfig& executor,
                                   SamplerBackend sampler) {
  ValidateChunkExecutorConfig(executor);
  // fail here, not in a rollout thread
  const PolicyConfig policy = LoadCheckpoint(run.run_dir + "/policy").policy->config();
  const int chunk = (policy.action_horizon - 1) * executor.frame_stride + 1;
  IMMIMIC_THROW_UNLESS(executor.replan_every <= chunk, core::InputError, "replan_every (",
                       executor.replan_every, ") must not exceed the run's action chunk (", chunk,
                       " steps)");
  const std::string dir = run.run_dir + "/policy";
  return [dir, executor, sampler]() -> std::unique_ptr<Policy> {
    return std::make_unique<TrainedPolicy>(LoadCheckpoint(dir), executor, sampler);
  };
}

}  // namespace immimic::agents
