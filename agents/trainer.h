#pragma once
// Trains a Diffusion Policy with a method (agents/method.h) on robot demos and, for the methods
// that use them, retargeted human videos and a DTW alignment (docs/paper.md, steps 5 and 6).
//
// The run folder: config.yaml (everything resolved: training settings, policy sizes, method,
// data files, seed, software version), policy/ (weights, normaliser, policy config: what eval and
// export load), loss.csv (one row per epoch), run.json (summary). Work happens in
// "<out>.partial/" and is renamed to <out> when training ends, so <out> is always a complete run;
// an interrupted run leaves the .partial folder with a checkpoint at the last finished epoch,
// from which `resume` continues (the same result as an uninterrupted run: every epoch reseeds
// its random streams from the run seed and the epoch number).
#include <cstdint>
#include <functional>
#include <string>

#include "core/strict_yaml.h"

namespace immimic::agents {

// Optimisation settings. configs/train/default.yaml is the command line's recipe: these values,
// except robot_time_compression, which it sets to auto (the built-in 1 lets a config file train
// robot_only without human videos).
struct TrainConfig {
  std::string policy = "default";  // configs/policy/<name>.yaml, or a path ending in .yaml
  int epochs = 12;                 // passes over the robot samples
  int batch_size = 64;
  double learning_rate = 1e-3;
  double weight_decay = 1e-6;
  int warmup_steps = 100;    // linear learning-rate warm-up, then cosine decay to 0
  int threads = 2;           // LibTorch intra-op threads
  int checkpoint_every = 1;  // epochs between resumable checkpoints
  // Exponential moving average of the weights, as Diffusion Policy's EMAModel: after optimiser
  // step k the average moves with decay min(ema_max_decay, 1 - (1 + k)^-ema_power) (0 for the
  // first two steps); the finished run's policy is the average. ema_power 0 turns it off.
  double ema_power = 0.75;
  double ema_max_decay = 0.9999;
  // Random shift of the training images by up to this many pixels (edge-padded, then cropped
  // back; agents/image_augment.h), as Diffusion Policy's random crop. 0: off. Execution never
  // shifts. Off by default: on pick_place it cost success (docs/experiments/methods_log.md, "Image
  // augmentation").
  int random_shift_px = 0;
  // Gaussian noise of this standard deviation (normalised units: the proprioception's demo
  // range spans [-1, 1]) added to every proprioception value of every training frame, each
  // frame drawn apart. 0: off. Execution never adds it. Off by default: at 0.03 on pick_place
  // it cost the grasp without curing the hovering it was for (docs/experiments/methods_log.md).
  double proprio_noise_std = 0.0;
  // Human videos resampled in time by this factor before training (agents::StretchTime), so a
  // human action chunk spans the motion of a robot chunk: teleoperated demos are several times
  // slower than the human hand. kAutoTimeStretch ("auto" in YAML): the ratio of the mean robot
  // demo length to the mean human demo length. 1: frames as recorded (the default).
  double human_time_stretch = 1.0;
  // > 0: robot frames in which the hand is stalled on an object while its command ramps on are
  // dropped (agents::DropHandStallFrames with this tolerance, a fraction of each hand
  // dimension's range). 0: off (the default).
  double hand_stall_tolerance = 0.0;
  // > 0: robot frames in the middle of idle stretches are dropped (agents::DropIdleFrames with
  // this position tolerance in metres). 0: off (the default).
  double idle_tolerance_m = 0.0;
  // Robot demos read at the human's pace: a robot sample at recorded frame t takes its action
  // rows at t + round(j c) and its observation frames at t - round(k c), for compression c, so
  // a robot chunk spans the motion of a human chunk, and execution plays one row per control
  // step (the robot moves c times faster than its demos). Every recorded frame still starts a
  // sample. kAutoTimeStretch ("auto"): c = the mean robot demo length (after any drops) over
  // the mean human demo length, which needs --human (also for robot_only: the videos set the
  // pace). 1: recorded pace. Not combinable with human_time_stretch, its inverse.
  double robot_time_compression = 1.0;
};
constexpr double kAutoTimeStretch = -1.0;
// The EMA decay for the update after optimiser step `step` (0-based), as above.
double EmaDecay(const TrainConfig& config, long step);
// Reads every key of a training config over the defaults; unknown keys are errors.
TrainConfig LoadTrainConfig(const std::string& path);

struct TrainOptions {
  std::string method;
  std::string method_config;  // "" = configs/methods/<method>.yaml
  std::string config_path;    // "" = configs/train/default.yaml
  std::string task, embodiment;
  std::string robot_path, human_path, map_path;
  std::string out_dir;
  uint64_t seed = 0;
  int epochs = 0;       // > 0 overrides the config
  int robot_demos = 0;  // > 0: use only the first N robot demos (demo-count curves)
  bool resume = false;
  // > 0: behave as if interrupted after this many epochs of this invocation (the checkpoint is
  // saved, the .partial folder stays, core::Error is thrown). For tests of resumption.
  int stop_after_epochs = 0;
};

struct TrainProgress {
  int epoch = 0, epochs = 0;  // epochs finished so far, of all
  double loss = 0.0;          // mean loss of the last epoch
  double seconds = 0.0, eta_seconds = 0.0;
};

struct TrainSummary {
  std::string run_dir;
  std::string method;
  int epochs = 0;
  long steps = 0;
  long samples = 0;
  double final_loss = 0.0;
  double seconds = 0.0;             // this invocation (a resumed run counts its own part)
  double samples_per_second = 0.0;  // training samples through the network per second
  int parameters = 0;
};

// Throws core::InputError for unusable data (missing files, human data without actions, task or
// action-size mismatches, a method that needs human data or an alignment without them, an
// existing run folder without `resume`) and core::ConfigError for bad configs.
TrainSummary Train(const TrainOptions& options,
                   const std::function<void(const TrainProgress&)>& progress = {});

}  // namespace immimic::agents
