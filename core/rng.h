#pragma once
// Seeded randomness. Every random draw in the project comes from an Rng built from a seed,
// and sub-streams (per episode, per object) are derived with DeriveSeed so that adding a
// draw in one place does not shift the numbers drawn elsewhere.

#include <cmath>
#include <cstdint>
#include <random>

namespace immimic::core {

// SplitMix64 mix of (seed, stream): well-spread, deterministic, platform-independent.
inline uint64_t DeriveSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Every stream derived from a seed, declared once so that no two users of a seed share a stream.
// The values are fixed: changing one changes every dataset, run and evaluation made from a seed.
// (Per-index streams, episode k of a collection or an evaluation, derive with k itself.)
namespace streams {
// From an episode's seed.
enum Episode : uint64_t {
  kObjectPlacement = 0,      // the task's randomisation at Env::Reset
  kExpertPlan = 1,           // the scripted expert's timing, pauses and noise
  kPolicySampling = 2,       // a trained policy's diffusion noise in that episode
  kEstimatorNoise = 7,       // the simulated hand-pose estimator of a human video
  kDomainRandomization = 8,  // physics and rendering draws of envs/randomization.h
  kObservationNoise = 9,     // observation noise and action latency of a randomised rollout
};
// From a training run's seed (each then per epoch, with the epoch number).
enum Run : uint64_t { kTrainNoise = 1, kTrainBatches = 2, kTrainInit = 3, kTrainAugment = 4 };
// From a network's initialisation seed.
enum Network : uint64_t { kNetworkWeights = 0, kNetworkNoise = 1 };
// From an evaluation's seed (then per episode, with its index).
enum Evaluation : uint64_t { kEvaluationEpisodes = 0x6576616c };  // "eval"
}  // namespace streams

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  // Uniform in [low, high), computed from raw bits (not std::uniform_real_distribution, whose
  // algorithm differs between standard libraries).
  double Uniform(double low, double high) {
    const double unit = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
    return low + (high - low) * unit;
  }
  // Standard normal by Box-Muller from Uniform, for the same reason.
  double Normal(double mean = 0.0, double stddev = 1.0);
  uint64_t NextU64() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

inline double Rng::Normal(double mean, double stddev) {
  const double u1 = 1.0 - Uniform(0.0, 1.0);  // (0, 1]
  const double u2 = Uniform(0.0, 1.0);
  const double radius = std::sqrt(-2.0 * std::log(u1));
  return mean + stddev * radius * std::cos(6.283185307179586 * u2);
}

}  // namespace immimic::core
