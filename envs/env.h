#pragma once
// The Env API (docs/design.md "Contracts"): Reset(seed) -> Observation; Step(action) ->
// StepResult{obs, reward, terminated, truncated, info}; observation and action specs.
//
// One SceneModel (compiled mjModel, read-only) may back many Envs; each Env owns its mjData.
// Step validates the action (size, NaN, Inf -> core::InputError), then runs `substeps` physics
// steps without heap allocation. A diverging simulation truncates the episode and says why in
// info. Same seed, same build: bit-identical rollouts.

#include <Eigen/Core>
#include <memory>
#include <string>
#include <vector>

#include "envs/embodiment_spec.h"
#include "envs/env_config.h"
#include "envs/image.h"
#include "envs/mujoco_runtime.h"
#include "envs/pose_driver.h"
#include "envs/randomization.h"
#include "envs/renderer.h"
#include "envs/task.h"

namespace immimic::envs {

// The compiled scene shared by Envs with the same embodiment, task and image size.
class SceneModel {
 public:
  static std::shared_ptr<const SceneModel> Build(const EnvConfig& config);

  const mjModel* model() const { return model_.get(); }
  const EmbodimentSpec& embodiment() const { return embodiment_; }
  const Task& task() const { return *task_; }
  const std::string& xml() const { return xml_; }

 private:
  SceneModel() = default;
  ModelPtr model_;
  EmbodimentSpec embodiment_;
  std::unique_ptr<Task> task_;
  std::string xml_;
};

struct Observation {
  Image agentview;               // empty when images are off
  Image wrist;                   // robots only; empty for the human hand
  Eigen::VectorXd proprio;       // [tcp pos 3, tcp quat wxyz 4, hand dims]
  Eigen::VectorXd object_state;  // per task object: [pos 3, quat wxyz 4]
  double time = 0.0;             // seconds since reset
};

struct StepInfo {
  bool success = false;
  const char* truncation_reason = "";  // "", "time_limit", or what diverged
  double ik_position_error = 0.0;      // robots: residual of the IK target (m)
  double ik_orientation_error = 0.0;   // robots: (rad)
};

struct StepResult {
  Observation obs;
  double reward = 0.0;
  bool terminated = false;  // the task succeeded
  bool truncated = false;   // time limit or diverged simulation
  StepInfo info;
};

struct ArraySpec {
  std::string name;
  std::string dtype;  // "float64" or "uint8"
  std::vector<int> shape;
  std::vector<double> low, high;    // per element of a vector (empty for images)
  std::vector<std::string> labels;  // per element of a vector
};

class Env {
 public:
  explicit Env(const EnvConfig& config);
  Env(const EnvConfig& config, std::shared_ptr<const SceneModel> scene);
  // With a randomisation, the Env simulates and renders a private copy of the scene's model that
  // Reset perturbs from the episode seed; tasks and planners keep reading the nominal model(),
  // whose ids and geometry the copy shares.
  Env(const EnvConfig& config, std::shared_ptr<const SceneModel> scene,
      std::shared_ptr<const Randomization> randomization);
  ~Env();

  const Observation& Reset(uint64_t seed);
  // `action` has action_dim() elements: [tcp pos 3, axis-angle 3, hand dims]. Hand values are
  // clipped to their ranges; position and orientation are followed as far as the arm reaches.
  const StepResult& Step(const Eigen::Ref<const Eigen::VectorXd>& action);

  ArraySpec action_spec() const;
  std::vector<ArraySpec> observation_spec() const;

  const EnvConfig& config() const { return config_; }
  const EmbodimentSpec& embodiment() const { return scene_->embodiment(); }
  const Task& task() const { return scene_->task(); }
  const mjModel* model() const { return scene_->model(); }
  // What mj_step and the renderer use: the randomised copy, or model().
  const mjModel* physics_model() const { return physics_model_ ? physics_model_.get() : model(); }
  const mjData* data() const { return data_.get(); }
  mjData* mutable_data() { return data_.get(); }
  std::shared_ptr<const SceneModel> scene() const { return scene_; }
  int action_dim() const { return embodiment().action_dim(); }
  int tcp_site() const { return tcp_site_; }
  int wrist_camera() const { return wrist_camera_; }
  int agentview_camera() const { return agentview_camera_; }
  // The action that holds the current TCP pose with the hand as given.
  Eigen::VectorXd HoldAction(const Eigen::VectorXd& hand) const;
  // Renders any camera at any size (<= the offscreen buffer) from the current state.
  void RenderCamera(int camera_id, Image* out);
  // Recomputes derived quantities and the observation after the state was set from outside
  // (replay of stored states).
  const Observation& RefreshObservation();

 private:
  void Bind();
  void ApplyHand(const double* hand_values);
  void RunSubsteps(int count, bool interpolate);
  void FillObservation(Observation* obs);
  const char* CheckDivergence() const;

  EnvConfig config_;
  std::shared_ptr<const SceneModel> scene_;
  std::shared_ptr<const Randomization> randomization_;
  ModelPtr physics_model_;  // null without randomization
  DataPtr data_;
  std::unique_ptr<PoseDriver> driver_;
  std::unique_ptr<Renderer> renderer_;
  ArmPoseDriver* arm_driver_ = nullptr;  // same object as driver_ for robots

  // ids in the compiled model
  int tcp_site_ = -1, wrist_camera_ = -1, agentview_camera_ = -1;
  struct HandBinding {
    std::vector<std::pair<int, ActuatorMap>> actuators;  // actuator id, map
    int readout_qpos = -1;
  };
  std::vector<HandBinding> hand_;
  std::vector<int> object_bodies_;
  int warning_counts_[mjNWARNING] = {};

  StepResult result_;
  Eigen::VectorXd hand_buffer_;
  double episode_start_ = 0.0;
  bool needs_reset_ = true;
};

}  // namespace immimic::envs
