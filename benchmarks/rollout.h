#pragma once
// Rolls a Policy out in the Env for N episodes and scores it: success rate with a 95 % Wilson
// interval, per-episode success and length, and the smoothness (SPARC, LDLJ) of the TCP speed
// profile. What `immimic eval` prints.
//
// Episode k uses seed DeriveSeed(DeriveSeed(run seed, kEvaluationStream), k) for both the Env
// and the Policy: an evaluation run with the seed that collected the demos still starts from
// initial states the policy never saw (the demo collector uses DeriveSeed(seed, k)). Episodes run
// on several threads, each with its own Env (sharing one compiled model) and its own Policy from
// the factory; results are stored by episode index, so they are identical for any thread count.

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agents/policy.h"
#include "benchmarks/metrics.h"
#include "core/rng.h"
#include "envs/env_config.h"
#include "envs/randomization.h"

namespace immimic::benchmarks {

// Separates evaluation episodes from demo collection episodes drawn from the same seed.
constexpr uint64_t kEvaluationStream = core::streams::kEvaluationEpisodes;

struct RolloutOptions {
  int episodes = 10;
  uint64_t seed = 0;
  int threads = 0;    // 0: one per core; never more than episodes
  int max_steps = 0;  // 0: the env's own limit (episode_seconds); else also end after this many
  // "": no video. Else an mp4 of the agentview camera (at the env's image size), episodes one
  // after another in index order; `video_episodes` > 0 keeps only the first that many.
  std::string video_path;
  int video_episodes = 0;
  // "": no trace. Else a CSV with one row per step of every episode, in index order: the TCP
  // position before the step, the commanded action and the first object's position (the
  // task's object_state head), for looking at what a policy did where it failed.
  std::string trace_path;
  // A peak TCP speed below this (m/s) counts as no movement: SPARC and LDLJ are undefined there
  // (null in JSON) and left out of the means.
  double min_motion_speed = 1e-3;
  // Domain randomisation of every episode (envs/randomization.h); null: the nominal scene.
  std::shared_ptr<const envs::Randomization> randomization;
};

struct EpisodeResult {
  int index = 0;
  uint64_t seed = 0;
  bool success = false;
  int length = 0;  // steps taken
  bool truncated = false;
  std::string end_reason;  // "success", "time_limit", "max_steps", or what diverged
  double path_length_m = 0.0;
  double peak_speed = 0.0;  // m/s
  double sparc = 0.0;       // NaN when undefined
  double ldlj = 0.0;        // NaN when undefined
};

struct MeanStd {
  int count = 0;  // episodes that entered the statistic
  double mean = 0.0, std = 0.0;
};

struct RolloutResult {
  std::string task, embodiment;
  uint64_t seed = 0;
  std::string randomization;  // its name; "" for the nominal scene
  int episodes = 0, successes = 0;
  double success_rate = 0.0;
  Interval success_interval;  // 95 % Wilson
  MeanStd length;             // over all episodes
  MeanStd sparc, ldlj;        // over episodes with movement
  std::vector<EpisodeResult> per_episode;
  // how the run went, not part of the (thread-count independent) result
  int threads = 1;
  double wall_seconds = 0.0;
};

using RolloutProgress = std::function<void(int done, int total)>;

// Runs the evaluation with one Policy per thread from `factory`. Throws core::InputError for bad
// options or config; an exception from a policy or the env stops the run and is rethrown.
RolloutResult EvaluatePolicy(const envs::EnvConfig& config, const agents::PolicyFactory& factory,
                             const RolloutOptions& options,
                             const RolloutProgress& progress = nullptr);
// The same with one policy instance (one thread).
RolloutResult EvaluatePolicy(const envs::EnvConfig& config, agents::Policy& policy,
                             const RolloutOptions& options,
                             const RolloutProgress& progress = nullptr);

// The seed of episode `index` of an evaluation run.
uint64_t EpisodeSeed(uint64_t run_seed, int index);

// Summary and per-episode rows; undefined SPARC/LDLJ are null.
nlohmann::json ToJson(const RolloutResult& result);

}  // namespace immimic::benchmarks
