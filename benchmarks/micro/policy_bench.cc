// Google Benchmark of the Diffusion Policy (agents/diffusion_policy.h): one AdamW training step
// on a batch of 64 samples (To = 2 frames from two cameras, proprio 8, actions 7) and one
// action chunk (batch 1, encode + 10 DDIM steps from 84x84 images) on one thread, for the sizes
// that decide the defaults (docs/policy.md). items_per_second of the training benchmarks is
// samples/s. train_b64 is the trainer's step: FusedAdamW, images already at the policy's
// image_size (the trainer resamples them once at load); train_b64_stock is the step before
// both: LibTorch's AdamW, 84x84 images resized inside the encoder.
//   ./build/benchmarks/policy_benchmarks                       # every size, 1 and 2 threads
//   ./build/benchmarks/policy_benchmarks --policy_config=configs/policy/default.yaml
//       (only that config: what scripts/policy_speed_compare compares with PyTorch)
// The process keeps freed memory in the heap as the trainer does (core/heap.h);
// --retain_freed_memory=0 runs with malloc's defaults.

#include <cstring>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "agents/diffusion_policy.h"
#include "agents/fused_adamw.h"
#include "agents/policy_config.h"
#include "core/heap.h"

namespace immimic::agents {
namespace {

constexpr int kBatch = 64, kStoredSize = 84, kProprio = 8, kAction = 7;

struct Variant {
  std::string name;
  PolicyConfig config;
};

std::vector<Variant> Variants() {
  std::vector<Variant> v;
  const PolicyConfig base;
  v.push_back({"default", base});
  for (int size : {64, 48}) {
    PolicyConfig c = base;
    c.image_size = size;
    v.push_back({"image" + std::to_string(size), c});
  }
  PolicyConfig wide_cnn = base;
  wide_cnn.encoder.channels = {32, 64, 64};
  v.push_back({"cnn_32_64_64", wide_cnn});
  PolicyConfig narrow_cnn = base;
  narrow_cnn.encoder.channels = {16, 16, 32};
  v.push_back({"cnn_16_16_32", narrow_cnn});
  PolicyConfig unet = base;
  unet.unet.down_dims = {128, 256, 512};
  v.push_back({"unet_128_256_512", unet});
  PolicyConfig unet_small = base;
  unet_small.unet.down_dims = {32, 64, 128};
  v.push_back({"unet_32_64_128", unet_small});
  PolicyConfig chunk = base;
  chunk.action_horizon = 32;
  v.push_back({"chunk32", chunk});
  PolicyConfig paper_unet = base;  // the paper's U-Net and chunk with the small encoders
  paper_unet.unet = {{256, 512, 1024}, 5, 8, 256};
  paper_unet.action_horizon = 32;
  v.push_back({"paper_unet_chunk32", paper_unet});
  return v;
}

ObservationBatch MakeBatch(const PolicyConfig& c, int batch, int size = kStoredSize) {
  ObservationBatch b;
  b.agentview = torch::rand({batch, c.obs_horizon, 3, size, size});
  b.wrist = torch::rand({batch, c.obs_horizon, 3, size, size});
  b.proprio = torch::randn({batch, c.obs_horizon, kProprio});
  return b;
}

template <typename Optimizer>
void TrainStep(benchmark::State& state, PolicyConfig config, int image_size) {
  torch::set_num_threads(static_cast<int>(state.range(0)));
  torch::manual_seed(0);
  DiffusionPolicy policy(config, kProprio, kAction, 0);
  Optimizer optimizer(policy->parameters(), torch::optim::AdamWOptions(1e-4).weight_decay(1e-6));
  const ObservationBatch batch = MakeBatch(config, kBatch, image_size);
  const torch::Tensor actions = torch::rand({kBatch, config.action_horizon, kAction}) * 2 - 1;
  for (auto _ : state) {
    const torch::Tensor loss = policy->Loss(policy->Encode(batch), actions);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["params_M"] = policy->parameter_count() / 1e6;
}

// The optimiser's step alone on the policy's parameters (gradients set once): what FusedAdamW
// saves.
template <typename Optimizer>
void OptimizerStep(benchmark::State& state, PolicyConfig config) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  DiffusionPolicy policy(config, kProprio, kAction, 0);
  Optimizer optimizer(policy->parameters(), torch::optim::AdamWOptions(1e-4).weight_decay(1e-6));
  for (torch::Tensor& p : policy->parameters()) p.mutable_grad() = torch::randn_like(p);
  for (auto _ : state) optimizer.step();
  state.counters["params_M"] = policy->parameter_count() / 1e6;
}

void Chunk(benchmark::State& state, PolicyConfig config, SamplerBackend backend) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  DiffusionPolicy policy(config, kProprio, kAction, 0);
  policy->set_sampler_backend(backend);
  const ObservationBatch batch = MakeBatch(config, 1);
  uint64_t seed = 0;
  for (auto _ : state) {
    c10::InferenceMode inference;  // as agents/trained_policy.cc
    benchmark::DoNotOptimize(policy->Sample(policy->Encode(batch), seed++));
  }
}

// The two halves of a chunk: encoding the observation, and the 10 denoising steps.
void Encode1Thread(benchmark::State& state, PolicyConfig config) {
  torch::set_num_threads(1);
  DiffusionPolicy policy(config, kProprio, kAction, 0);
  const ObservationBatch batch = MakeBatch(config, 1);
  for (auto _ : state) {
    c10::InferenceMode inference;
    benchmark::DoNotOptimize(policy->Encode(batch));
  }
}

void Denoise1Thread(benchmark::State& state, PolicyConfig config) {
  torch::set_num_threads(1);
  DiffusionPolicy policy(config, kProprio, kAction, 0);
  torch::Tensor cond;
  {
    torch::NoGradGuard no_grad;
    cond = policy->Encode(MakeBatch(config, 1));
  }
  uint64_t seed = 0;
  for (auto _ : state) benchmark::DoNotOptimize(policy->Sample(cond, seed++));
}

void Register(const std::string& name, const PolicyConfig& config) {
  // the trainer's step, and the step before FusedAdamW and load-time resampling
  using TrainFunction = void (*)(benchmark::State&, PolicyConfig, int);
  using TrainVariant = std::tuple<const char*, TrainFunction, int>;
  for (auto [prefix, function, image_size] :
       {TrainVariant{"train_b64/", TrainStep<FusedAdamW>, config.image_size},
        TrainVariant{"train_b64_stock/", TrainStep<torch::optim::AdamW>, kStoredSize}}) {
    benchmark::RegisterBenchmark((prefix + name).c_str(), function, config, image_size)
        ->Arg(1)
        ->Arg(2)
        ->ArgName("threads")
        ->Unit(benchmark::kMillisecond)
        ->MinTime(3.0)
        ->UseRealTime();
  }
  for (auto [prefix, function] :
       {std::pair{"adamw_step_1thread/", OptimizerStep<FusedAdamW>},
        std::pair{"adamw_step_1thread_stock/", OptimizerStep<torch::optim::AdamW>}}) {
    benchmark::RegisterBenchmark((prefix + name).c_str(), function, config)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(0.5)
        ->UseRealTime();
  }
  // the default Eigen denoiser and the LibTorch module side by side (agents/eigen_unet.h)
  for (auto [prefix, backend] : {std::pair{"chunk_1thread/", SamplerBackend::kEigen},
                                 std::pair{"chunk_1thread_torch_unet/", SamplerBackend::kTorch}}) {
    benchmark::RegisterBenchmark((prefix + name).c_str(), Chunk, config, backend)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(1.0)
        ->UseRealTime();
  }
  for (auto [part, function] : {std::pair{"encode_1thread/", Encode1Thread},
                                std::pair{"denoise_1thread/", Denoise1Thread}}) {
    benchmark::RegisterBenchmark((part + name).c_str(), function, config)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(0.5)
        ->UseRealTime();
  }
}

}  // namespace
}  // namespace immimic::agents

int main(int argc, char** argv) {
  using namespace immimic::agents;
  std::string config_path;
  bool retain_freed_memory = true;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const char* config_flag = "--policy_config=";
    const char* heap_flag = "--retain_freed_memory=";
    if (std::strncmp(argv[i], config_flag, std::strlen(config_flag)) == 0) {
      config_path = argv[i] + std::strlen(config_flag);
    } else if (std::strncmp(argv[i], heap_flag, std::strlen(heap_flag)) == 0) {
      retain_freed_memory = std::strcmp(argv[i] + std::strlen(heap_flag), "0") != 0;
    } else {
      rest.push_back(argv[i]);
    }
  }
  // as the trainer does (core/heap.h); --retain_freed_memory=0 keeps malloc's defaults
  if (retain_freed_memory) immimic::core::RetainFreedMemory();
  if (config_path.empty()) {
    for (const Variant& v : Variants()) Register(v.name, v.config);
  } else {
    Register("config", LoadPolicyConfig(config_path));
  }
  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
