// The training recipes a user hands the program, on arbitrary text: training configs, policy
// configs, method configs (the second byte picks the method) and suite files with their external
// methods; the first byte picks the loader. Bad text must end in an exception derived from
// core::Error, never in a crash; a method that loads must also give sane schedules.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "agents/method.h"
#include "agents/policy_config.h"
#include "agents/trainer.h"
#include "core/error.h"
#include "core/rng.h"
#include "suite/external_method.h"
#include "suite/stage_graph.h"
#include "suite/suite_spec.h"
#include "tests/fuzz/fuzz_input.h"

using namespace immimic;

namespace {

// What the trainer asks of a method over a short run; a MixUp weight outside [0, 1] (a NaN from
// a degenerate Beta) would silently poison training, so it is a finding too.
void ExerciseMethod(const agents::Method& method) {
  core::Rng rng(7);
  for (int epochs : {1, 3}) {
    for (int epoch = 0; epoch < epochs; ++epoch) {
      method.EpochSteps(epoch, epochs, 2);
      for (int k = 0; k < 4; ++k) {
        const double alpha = method.MixAlpha(epoch, epochs, rng);
        if (!(alpha >= 0.0 && alpha <= 1.0)) {
          std::fprintf(stderr, "%s: MixUp weight %g outside [0, 1]\n", method.name().c_str(),
                       alpha);
          std::abort();
        }
      }
    }
  }
  method.ResolvedYaml();
}

// The suite as `immimic suite run` expands it; graphs are only built for suites of a size a run
// could finish (the stage count grows with the product of the lists, by design).
void ExpandSuite(const std::string& path) {
  const suite::SuiteSpec spec = suite::LoadSuiteSpec(path);
  suite::SuiteSpecJson(spec);
  for (const suite::ExternalMethod& method : spec.external_methods) {
    suite::ExternalTrainArgs(method, 0, "pick_place", "robotiq", 1);
  }
  const size_t points = (spec.data.robot_demo_sweep.size() + 1) *
                        (spec.data.human_video_sweep.size() + 1) * spec.seeds.size();
  if (points <= 64) suite::BuildStageGraph(spec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t* bytes = data + 2;
  const size_t n = size - 2;
  try {
    switch (data[0] % 4) {
      case 0:
        agents::LoadTrainConfig(fuzz::WriteScratch("train.yaml", bytes, n));
        break;
      case 1:
        agents::ValidatePolicyConfig(
            agents::LoadPolicyConfig(fuzz::WriteScratch("policy.yaml", bytes, n)));
        break;
      case 2: {
        const auto& names = agents::MethodNames();
        const std::string& name = names[data[1] % names.size()];
        ExerciseMethod(*agents::MakeMethod(name, fuzz::WriteScratch("method.yaml", bytes, n)));
        break;
      }
      default:
        ExpandSuite(fuzz::WriteScratch("suite.yaml", bytes, n));
        break;
    }
  } catch (const core::Error&) {
  }
  return 0;
}
