#include "agents/torchscript_policy.h"

#include <torch/script.h>

#include <filesystem>
#include <memory>
#include <mutex>

#include "agents/image_augment.h"
#include "agents/training_data.h"
#include "core/error.h"
#include "core/rng.h"
#include "envs/embodiment_spec.h"

namespace immimic::agents {
namespace {

// Every module call in the process: they share torch's default generator.
std::mutex& ForwardMutex() {
  static std::mutex mutex;
  return mutex;
}

torch::jit::Module LoadModule(const std::string& path) {
  IMMIMIC_THROW_UNLESS(std::filesystem::is_regular_file(path), core::InputError, path,
                       ": no such TorchScript file");
  try {
    torch::jit::Module module = torch::jit::load(path);
    module.eval();
    return module;
  } catch (const c10::Error& error) {
    throw core::InputError(path + ": not a TorchScript module (" +
                           std::string(error.what_without_backtrace()) + ")");
  } catch (const std::exception& error) {
    // the TorchScript parser and unpickler also throw std::runtime_error, std::out_of_range and
    // torch::jit::ErrorReport for damaged code or pickles (the torchscript fuzz target)
    throw core::InputError(path + ": not a TorchScript module (" + std::string(error.what()) + ")");
  }
}

int64_t IntAttribute(const torch::jit::Module& module, const std::string& path,
                     const std::string& name, int64_t low, int64_t high) {
  IMMIMIC_THROW_UNLESS(module.hasattr(name), core::InputError, path, ": the module has no '", name,
                       "' attribute (docs/external_methods.md)");
  const c10::IValue value = module.attr(name);
  IMMIMIC_THROW_UNLESS(value.isInt(), core::InputError, path, ": attribute '", name,
                       "' must be an int");
  const int64_t v = value.toInt();
  IMMIMIC_THROW_UNLESS(v >= low && v <= high, core::InputError, path, ": attribute '", name,
                       "' is ", v, ", outside [", low, ", ", high, "]");
  return v;
}

torch::Tensor ProprioWindow(const std::vector<envs::Observation>& history) {
  const int64_t to = static_cast<int64_t>(history.size());
  const int64_t dim = history.front().proprio.size();
  torch::Tensor proprio = torch::empty({1, to, dim}, torch::kFloat32);
  float* out = proprio.data_ptr<float>();
  for (int64_t k = 0; k < to; ++k) {
    Eigen::VectorXd canonical = history[static_cast<size_t>(k)].proprio;
    CanonicalizeProprioQuaternion(canonical.data());
    for (int64_t i = 0; i < dim; ++i) out[k * dim + i] = static_cast<float>(canonical[i]);
  }
  return proprio;
}

Eigen::MatrixXd ChunkFromOutput(const c10::IValue& output, const TorchScriptInfo& info) {
  IMMIMIC_THROW_UNLESS(output.isTensor(), core::InputError, info.path,
                       ": forward must return one tensor (the action chunk)");
  torch::Tensor chunk;
  try {
    chunk = output.toTensor().detach().to(torch::kFloat64).contiguous();
  } catch (const c10::Error& error) {  // a sparse or quantised tensor, say
    throw core::InputError(info.path + ": forward returned a tensor that is not dense numbers (" +
                           std::string(error.what_without_backtrace()) + ")");
  }
  if (chunk.dim() == 3 && chunk.size(0) == 1) chunk = chunk[0];
  IMMIMIC_THROW_UNLESS(chunk.dim() == 2 && chunk.size(0) >= 1 && chunk.size(1) == info.action_dim,
                       core::InputError, info.path, ": forward returned shape ", chunk.sizes(),
                       "; expected [1, Ta, ", info.action_dim, "] or [Ta, ", info.action_dim, "]");
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
      rows(chunk.data_ptr<double>(), chunk.size(0), chunk.size(1));
  return rows;
}

class TorchScriptPolicy : public Policy {
 public:
  TorchScriptPolicy(const TorchScriptInfo& info, ChunkExecutorConfig executor)
      : info_(info),
        module_(LoadModule(info.path)),
        executor_(std::move(executor), [this](const std::vector<envs::Observation>& history) {
          return Predict(history);
        }) {}

  void Reset(uint64_t seed) override {
    episode_seed_ = core::DeriveSeed(seed, core::streams::kPolicySampling);
    calls_ = 0;
    executor_.Reset();
  }

  Eigen::VectorXd Act(const envs::Observation& obs) override { return executor_.Act(obs); }

 private:
  Eigen::MatrixXd Predict(const std::vector<envs::Observation>& history) {
    c10::InferenceMode inference;
    std::vector<c10::IValue> inputs = {
        CameraWindow(history, &envs::Observation::agentview, info_.image_size),
        info_.use_wrist_camera ? CameraWindow(history, &envs::Observation::wrist, info_.image_size)
                               : torch::zeros({1, static_cast<int64_t>(history.size()), 3,
                                               info_.image_size, info_.image_size}),
        ProprioWindow(history)};
    c10::IValue output;
    {
      std::lock_guard<std::mutex> lock(ForwardMutex());
      torch::manual_seed(core::DeriveSeed(episode_seed_, calls_++));
      try {
        output = module_.forward(inputs);
      } catch (const c10::Error& error) {
        throw core::InputError(info_.path +
                               ": forward failed: " + std::string(error.what_without_backtrace()));
      } catch (const std::exception& error) {  // TorchScript's own errors are not all c10's
        throw core::InputError(info_.path + ": forward failed: " + std::string(error.what()));
      }
    }
    return ChunkFromOutput(output, info_);
  }

  TorchScriptInfo info_;
  torch::jit::Module module_;
  ChunkExecutor executor_;
  uint64_t episode_seed_ = 0;
  uint64_t calls_ = 0;
};

}  // namespace

TorchScriptInfo ReadTorchScriptInfo(const std::string& path) {
  const torch::jit::Module module = LoadModule(path);
  TorchScriptInfo info;
  info.path = path;
  info.obs_horizon = static_cast<int>(IntAttribute(module, path, "obs_horizon", 1, 64));
  info.image_size = static_cast<int>(IntAttribute(module, path, "image_size", 8, 1024));
  info.action_dim = static_cast<int>(IntAttribute(module, path, "action_dim", 7, 64));
  IMMIMIC_THROW_UNLESS(
      module.hasattr("use_wrist_camera") && module.attr("use_wrist_camera").isBool(),
      core::InputError, path,
      ": the module needs a bool 'use_wrist_camera' attribute "
      "(docs/external_methods.md)");
  info.use_wrist_camera = module.attr("use_wrist_camera").toBool();
  return info;
}

PolicyFactory TorchScriptPolicyFactory(const TorchScriptInfo& info, const std::string& embodiment,
                                       ChunkExecutorConfig executor) {
  const envs::EmbodimentSpec spec = envs::LoadEmbodimentSpec(embodiment);
  const int expected = 6 + spec.hand_dim();
  IMMIMIC_THROW_UNLESS(info.action_dim == expected, core::InputError, info.path, ": action_dim is ",
                       info.action_dim, " but ", embodiment, " takes ", expected,
                       " (TCP position 3, axis-angle 3, hand ", spec.hand_dim(), ")");
  IMMIMIC_THROW_UNLESS(!info.use_wrist_camera || spec.is_robot(), core::InputError, info.path,
                       ": the module wants a wrist camera, which the human hand has not");
  executor.obs_horizon = info.obs_horizon;
  executor.frame_stride = 1;
  SetHandLimits(spec, &executor);
  ValidateChunkExecutorConfig(executor);
  return [info, executor] { return std::make_unique<TorchScriptPolicy>(info, executor); };
}

}  // namespace immimic::agents
