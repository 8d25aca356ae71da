// Google Benchmark micro-benchmarks of the simulation core, per embodiment:
// raw mj_step, Env::Step without and with images, and one 84x84 offscreen frame.
// Run: ./build/benchmarks/micro_benchmarks --benchmark_filter=robotiq

#include <benchmark/benchmark.h>

#include "envs/env.h"

namespace immimic::benchmarks {
namespace {

envs::EnvConfig Config(const std::string& embodiment, bool images) {
  envs::EnvConfig config;
  config.embodiment = embodiment;
  config.images = images;
  return config;
}

void RawMjStep(benchmark::State& state, const std::string& embodiment) {
  envs::Env env(Config(embodiment, false));
  env.Reset(0);
  envs::DataPtr data = envs::MakeData(env.model());
  mj_copyData(data.get(), env.model(), env.data());
  for (auto _ : state) mj_step(env.model(), data.get());
  state.SetItemsProcessed(state.iterations());
}

void EnvStep(benchmark::State& state, const std::string& embodiment, bool images) {
  envs::Env env(Config(embodiment, images));
  env.Reset(0);
  const Eigen::VectorXd hold = env.HoldAction(env.embodiment().OpenHand());
  for (auto _ : state) benchmark::DoNotOptimize(env.Step(hold).reward);
  // items: physics substeps, comparable with RawMjStep
  state.SetItemsProcessed(state.iterations() * env.config().substeps);
}

void Render84(benchmark::State& state, const std::string& embodiment) {
  envs::Env env(Config(embodiment, true));
  env.Reset(0);
  envs::Image frame;
  frame.Resize(84, 84);
  for (auto _ : state) env.RenderCamera(env.agentview_camera(), &frame);
  state.SetItemsProcessed(state.iterations());
}

void RegisterAll() {
  for (const std::string& e : envs::EmbodimentNames()) {
    benchmark::RegisterBenchmark(("RawMjStep/" + e).c_str(), RawMjStep, e);
    benchmark::RegisterBenchmark(("EnvStep/" + e).c_str(), EnvStep, e, false);
    benchmark::RegisterBenchmark(("EnvStepImages/" + e).c_str(), EnvStep, e, true);
    benchmark::RegisterBenchmark(("Render84/" + e).c_str(), Render84, e);
  }
}

}  // namespace
}  // namespace immimic::benchmarks

int main(int argc, char** argv) {
  immimic::benchmarks::RegisterAll();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
