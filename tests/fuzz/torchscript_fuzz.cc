// TorchScript policies as `immimic eval --torchscript policy.pt` reads them: the input is the
// module file. The project's checks around LibTorch must turn every bad module into a
// core::Error: its attributes (agents/torchscript_policy.h's contract), the embodiment's action
// layout, and in a few steps of a rollout its forward's failures, output shape and NaN. Seeds:
// tests/data/torchscript/make_modules.py's modules (one valid, others breaking the contract).
// LibTorch's own zip and pickle readers run here too: a crash inside them is a library finding
// (library_findings/).
#include <cstddef>
#include <cstdint>
#include <string>

#include "agents/torchscript_policy.h"
#include "core/error.h"
#include "envs/env.h"
#include "tests/fuzz/fuzz_input.h"

using namespace immimic;

namespace {

// A Robotiq observation in the expert's workspace: TCP pointing down, gripper open.
envs::Observation RobotiqObservation() {
  envs::Observation obs;
  for (envs::Image* image : {&obs.agentview, &obs.wrist}) {
    image->Resize(24, 24);
    for (size_t i = 0; i < image->pixels.size(); ++i) image->pixels[i] = static_cast<uint8_t>(i);
  }
  obs.proprio.resize(8);
  obs.proprio << 0.5, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0;
  return obs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const agents::TorchScriptInfo info =
        agents::ReadTorchScriptInfo(fuzz::WriteScratch("policy.pt", data, size));
    agents::ChunkExecutorConfig executor;
    executor.replan_every = 2;
    const agents::PolicyFactory factory =
        agents::TorchScriptPolicyFactory(info, "robotiq", executor);
    // a window of up to 64 frames of two 1024-pixel cameras is 1.6 GB by design: rollouts only
    // for windows a fuzzer's memory holds
    if (static_cast<int64_t>(info.obs_horizon) * info.image_size * info.image_size > (1 << 22)) {
      return 0;
    }
    const auto policy = factory();
    policy->Reset(3);
    const envs::Observation obs = RobotiqObservation();
    for (int step = 0; step < 3; ++step) policy->Act(obs);
  } catch (const core::Error&) {
  }
  return 0;
}
