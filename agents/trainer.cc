#include "agents/trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "agents/checkpoint.h"
#include "agents/diffusion_policy.h"
#include "agents/fused_adamw.h"
#include "agents/image_augment.h"
#include "agents/method.h"
#include "agents/normalizer.h"
#include "agents/policy_config.h"
#include "agents/training_data.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/heap.h"
#include "core/paths.h"
#include "core/rng.h"
#include "core/sha256.h"
#include "datasets/dataset_reader.h"
#include "mapping/alignment_file.h"

namespace immimic::agents {
namespace fs = std::filesystem;
namespace {

// Random streams of a run, each derived from the seed and the epoch (so a resumed run draws
// exactly what an uninterrupted one would).
constexpr uint64_t kNoiseStream = core::streams::kTrainNoise,
                   kBatchStream = core::streams::kTrainBatches,
                   kInitStream = core::streams::kTrainInit,
                   kAugmentStream = core::streams::kTrainAugment;

std::string PolicyConfigPath(const std::string& policy) {
  if (policy.size() > 5 && policy.substr(policy.size() - 5) == ".yaml") return policy;
  return core::ConfigPath("policy/" + policy + ".yaml");
}

// One domain's frames as tensors: images uint8 [N, 3, S, S], vectors normalised float [N, D].
struct DomainTensors {
  const DomainFrames* frames = nullptr;
  torch::Tensor agentview, wrist, proprio, actions;
  double pace = 1.0;  // recorded frames per policy step (the robot time compression)
};

torch::Tensor Uint8Images(const std::vector<uint8_t>& bytes, int size) {
  const int64_t rows = static_cast<int64_t>(bytes.size() / (3 * static_cast<size_t>(size) * size));
  return torch::from_blob(const_cast<uint8_t*>(bytes.data()), {rows, 3, size, size}, torch::kUInt8)
      .clone();
}

torch::Tensor Normalised(const std::vector<float>& values, int dim, const MinMaxNormalizer& norm) {
  const int rows = static_cast<int>(values.size() / dim);
  std::vector<double> in(values.begin(), values.end());
  std::vector<float> out(values.size());
  norm.Normalize(in.data(), out.data(), rows);
  return torch::from_blob(out.data(), {rows, dim}, torch::kFloat32).clone();
}

DomainTensors ToTensors(const DomainFrames& frames, const PolicyNormalizer& norm,
                        double pace = 1.0) {
  DomainTensors t;
  t.frames = &frames;
  t.pace = pace;
  t.agentview = Uint8Images(frames.agentview, frames.image_size);
  if (!frames.wrist.empty()) t.wrist = Uint8Images(frames.wrist, frames.image_size);
  t.proprio = Normalised(frames.proprio, frames.proprio_dim, norm.proprio);
  t.actions = Normalised(frames.actions, frames.action_dim, norm.action);
  return t;
}

struct SampleRef {
  int demo = 0, frame = 0;
};

// Observation windows and action chunks of `samples`, gathered into one batch.
struct Batch {
  ObservationBatch obs;
  torch::Tensor actions;  // [B, Ta, A]
};

// Training-time augmentation (TrainConfig): image shift and proprioception noise, drawn from
// the epoch's augmentation stream (nothing is drawn when both are off).
struct Augmentation {
  int shift_px = 0;
  double proprio_noise_std = 0.0;
  core::Rng* rng = nullptr;
};

Batch Gather(const DomainTensors& domain, const std::vector<SampleRef>& samples,
             const PolicyConfig& config, const Augmentation& augment) {
  const int b = static_cast<int>(samples.size());
  const int to = config.obs_horizon, ta = config.action_horizon;
  const double stride = config.frame_stride * domain.pace;
  std::vector<int64_t> obs_index, image_index, chunk_index;
  obs_index.reserve(static_cast<size_t>(b) * to);
  image_index.reserve(static_cast<size_t>(b) * to);
  chunk_index.reserve(static_cast<size_t>(b) * ta);
  for (const SampleRef& s : samples) {
    for (int k = 0; k < to; ++k) {
      obs_index.push_back(domain.frames->ObservationFrame(s.demo, s.frame, k, to, stride));
      image_index.push_back(domain.frames->ImageRow(static_cast<int>(obs_index.back())));
    }
    for (int j = 0; j < ta; ++j)
      chunk_index.push_back(domain.frames->ChunkFrame(s.demo, s.frame, j, stride));
  }
  const torch::Tensor oi = torch::tensor(obs_index, torch::kInt64);
  const torch::Tensor ii = torch::tensor(image_index, torch::kInt64);
  const torch::Tensor ci = torch::tensor(chunk_index, torch::kInt64);
  const int size = domain.frames->image_size;
  auto images = [&](const torch::Tensor& all) {
    const torch::Tensor frames =
        all.index_select(0, ii).view({b, to, 3, size, size}).to(torch::kFloat32).div_(255.0);
    return RandomShift(frames, augment.shift_px, *augment.rng);
  };
  Batch batch;
  batch.obs.agentview = images(domain.agentview);
  if (config.use_wrist_camera) {
    if (domain.wrist.defined()) {
      batch.obs.wrist = images(domain.wrist);
      batch.obs.wrist_mask = torch::ones({b});
    } else {
      // human videos have no wrist camera: their wrist features are zeroed by the mask
      batch.obs.wrist = torch::zeros({b, to, 3, size, size});
      batch.obs.wrist_mask = torch::zeros({b});
    }
  }
  batch.obs.proprio = domain.proprio.index_select(0, oi).view({b, to, -1});
  if (augment.proprio_noise_std > 0) {
    // independent per frame, so a velocity read off two frames is noisier than either position
    std::vector<float> noise(static_cast<size_t>(batch.obs.proprio.numel()));
    for (float& n : noise)
      n = static_cast<float>(augment.rng->Normal(0.0, augment.proprio_noise_std));
    batch.obs.proprio = batch.obs.proprio.to(torch::kFloat32) +
                        torch::tensor(noise).view(batch.obs.proprio.sizes());
  }
  batch.actions = domain.actions.index_select(0, ci).view({b, ta, -1});
  return batch;
}

std::vector<SampleRef> AllFrames(const DomainFrames& frames) {
  std::vector<SampleRef> all;
  for (int d = 0; d < frames.demos(); ++d) {
    for (int t = 0; t < frames.demo_length(d); ++t) all.push_back({d, t});
  }
  return all;
}

SampleRef RandomFrame(const DomainFrames& frames, core::Rng& rng) {
  const int global = static_cast<int>(rng.Uniform(0.0, frames.frames()));
  const int demo = static_cast<int>(std::upper_bound(frames.demo_start.begin(),
                                                     frames.demo_start.end(), global) -
                                    frames.demo_start.begin()) -
                   1;
  return {demo, global - frames.demo_start[demo]};
}

template <typename T>
void Shuffle(std::vector<T>* items, core::Rng& rng) {
  for (size_t i = items->size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng.Uniform(0.0, static_cast<double>(i)));
    std::swap((*items)[i - 1], (*items)[j]);
  }
}

// Learning rate at `step` of `total`: linear warm-up, then cosine decay to zero.
double LearningRate(const TrainConfig& config, long step, long total) {
  if (step < config.warmup_steps) return config.learning_rate * (step + 1) / config.warmup_steps;
  const double progress = static_cast<double>(step - config.warmup_steps) /
                          std::max<long>(1, total - config.warmup_steps);
  return config.learning_rate * 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
}

void CheckCompatible(const DomainFrames& robot, const DomainFrames& human,
                     const TrainOptions& options) {
  IMMIMIC_THROW_UNLESS(!robot.human, core::InputError, robot.source,
                       ": is a human dataset; --robot takes robot demos");
  IMMIMIC_THROW_UNLESS(human.human, core::InputError, human.source,
                       ": is not a human dataset; --human takes retargeted human videos");
  IMMIMIC_THROW_UNLESS(
      human.action_dim == robot.action_dim && human.proprio_dim == robot.proprio_dim,
      core::InputError, human.source, ": actions/proprio are ", human.action_dim, "/",
      human.proprio_dim, " wide but the robot's are ", robot.action_dim, "/", robot.proprio_dim,
      " (retarget to the robot's end-effector)");
  IMMIMIC_THROW_UNLESS(human.task == robot.task, core::InputError, human.source, ": task '",
                       human.task, "' but the robot demos are '", robot.task, "'");
}

void CheckAlignment(const mapping::AlignmentFile& map, const std::string& mode,
                    const DomainFrames& robot, const DomainFrames& human, const std::string& path) {
  IMMIMIC_THROW_UNLESS(map.mode == mode, core::InputError, path, ": an alignment in '", map.mode,
                       "' mode, but the method needs '", mode, "'");
  IMMIMIC_THROW_UNLESS(map.num_human() == human.demos(), core::InputError, path, ": ",
                       map.num_human(), " human demos but the human dataset has ", human.demos());
  IMMIMIC_THROW_UNLESS(map.num_robot() >= robot.demos(), core::InputError, path, ": ",
                       map.num_robot(), " robot demos but the robot dataset has ", robot.demos());
  for (int h = 0; h < human.demos(); ++h) {
    IMMIMIC_THROW_UNLESS(map.human_frames[h] == human.demo_length(h), core::InputError, path,
                         ": human demo ", h, " has ", map.human_frames[h],
                         " frames but the dataset's has ", human.demo_length(h));
  }
  for (int r = 0; r < robot.demos(); ++r) {
    IMMIMIC_THROW_UNLESS(map.robot_frames[r] == robot.demo_length(r), core::InputError, path,
                         ": robot demo ", r, " has ", map.robot_frames[r],
                         " frames but the dataset's has ", robot.demo_length(r));
  }
}

// The frame of robot demo `robot` that the alignment pairs with human sample `s`. A stretched
// human frame (StretchTime) lies between two recorded frames: their aligned robot frames are
// interpolated at its recorded time. A dropped robot frame (DropHandStallFrames) gives the next
// kept one.
int AlignedRobotFrame(const mapping::AlignmentFile& map, const DomainFrames& human,
                      const DomainFrames& robot_frames, const SampleRef& s, int robot) {
  const std::vector<int>& aligned = map.at(s.demo, robot).robot_frame;
  int recorded = aligned[s.frame];
  if (!human.source_time.empty()) {
    const double time = human.source_time[human.demo_start[s.demo] + s.frame];
    const int i0 = static_cast<int>(std::floor(time));
    const int i1 = std::min(i0 + 1, static_cast<int>(aligned.size()) - 1);
    recorded =
        static_cast<int>(std::lround(aligned[i0] + (time - i0) * (aligned[i1] - aligned[i0])));
  }
  // the alignment counts recorded robot frames; after DropHandStallFrames some are gone
  return robot_frames.FrameAtOrAfterRecorded(robot, recorded);
}

// The robot time compression of a run (TrainConfig::robot_time_compression) for robot demos as
// trained on (after any drops): a number as given, or for auto the ratio of the mean robot demo
// length to the mean human demo length of --human (only its header is read).
double RobotTimeCompression(const TrainConfig& train, const DomainFrames& robot,
                            const std::string& human_path) {
  if (train.robot_time_compression != kAutoTimeStretch) return train.robot_time_compression;
  IMMIMIC_THROW_UNLESS(!human_path.empty(), core::InputError,
                       "robot_time_compression: auto takes the pace from the human videos: pass "
                       "--human, or set a number in the training config");
  const datasets::DatasetReader human(human_path);
  IMMIMIC_THROW_UNLESS(human.num_demos() > 0 && human.total() > 0, core::InputError, human_path,
                       ": no human frames to take the pace from");
  const double human_mean = static_cast<double>(human.total()) / human.num_demos();
  return (static_cast<double>(robot.frames()) / robot.demos()) / human_mean;
}

void WriteText(const fs::path& path, const std::string& text) {
  core::WriteFileAtomically(path.string(), text);
}

// Resumable state, saved every checkpoint_every epochs into <partial>/resume.
struct ResumeState {
  int epoch = 0;  // epochs finished
  long steps = 0;
  std::vector<std::string> loss_rows;
};

void SaveResume(const fs::path& dir, DiffusionPolicy& model, DiffusionPolicy& ema,
                torch::optim::AdamW& optimizer, const ResumeState& state) {
  fs::create_directories(dir);
  // through memory: LibTorch's file writer throws from a destructor when a write fails (a full
  // disk), which ends the process; WriteFileAtomically reports it as an error instead
  nlohmann::json sums;
  auto save = [&dir, &sums](const auto& object, const char* name) {
    std::ostringstream bytes;
    torch::save(object, bytes);
    core::WriteFileAtomically((dir / name).string(), bytes.str());
    sums[name] = core::Sha256Hex(bytes.str());
  };
  save(model, "model.pt");
  save(ema, "ema.pt");
  save(optimizer, "optimizer.pt");
  // state.json last: it names the epoch the files above belong to, and their SHA-256
  nlohmann::json json = {{"epoch", state.epoch},
                         {"steps", state.steps},
                         {"loss_rows", state.loss_rows},
                         {"sha256", sums}};
  WriteText(dir / "state.json", json.dump(1));
}

// torch::load puts the stored tensors in place of the network's, whatever their shape or type: a
// corrupt file must fail here, not as a shape error or a write out of bounds in a training step.
void LoadSameNetwork(DiffusionPolicy& net, const std::string& path) {
  auto layout = [&net] {
    std::vector<std::pair<std::vector<int64_t>, torch::ScalarType>> tensors;
    for (const auto& t : net->parameters()) tensors.emplace_back(t.sizes().vec(), t.scalar_type());
    for (const auto& t : net->buffers()) tensors.emplace_back(t.sizes().vec(), t.scalar_type());
    return tensors;
  };
  const auto before = layout();
  torch::load(net, path);
  bool contiguous = true;
  for (const auto& t : net->parameters()) contiguous = contiguous && t.is_contiguous();
  if (layout() != before || !contiguous) {
    throw std::invalid_argument(path + ": tensors of other shapes or types than the network's");
  }
}

bool LoadResume(const fs::path& dir, int epochs, DiffusionPolicy& model, DiffusionPolicy& ema,
                FusedAdamW& optimizer, ResumeState* state) {
  if (!fs::exists(dir / "state.json")) return false;
  try {
    const nlohmann::json json =
        nlohmann::json::parse(core::ReadFile((dir / "state.json").string()));
    state->epoch = json.at("epoch").get<int>();
    state->steps = json.at("steps").get<long>();
    state->loss_rows = json.at("loss_rows").get<std::vector<std::string>>();
    // one loss row per finished epoch, each one CSV line
    bool rows_ok = state->loss_rows.size() == static_cast<size_t>(std::max(0, state->epoch));
    for (const std::string& row : state->loss_rows) {
      rows_ok = rows_ok && row.find_first_of("\r\n") == std::string::npos;
    }
    IMMIMIC_THROW_UNLESS(
        state->epoch >= 0 && state->epoch <= epochs && state->steps >= 0 && rows_ok,
        core::InputError, (dir / "state.json").string(), ": epoch ", state->epoch, " of ", epochs,
        ", step ", state->steps, " and ", state->loss_rows.size(),
        " loss rows do not describe this run");
    // LibTorch's deserialiser trusts the sizes in a file (a damaged one can make it allocate
    // gigabytes): it only sees the bytes this project wrote (no sums: a run from before them)
    for (const char* name : {"model.pt", "ema.pt", "optimizer.pt"}) {
      IMMIMIC_THROW_UNLESS(
          !json.contains("sha256") || core::Sha256OfFile((dir / name).string()) ==
                                          json.at("sha256").at(name).get<std::string>(),
          core::InputError, (dir / name).string(),
          ": damaged (its SHA-256 differs from the one state.json recorded)");
    }
    LoadSameNetwork(model, (dir / "model.pt").string());
    LoadSameNetwork(ema, (dir / "ema.pt").string());
    const auto configured =
        static_cast<const torch::optim::AdamWOptions&>(optimizer.param_groups()[0].options());
    torch::load(optimizer, (dir / "optimizer.pt").string());
    optimizer.CheckLoadedState(configured);
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw core::InputError(dir.string() + ": cannot resume from this checkpoint: " + e.what());
  }
  return true;
}

std::string ResolvedConfig(const TrainOptions& o, const TrainConfig& train,
                           const PolicyConfig& policy, const Method& method, int epochs) {
  std::ostringstream out;
  out << "# Resolved configuration of this run (immimic " << core::SoftwareVersion() << ")\n"
      << "seed: " << o.seed << "\n"
      << "task: " << o.task << "\nembodiment: " << o.embodiment << "\n"
      << "data:\n  robot: \"" << o.robot_path << "\"\n  robot_demos: " << o.robot_demos
      << "\n  human: \"" << o.human_path << "\"\n  map: \"" << o.map_path << "\"\n"
      << "train:\n  policy: " << train.policy << "\n  epochs: " << epochs
      << "\n  batch_size: " << train.batch_size << "\n  learning_rate: " << train.learning_rate
      << "\n  weight_decay: " << train.weight_decay << "\n  warmup_steps: " << train.warmup_steps
      << "\n  threads: " << train.threads << "\n  checkpoint_every: " << train.checkpoint_every
      << "\n  ema_power: " << train.ema_power << "\n  ema_max_decay: " << train.ema_max_decay
      << "\n  random_shift_px: " << train.random_shift_px
      << "\n  proprio_noise_std: " << train.proprio_noise_std
      << "\n  hand_stall_tolerance: " << train.hand_stall_tolerance
      << "\n  idle_tolerance_m: " << train.idle_tolerance_m << "\n  human_time_stretch: ";
  if (train.human_time_stretch == kAutoTimeStretch) {
    out << "auto";
  } else {
    out << train.human_time_stretch;
  }
  out << "\n  robot_time_compression: ";
  if (train.robot_time_compression == kAutoTimeStretch) {
    out << "auto";
  } else {
    out << train.robot_time_compression;
  }
  out << "\nmethod:\n";
  std::istringstream method_yaml(method.ResolvedYaml());
  for (std::string line; std::getline(method_yaml, line);) out << "  " << line << "\n";
  out << "policy:\n";
  std::istringstream policy_yaml(PolicyConfigToYaml(policy));
  for (std::string line; std::getline(policy_yaml, line);) out << "  " << line << "\n";
  return out.str();
}

}  // namespace

TrainConfig LoadTrainConfig(const std::string& path) {
  const core::YamlNode yaml = core::YamlNode::LoadFile(path);
  TrainConfig c;
  c.policy = yaml.GetOr<std::string>("policy", c.policy);
  c.epochs = yaml.GetOr<int>("epochs", c.epochs);
  c.batch_size = yaml.GetOr<int>("batch_size", c.batch_size);
  c.learning_rate = yaml.GetOr<double>("learning_rate", c.learning_rate);
  c.weight_decay = yaml.GetOr<double>("weight_decay", c.weight_decay);
  c.warmup_steps = yaml.GetOr<int>("warmup_steps", c.warmup_steps);
  c.threads = yaml.GetOr<int>("threads", c.threads);
  c.checkpoint_every = yaml.GetOr<int>("checkpoint_every", c.checkpoint_every);
  c.ema_power = yaml.GetOr<double>("ema_power", c.ema_power);
  c.ema_max_decay = yaml.GetOr<double>("ema_max_decay", c.ema_max_decay);
  c.random_shift_px = yaml.GetOr<int>("random_shift_px", c.random_shift_px);
  c.proprio_noise_std = yaml.GetOr<double>("proprio_noise_std", c.proprio_noise_std);
  c.hand_stall_tolerance = yaml.GetOr<double>("hand_stall_tolerance", c.hand_stall_tolerance);
  c.idle_tolerance_m = yaml.GetOr<double>("idle_tolerance_m", c.idle_tolerance_m);
  auto factor_or_auto = [&](const char* key, double* value) {
    if (!yaml.Has(key)) return;
    const bool is_auto = yaml.Get<std::string>(key) == "auto";
    *value = is_auto ? kAutoTimeStretch : yaml.Get<double>(key);
  };
  factor_or_auto("human_time_stretch", &c.human_time_stretch);
  factor_or_auto("robot_time_compression", &c.robot_time_compression);
  yaml.RejectUnknownKeys();
  auto check = [&](bool ok, const char* key, const char* rule) {
    IMMIMIC_THROW_UNLESS(ok, core::ConfigError, path, ": ", key, " ", rule);
  };
  check(c.epochs > 0, "epochs", "must be positive");
  check(c.batch_size > 0, "batch_size", "must be positive");
  check(c.learning_rate > 0 && std::isfinite(c.learning_rate), "learning_rate", "must be positive");
  check(c.weight_decay >= 0 && std::isfinite(c.weight_decay), "weight_decay", "must be >= 0");
  check(c.warmup_steps >= 0, "warmup_steps", "must be >= 0");
  check(c.threads > 0, "threads", "must be positive");
  check(c.checkpoint_every > 0, "checkpoint_every", "must be positive");
  check(c.ema_power >= 0 && std::isfinite(c.ema_power), "ema_power", "must be >= 0");
  check(c.ema_max_decay >= 0 && c.ema_max_decay < 1, "ema_max_decay", "must be in [0, 1)");
  check(c.random_shift_px >= 0 && c.random_shift_px <= 16, "random_shift_px", "must be in 0..16");
  check(c.proprio_noise_std >= 0 && c.proprio_noise_std <= 1, "proprio_noise_std",
        "must be in [0, 1] (normalised units)");
  check(c.human_time_stretch == kAutoTimeStretch ||
            (c.human_time_stretch >= 0.1 && c.human_time_stretch <= 20),
        "human_time_stretch", "must be auto or a factor in [0.1, 20]");
  check(c.robot_time_compression == kAutoTimeStretch ||
            (c.robot_time_compression >= 0.1 && c.robot_time_compression <= 20),
        "robot_time_compression", "must be auto or a factor in [0.1, 20]");
  check(c.robot_time_compression == 1.0 || c.human_time_stretch == 1.0, "robot_time_compression",
        "and human_time_stretch both change the pace: set one of them to 1");
  check(c.hand_stall_tolerance >= 0 && c.hand_stall_tolerance < 1, "hand_stall_tolerance",
        "must be in [0, 1) (0: off)");
  check(c.idle_tolerance_m >= 0 && c.idle_tolerance_m <= 0.1, "idle_tolerance_m",
        "must be in [0, 0.1] m (0: off)");
  return c;
}

double EmaDecay(const TrainConfig& config, long step) {
  // diffusers' EMAModel with update_after_step 0 and inv_gamma 1: its counter is one behind
  const long k = step - 1;
  if (config.ema_power <= 0 || k <= 0) return 0.0;
  return std::min(config.ema_max_decay,
                  1.0 - std::pow(1.0 + static_cast<double>(k), -config.ema_power));
}

namespace {

// Stage 1: the method, the configs and the data a run trains from, loaded and checked; frames
// dropped and paces set as the config asks.
struct RunInputs {
  std::unique_ptr<Method> method;
  TrainConfig train;
  int epochs = 0;
  PolicyConfig policy;
  DomainFrames robot, human;
  mapping::AlignmentFile alignment;
  int recorded_robot_frames = 0;
  double human_time_stretch = 1.0, robot_pace = 1.0;
};

void CheckMethodInputs(const Method& method, const TrainOptions& options) {
  IMMIMIC_THROW_UNLESS(!method.uses_human() || !options.human_path.empty(), core::InputError,
                       "method ", method.name(), " needs --human (retargeted human videos)");
  IMMIMIC_THROW_UNLESS(method.alignment_mode().empty() || !options.map_path.empty(),
                       core::InputError, "method ", method.name(), " needs --map (a ",
                       method.alignment_mode(), " alignment from immimic map)");
}

// The run folder: refuses to overwrite a finished run; a .partial one needs `resume`.
fs::path CheckRunFolder(const TrainOptions& options) {
  const fs::path out(options.out_dir);
  const fs::path partial = out.string() + ".partial";
  IMMIMIC_THROW_UNLESS(!options.out_dir.empty(), core::InputError, "--out is required");
  IMMIMIC_THROW_UNLESS(!fs::exists(out), core::InputError, out.string(),
                       " exists already (a finished run); choose another --out");
  if (!options.resume && fs::exists(partial)) {
    throw core::InputError(partial.string() +
                           " holds an interrupted run: pass --resume to continue it, or remove it");
  }
  return partial;
}

void LoadData(const TrainOptions& options, RunInputs* in) {
  DomainLoadOptions load;
  load.image_size = in->policy.image_size;
  load.require_wrist = in->policy.use_wrist_camera;
  load.max_demos = options.robot_demos;
  in->robot = LoadDomainFrames(options.robot_path, load);
  const DomainFrames& robot = in->robot;
  IMMIMIC_THROW_UNLESS(options.task.empty() || robot.task == options.task, core::InputError,
                       options.robot_path, ": demos of task '", robot.task, "', not '",
                       options.task, "'");
  IMMIMIC_THROW_UNLESS(options.embodiment.empty() || robot.embodiment == options.embodiment,
                       core::InputError, options.robot_path, ": demos of embodiment '",
                       robot.embodiment, "', not '", options.embodiment, "'");
  if (in->method->uses_human()) {
    load.max_demos = 0;
    in->human = LoadDomainFrames(options.human_path, load);
    CheckCompatible(robot, in->human, options);
  }
  if (!in->method->alignment_mode().empty()) {
    in->alignment = mapping::ReadAlignmentFile(options.map_path);
    CheckAlignment(in->alignment, in->method->alignment_mode(), robot, in->human, options.map_path);
  }
}

// Dropping and stretching come after the alignment check: it counts recorded frames.
void DropAndPace(const TrainOptions& options, RunInputs* in) {
  const TrainConfig& train = in->train;
  in->recorded_robot_frames = in->robot.frames();
  if (train.hand_stall_tolerance > 0) {
    in->robot = DropHandStallFrames(in->robot, train.hand_stall_tolerance);
  }
  if (train.idle_tolerance_m > 0) in->robot = DropIdleFrames(in->robot, train.idle_tolerance_m);
  if (in->method->uses_human()) {
    in->human_time_stretch =
        train.human_time_stretch == kAutoTimeStretch
            ? (static_cast<double>(in->recorded_robot_frames) / in->robot.demos()) /
                  (static_cast<double>(in->human.frames()) / in->human.demos())
            : train.human_time_stretch;
    if (in->human_time_stretch != 1.0) in->human = StretchTime(in->human, in->human_time_stretch);
  }
  in->robot_pace = RobotTimeCompression(train, in->robot, options.human_path);
}

RunInputs LoadRunInputs(const TrainOptions& options) {
  RunInputs in;
  in.method = MakeMethod(options.method, options.method_config);
  in.train = LoadTrainConfig(options.config_path.empty() ? core::ConfigPath("train/default.yaml")
                                                         : options.config_path);
  in.epochs = options.epochs > 0 ? options.epochs : in.train.epochs;
  in.policy = LoadPolicyConfig(PolicyConfigPath(in.train.policy));
  // a policy that never sees robot frames never sees a wrist camera (human videos have none)
  if (!in.method->trains_on_robot_data()) in.policy.use_wrist_camera = false;
  CheckMethodInputs(*in.method, options);
  return in;
}

// Stage 2: normalisation from robot statistics only (the paper): human data maps through it.
PolicyNormalizer FitRobotNormalizer(const DomainFrames& robot) {
  PolicyNormalizer normalizer;
  std::vector<double> actions(robot.actions.begin(), robot.actions.end());
  std::vector<double> proprio(robot.proprio.begin(), robot.proprio.end());
  MinMaxNormalizer::Fitter a(robot.action_dim), p(robot.proprio_dim);
  a.Add(actions.data(), robot.frames(), "robot actions");
  p.Add(proprio.data(), robot.frames(), "robot proprio");
  normalizer.action = a.Fit();
  normalizer.proprio = p.Fit();
  return normalizer;
}

// Stage 3: the network, its weight average and the optimiser, resumed where a checkpoint exists.
struct Model {
  Model(const RunInputs& in, uint64_t seed)
      : net(in.policy, in.robot.proprio_dim, in.robot.action_dim,
            core::DeriveSeed(seed, kInitStream)),
        optimizer(
            net->parameters(),
            torch::optim::AdamWOptions(in.train.learning_rate).weight_decay(in.train.weight_decay)),
        ema(in.policy, in.robot.proprio_dim, in.robot.action_dim,
            core::DeriveSeed(seed, kInitStream)),
        weights(net->parameters()),
        averages(ema->parameters()) {}
  DiffusionPolicy net;
  FusedAdamW optimizer;
  DiffusionPolicy ema;  // the weight average (a copy of the initial weights; unused without EMA)
  std::vector<torch::Tensor> weights, averages;
};

void ResumeIfAsked(const TrainOptions& options, const fs::path& partial,
                   const std::string& resolved, int epochs, Model& model, ResumeState* state) {
  fs::create_directories(partial);
  if (options.resume &&
      LoadResume(partial / "resume", epochs, model.net, model.ema, model.optimizer, state)) {
    IMMIMIC_THROW_UNLESS(core::ReadFile((partial / "config.yaml").string()) == resolved,
                         core::InputError, partial.string(),
                         ": was started with other settings (config.yaml differs); cannot resume");
  }
  WriteText(partial / "config.yaml", resolved);
}

// Stage 4: the epochs. Each reseeds its random streams from the run seed and its number.
class EpochLoop {
 public:
  EpochLoop(const RunInputs& in, const TrainOptions& options, Model& model,
            const PolicyNormalizer& normalizer)
      : in_(in),
        options_(options),
        model_(model),
        robot_t_(ToTensors(in.robot, normalizer, in.robot_pace)),
        robot_frames_(AllFrames(in.robot)),
        robot_steps_(static_cast<int>((robot_frames_.size() + in.train.batch_size - 1) /
                                      in.train.batch_size)) {
    if (in.method->uses_human()) human_t_ = ToTensors(in.human, normalizer);
    for (int e = 0; e < in.epochs; ++e) {
      total_steps_ += in.method->EpochSteps(e, in.epochs, robot_steps_).size();
    }
  }
  // One epoch: its mean losses over all steps and per step kind, and its mean MixUp weight.
  struct Losses {
    double all = 0, robot = 0, human = 0, mixed = 0, alpha = 0;
  };
  Losses Run(int epoch, ResumeState* state);
  double last_loss() const { return last_loss_; }
  long samples() const { return samples_; }

 private:
  // The condition and target chunks of one step of `kind`.
  std::pair<torch::Tensor, torch::Tensor> Batch(StepKind kind, const std::vector<SampleRef>& order,
                                                size_t* cursor, int epoch, core::Rng& rng,
                                                const Augmentation& augment, double* alpha);
  void Step(const torch::Tensor& cond, const torch::Tensor& actions, ResumeState* state);

  const RunInputs& in_;
  const TrainOptions& options_;
  Model& model_;
  const DomainTensors robot_t_;
  DomainTensors human_t_;
  const std::vector<SampleRef> robot_frames_;
  const int robot_steps_;
  long total_steps_ = 0;
  long samples_ = 0;
  double last_loss_ = 0.0;
  double last_step_loss_ = 0.0;
};

std::pair<torch::Tensor, torch::Tensor> EpochLoop::Batch(StepKind kind,
                                                         const std::vector<SampleRef>& order,
                                                         size_t* cursor, int epoch, core::Rng& rng,
                                                         const Augmentation& augment,
                                                         double* alpha) {
  const int batch = in_.train.batch_size;
  std::vector<SampleRef> picks;
  if (kind == StepKind::kRobot) {
    // one pass over the shuffled robot frames per epoch, wrapping for the last batch
    for (int i = 0; i < batch; ++i) picks.push_back(order[((*cursor)++) % order.size()]);
    ::immimic::agents::Batch b = Gather(robot_t_, picks, in_.policy, augment);
    return {model_.net->Encode(b.obs), b.actions};
  }
  for (int i = 0; i < batch; ++i) picks.push_back(RandomFrame(in_.human, rng));
  ::immimic::agents::Batch h = Gather(human_t_, picks, in_.policy, augment);
  if (kind == StepKind::kHuman) return {model_.net->Encode(h.obs), h.actions};
  std::vector<SampleRef> partners;
  for (const SampleRef& s : picks) {
    if (in_.method->pairing() == Pairing::kAligned) {
      const int r = static_cast<int>(rng.Uniform(0.0, in_.robot.demos()));
      partners.push_back({r, AlignedRobotFrame(in_.alignment, in_.human, in_.robot, s, r)});
    } else {
      partners.push_back(RandomFrame(in_.robot, rng));
    }
  }
  ::immimic::agents::Batch r = Gather(robot_t_, partners, in_.policy, augment);
  const double a = in_.method->MixAlpha(epoch, in_.epochs, rng);
  *alpha = a;
  return {a * model_.net->Encode(h.obs) + (1.0 - a) * model_.net->Encode(r.obs),
          a * h.actions + (1.0 - a) * r.actions};
}

void EpochLoop::Step(const torch::Tensor& cond, const torch::Tensor& actions, ResumeState* state) {
  torch::Tensor loss = model_.net->Loss(cond, actions);
  for (auto& group : model_.optimizer.param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options())
        .lr(LearningRate(in_.train, state->steps, total_steps_));
  }
  model_.optimizer.zero_grad();
  loss.backward();
  model_.optimizer.step();
  if (in_.train.ema_power > 0) {
    torch::NoGradGuard no_grad;
    const double decay = EmaDecay(in_.train, state->steps);
    for (size_t i = 0; i < model_.weights.size(); ++i) {
      model_.averages[i].mul_(decay).add_(model_.weights[i], 1.0 - decay);
    }
  }
  last_step_loss_ = loss.item<double>();
}

}  // namespace

namespace {

EpochLoop::Losses EpochLoop::Run(int epoch, ResumeState* state) {
  const uint64_t seed = options_.seed;
  model_.net->noise_generator().set_current_seed(
      core::DeriveSeed(core::DeriveSeed(seed, kNoiseStream), epoch));
  core::Rng rng(core::DeriveSeed(core::DeriveSeed(seed, kBatchStream), epoch));
  core::Rng augment_rng(core::DeriveSeed(core::DeriveSeed(seed, kAugmentStream), epoch));
  const Augmentation augment{in_.train.random_shift_px, in_.train.proprio_noise_std, &augment_rng};
  std::vector<SampleRef> order = robot_frames_;
  Shuffle(&order, rng);
  size_t cursor = 0;
  double loss_sum[3] = {0, 0, 0}, alpha_sum = 0.0;
  int loss_count[3] = {0, 0, 0};
  for (StepKind kind : in_.method->EpochSteps(epoch, in_.epochs, robot_steps_)) {
    double alpha = 0.0;
    const auto [cond, actions] = Batch(kind, order, &cursor, epoch, rng, augment, &alpha);
    alpha_sum += alpha;
    Step(cond, actions, state);
    IMMIMIC_THROW_UNLESS(std::isfinite(last_step_loss_), core::Error, "training diverged: loss is ",
                         last_step_loss_, " at epoch ", epoch, " step ", state->steps);
    loss_sum[static_cast<int>(kind)] += last_step_loss_;
    ++loss_count[static_cast<int>(kind)];
    ++state->steps;
    samples_ += in_.train.batch_size * (kind == StepKind::kMixed ? 2 : 1);
  }
  auto mean = [&](int k) { return loss_count[k] ? loss_sum[k] / loss_count[k] : 0.0; };
  const int total_count = loss_count[0] + loss_count[1] + loss_count[2];
  last_loss_ = (loss_sum[0] + loss_sum[1] + loss_sum[2]) / std::max(1, total_count);
  return {last_loss_, mean(0), mean(1), mean(2), loss_count[2] ? alpha_sum / loss_count[2] : 0.0};
}

// One row of loss.csv.
std::string LossRow(int epoch, long steps, const EpochLoop::Losses& l, double seconds) {
  std::ostringstream row;
  row << epoch + 1 << "," << steps << "," << l.all << "," << l.robot << "," << l.human << ","
      << l.mixed << "," << l.alpha << "," << seconds;
  return row.str();
}

// Stage 5: the finished run: policy, loss curve, summary; then the rename that makes it a run.
TrainSummary WriteFinishedRun(const TrainOptions& options, const RunInputs& in, Model& model,
                              const PolicyNormalizer& normalizer, const ResumeState& state,
                              const EpochLoop& loop, const fs::path& partial) {
  DiffusionPolicy& final_policy = in.train.ema_power > 0 ? model.ema : model.net;
  final_policy->eval();
  SaveCheckpoint((partial / "policy").string(), final_policy, normalizer);
  std::string csv = "epoch,steps,loss,robot_loss,human_loss,mixed_loss,mean_alpha,seconds\n";
  for (const auto& r : state.loss_rows) csv += r + "\n";
  WriteText(partial / "loss.csv", csv);
  TrainSummary summary;
  summary.run_dir = options.out_dir;
  summary.method = in.method->name();
  summary.epochs = in.epochs;
  summary.steps = state.steps;
  summary.samples = loop.samples();
  summary.final_loss = loop.last_loss();
  summary.parameters = static_cast<int>(model.net->parameter_count());
  nlohmann::json run = {{"version", core::SoftwareVersion()},
                        {"seed", options.seed},
                        {"method", summary.method},
                        {"task", in.robot.task},
                        {"embodiment", in.robot.embodiment},
                        {"epochs", in.epochs},
                        {"steps", summary.steps},
                        {"final_loss", summary.final_loss},
                        {"parameters", summary.parameters},
                        {"robot_demos", in.robot.demos()},
                        {"human_demos", in.method->uses_human() ? in.human.demos() : 0},
                        {"human_time_stretch", in.human_time_stretch},
                        {"robot_time_compression", in.robot_pace},
                        {"robot_frames", in.robot.frames()},
                        {"robot_frames_dropped", in.recorded_robot_frames - in.robot.frames()},
                        {"env_args", nlohmann::json::parse(in.robot.env_args)},
                        {"threads", in.train.threads},
                        {"reproducible_with",
                         "the same seed, data, build, CPU vector extensions (AVX2 or AVX-512) "
                         "and LibTorch thread count (threads)"}};
  WriteText(partial / "run.json", run.dump(2) + "\n");
  fs::remove_all(partial / "resume");
  fs::rename(partial, options.out_dir);
  return summary;
}

}  // namespace

TrainSummary Train(const TrainOptions& options,
                   const std::function<void(const TrainProgress&)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  RunInputs in = LoadRunInputs(options);
  const fs::path partial = CheckRunFolder(options);
  LoadData(options, &in);
  DropAndPace(options, &in);
  const PolicyNormalizer normalizer = FitRobotNormalizer(in.robot);

  torch::set_num_threads(in.train.threads);
  core::RetainFreedMemory();  // no page faults on each step's activations (core/heap.h)
  Model model(in, options.seed);
  ResumeState state;
  ResumeIfAsked(options, partial,
                ResolvedConfig(options, in.train, in.policy, *in.method, in.epochs), in.epochs,
                model, &state);

  EpochLoop loop(in, options, model, normalizer);
  const auto train_start = std::chrono::steady_clock::now();
  const int first_epoch = state.epoch;
  model.net->train();
  for (int epoch = state.epoch; epoch < in.epochs; ++epoch) {
    const EpochLoop::Losses losses = loop.Run(epoch, &state);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - train_start).count();
    state.loss_rows.push_back(LossRow(epoch, state.steps, losses, elapsed));
    state.epoch = epoch + 1;
    const bool stop = options.stop_after_epochs > 0 &&
                      state.epoch - first_epoch >= options.stop_after_epochs &&
                      state.epoch < in.epochs;
    if (state.epoch % in.train.checkpoint_every == 0 || state.epoch == in.epochs || stop) {
      SaveResume(partial / "resume", model.net, model.ema, model.optimizer, state);
    }
    IMMIMIC_THROW_UNLESS(!stop, core::Error, "stopped after ", options.stop_after_epochs,
                         " epochs as asked; continue with --resume");
    if (progress) {
      const int done = state.epoch - first_epoch;
      progress({state.epoch, in.epochs, loop.last_loss(), elapsed,
                elapsed / done * (in.epochs - state.epoch)});
    }
  }
  TrainSummary summary = WriteFinishedRun(options, in, model, normalizer, state, loop, partial);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - train_start).count();
  summary.samples_per_second = loop.samples() / std::max(1e-9, train_seconds);
  return summary;
}

}  // namespace immimic::agents
