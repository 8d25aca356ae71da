#include "envs/env.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "core/rotation.h"
#include "envs/scene_builder.h"

namespace immimic::envs {
namespace {

// The Panda "ready" posture: the IK seed at reset and the null-space preference.
const ArmVector kPandaReady = (ArmVector() << 0, -0.785, 0, -2.356, 0, 1.571, 0.785).finished();

// MuJoCo warnings that mean the state can no longer be trusted.
constexpr mjtWarning kFatalWarnings[] = {mjWARN_BADQACC, mjWARN_BADQVEL, mjWARN_BADQPOS};

const char* WarningReason(mjtWarning warning) {
  switch (warning) {
    case mjWARN_BADQACC:
      return "diverged: non-finite acceleration (MuJoCo reset the state)";
    case mjWARN_BADQVEL:
      return "diverged: non-finite velocity";
    case mjWARN_BADQPOS:
      return "diverged: non-finite position";
    default:
      return "diverged";
  }
}

}  // namespace

std::shared_ptr<const SceneModel> SceneModel::Build(const EnvConfig& config) {
  ValidateEnvConfig(config);
  std::shared_ptr<SceneModel> scene(new SceneModel());
  scene->embodiment_ = LoadEmbodimentSpec(config.embodiment);
  scene->task_ = MakeTask(config.task);
  // the offscreen buffer is as large as the largest image: clearing it is part of every frame
  SceneLayout layout;
  layout.offscreen_width = config.image_width;
  layout.offscreen_height = config.image_height;
  scene->xml_ = BuildSceneXml(scene->embodiment_, *scene->task_, layout);
  const std::string name =
      config.embodiment + "_" + (config.task.empty() ? "tabletop" : config.task);
  scene->model_ = LoadModelFromXml(scene->xml_, name);
  scene->model_->opt.timestep = config.timestep();
  scene->task_->Bind(scene->model_.get());
  return scene;
}

Env::Env(const EnvConfig& config) : Env(config, SceneModel::Build(config)) {}

Env::Env(const EnvConfig& config, std::shared_ptr<const SceneModel> scene)
    : Env(config, std::move(scene), nullptr) {}

Env::Env(const EnvConfig& config, std::shared_ptr<const SceneModel> scene,
         std::shared_ptr<const Randomization> randomization)
    : config_(config),
      scene_(std::move(scene)),
      randomization_(std::move(randomization)),
      data_(MakeData(scene_->model())) {
  if (randomization_) physics_model_.reset(mj_copyModel(nullptr, scene_->model()));
  ValidateEnvConfig(config_);
  IMMIMIC_THROW_UNLESS(scene_->embodiment().name == config_.embodiment, core::InputError,
                       "scene was built for ", scene_->embodiment().name, ", not ",
                       config_.embodiment);
  IMMIMIC_THROW_UNLESS(std::abs(scene_->model()->opt.timestep - config_.timestep()) < 1e-12,
                       core::InputError, "scene timestep differs from the config's");
  Bind();
}

Env::~Env() = default;

void Env::Bind() {
  const mjModel* m = model();
  const EmbodimentSpec& spec = embodiment();
  const std::string& prefix = spec.name;
  tcp_site_ = RequireId(m, mjOBJ_SITE, Prefixed(prefix, "tcp"));
  agentview_camera_ = RequireId(m, mjOBJ_CAMERA, kAgentviewCamera);
  if (spec.is_robot()) {
    wrist_camera_ = RequireId(m, mjOBJ_CAMERA, Prefixed(prefix, "wrist"));
    std::array<int, 7> joints, actuators;
    for (int i = 0; i < 7; ++i) {
      const std::string name = Prefixed(kArmPrefix, "joint" + std::to_string(i + 1));
      joints[i] = RequireId(m, mjOBJ_JOINT, name);
      actuators[i] = RequireId(m, mjOBJ_ACTUATOR, name);
    }
    auto driver = std::make_unique<ArmPoseDriver>(m, joints, actuators, tcp_site_, kPandaReady);
    arm_driver_ = driver.get();
    driver_ = std::move(driver);
  } else {
    driver_ = std::make_unique<MocapPoseDriver>(
        m, RequireId(m, mjOBJ_BODY, Prefixed(prefix, "base")),
        RequireId(m, mjOBJ_BODY, Prefixed(prefix, kWristTargetBody)), tcp_site_);
  }
  for (const HandDimension& dim : spec.hand) {
    HandBinding binding;
    for (const ActuatorMap& map : dim.actuators) {
      binding.actuators.emplace_back(RequireId(m, mjOBJ_ACTUATOR, Prefixed(prefix, map.actuator)),
                                     map);
    }
    const int joint = RequireId(m, mjOBJ_JOINT, Prefixed(prefix, dim.readout.joint));
    binding.readout_qpos = m->jnt_qposadr[joint];
    hand_.push_back(binding);
  }
  for (const std::string& body : task().ObjectBodies()) {
    object_bodies_.push_back(RequireId(m, mjOBJ_BODY, body));
  }

  // every buffer the step fills is sized here, once
  hand_buffer_ = spec.OpenHand();
  Observation& obs = result_.obs;
  obs.proprio.setZero(spec.proprio_dim());
  obs.object_state.setZero(7 * static_cast<int>(object_bodies_.size()));
  if (config_.images) {
    renderer_ = std::make_unique<Renderer>(physics_model());
    obs.agentview.Resize(config_.image_width, config_.image_height);
    if (wrist_camera_ >= 0) obs.wrist.Resize(config_.image_width, config_.image_height);
  }
}

void Env::ApplyHand(const double* values) {
  const auto& dims = embodiment().hand;
  for (size_t i = 0; i < dims.size(); ++i) {
    const double value = std::clamp(values[i], dims[i].low, dims[i].high);
    for (const auto& [actuator, map] : hand_[i].actuators) {
      data_->ctrl[actuator] = map.offset + map.scale * value;
    }
  }
}

const char* Env::CheckDivergence() const {
  for (mjtWarning warning : kFatalWarnings) {
    if (data_->warning[warning].number != warning_counts_[warning]) return WarningReason(warning);
  }
  for (int i = 0; i < physics_model()->nv; ++i) {
    if (std::abs(data_->qvel[i]) > config_.divergence_speed) {
      return "diverged: a joint speed exceeded divergence_speed";
    }
  }
  return nullptr;
}

void Env::RunSubsteps(int count, bool interpolate) {
  const mjModel* m = physics_model();
  for (int k = 1; k <= count; ++k) {
    driver_->Apply(data_.get(), interpolate ? static_cast<double>(k) / count : 1.0);
    mj_step(m, data_.get());
    if (const char* reason = CheckDivergence()) {
      result_.truncated = true;
      result_.info.truncation_reason = reason;
      return;
    }
  }
}

const Observation& Env::Reset(uint64_t seed) {
  const mjModel* m = physics_model();
  mjData* d = data_.get();
  core::Rng randomization_rng(core::DeriveSeed(seed, core::streams::kDomainRandomization));
  if (randomization_) {
    RandomizeModel(*randomization_, model(), object_bodies_, physics_model_.get(),
                   randomization_rng);
  }
  mj_resetData(m, d);
  core::Rng rng(core::DeriveSeed(seed, core::streams::kObjectPlacement));
  task().RandomizeObjects(model(), d, rng);
  if (randomization_) JitterObjects(*randomization_, m, d, object_bodies_, randomization_rng);
  driver_->Teleport(d, config_.home_position, core::MatrixFromAxisAngle(config_.home_axis_angle));
  hand_buffer_ = embodiment().OpenHand();
  ApplyHand(hand_buffer_.data());
  mj_forward(m, d);
  for (int i = 0; i < mjNWARNING; ++i) warning_counts_[i] = d->warning[i].number;

  result_ = StepResult{std::move(result_.obs), 0.0, false, false, StepInfo{}};
  RunSubsteps(static_cast<int>(std::lround(config_.settle_seconds / m->opt.timestep)), false);
  IMMIMIC_THROW_UNLESS(!result_.truncated, core::SimulationError,
                       "scene unstable at reset: ", result_.info.truncation_reason);
  episode_start_ = d->time;
  needs_reset_ = false;
  return RefreshObservation();
}

const StepResult& Env::Step(const Eigen::Ref<const Eigen::VectorXd>& action) {
  IMMIMIC_THROW_UNLESS(!needs_reset_, core::InputError,
                       "Step called before Reset or after the simulation diverged");
  IMMIMIC_THROW_UNLESS(action.size() == action_dim(), core::InputError, "action for ",
                       embodiment().name, " needs ", action_dim(), " values, got ", action.size());
  for (int i = 0; i < action.size(); ++i) {
    IMMIMIC_THROW_UNLESS(std::isfinite(action[i]), core::InputError, "action[", i,
                         "] is not finite (", action[i], ")");
  }
  mjData* d = data_.get();
  driver_->SetTarget(d, action.head<3>(), core::MatrixFromAxisAngle(action.segment<3>(3)));
  ApplyHand(action.data() + 6);

  result_.truncated = false;
  result_.info = StepInfo{};
  RunSubsteps(config_.substeps, true);
  if (result_.truncated) needs_reset_ = true;

  FillObservation(&result_.obs);
  result_.info.success = task().IsSuccess(model(), d);
  result_.reward = task().Reward(model(), d);
  result_.terminated = result_.info.success;
  if (!result_.truncated && result_.obs.time >= config_.episode_seconds - 1e-9) {
    result_.truncated = true;
    result_.info.truncation_reason = "time_limit";
  }
  if (arm_driver_ != nullptr) {
    result_.info.ik_position_error = arm_driver_->last_position_error();
    result_.info.ik_orientation_error = arm_driver_->last_orientation_error();
  }
  return result_;
}

const Observation& Env::RefreshObservation() {
  mj_forward(physics_model(), data_.get());
  FillObservation(&result_.obs);
  return result_.obs;
}

void Env::FillObservation(Observation* obs) {
  const mjModel* m = physics_model();
  mjData* d = data_.get();
  // mj_step leaves positions of the pre-step state in xpos/xmat: bring kinematics up to date
  mj_kinematics(m, d);
  mj_camlight(m, d);
  obs->time = d->time - episode_start_;
  double* p = obs->proprio.data();
  for (int i = 0; i < 3; ++i) p[i] = d->site_xpos[3 * tcp_site_ + i];
  double quat[4];
  mju_mat2Quat(quat, d->site_xmat + 9 * tcp_site_);
  const double sign = quat[0] < 0 ? -1.0 : 1.0;  // one sign per rotation
  for (int i = 0; i < 4; ++i) p[3 + i] = sign * quat[i];
  const auto& dims = embodiment().hand;
  for (size_t i = 0; i < dims.size(); ++i) {
    const JointReadout& r = dims[i].readout;
    p[7 + i] = r.offset + r.scale * d->qpos[hand_[i].readout_qpos];
  }
  double* o = obs->object_state.data();
  for (size_t k = 0; k < object_bodies_.size(); ++k) {
    const int body = object_bodies_[k];
    for (int i = 0; i < 3; ++i) o[7 * k + i] = d->xpos[3 * body + i];
    for (int i = 0; i < 4; ++i) o[7 * k + 3 + i] = d->xquat[4 * body + i];
  }
  if (renderer_) {
    renderer_->Render(d, agentview_camera_, &obs->agentview);
    if (wrist_camera_ >= 0) renderer_->Render(d, wrist_camera_, &obs->wrist);
  }
}

void Env::RenderCamera(int camera_id, Image* out) {
  if (!renderer_) renderer_ = std::make_unique<Renderer>(physics_model());
  mj_kinematics(physics_model(), data_.get());
  mj_camlight(physics_model(), data_.get());
  renderer_->Render(data_.get(), camera_id, out);
}

Eigen::VectorXd Env::HoldAction(const Eigen::VectorXd& hand) const {
  Eigen::VectorXd action(action_dim());
  const double* pos = data_->site_xpos + 3 * tcp_site_;
  action.head<3>() = Eigen::Vector3d(pos[0], pos[1], pos[2]);
  action.segment<3>(3) =
      core::AxisAngleFromMatrix(core::MatrixFromMujoco(data_->site_xmat + 9 * tcp_site_));
  action.tail(hand.size()) = hand;
  return action;
}

ArraySpec Env::action_spec() const {
  const EmbodimentSpec& spec = embodiment();
  ArraySpec a{"action", "float64", {action_dim()}, {}, {}, {}};
  const char* pose_labels[] = {"tcp_x", "tcp_y", "tcp_z", "rot_x", "rot_y", "rot_z"};
  for (int i = 0; i < 6; ++i) {
    a.labels.push_back(pose_labels[i]);
    a.low.push_back(i < 3 ? -2.0 : -M_PI);
    a.high.push_back(i < 3 ? 2.0 : M_PI);
  }
  for (const HandDimension& dim : spec.hand) {
    a.labels.push_back(dim.name);
    a.low.push_back(dim.low);
    a.high.push_back(dim.high);
  }
  return a;
}

std::vector<ArraySpec> Env::observation_spec() const {
  std::vector<ArraySpec> specs;
  if (config_.images) {
    specs.push_back(
        {"agentview_image", "uint8", {config_.image_height, config_.image_width, 3}, {}, {}, {}});
    if (wrist_camera_ >= 0) {
      specs.push_back(
          {"wrist_image", "uint8", {config_.image_height, config_.image_width, 3}, {}, {}, {}});
    }
  }
  ArraySpec proprio{"eef_pose", "float64", {embodiment().proprio_dim()}, {}, {}, {}};
  const char* pose_labels[] = {"tcp_x", "tcp_y", "tcp_z", "quat_w", "quat_x", "quat_y", "quat_z"};
  for (int i = 0; i < 7; ++i) {
    proprio.labels.push_back(pose_labels[i]);
    proprio.low.push_back(i < 3 ? -2.0 : -1.0);
    proprio.high.push_back(i < 3 ? 2.0 : 1.0);
  }
  for (const HandDimension& dim : embodiment().hand) {
    proprio.labels.push_back(dim.name);
    proprio.low.push_back(dim.low);
    proprio.high.push_back(dim.high);
  }
  specs.push_back(proprio);
  ArraySpec objects{
      "object_state", "float64", {7 * static_cast<int>(object_bodies_.size())}, {}, {}, {}};
  for (const std::string& body : task().ObjectBodies()) {
    for (const char* suffix : {"_x", "_y", "_z", "_qw", "_qx", "_qy", "_qz"}) {
      objects.labels.push_back(body + suffix);
      objects.low.push_back(-10.0);
      objects.high.push_back(10.0);
    }
  }
  specs.push_back(objects);
  return specs;
}

}  // namespace immimic::envs
