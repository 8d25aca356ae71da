// The native half of the Python module (python/immimic/__init__.py wraps it): an Env with numpy
// observations, the registries, and policies (scripted experts, trained runs) that act on the
// observations the Env returns. The GIL is released while the simulation steps and policies
// infer, so Python threads can run several envs at once.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

#include "agents/method.h"
#include "agents/trained_policy.h"
#include "benchmarks/expert_policy.h"
#include "benchmarks/rollout.h"
#include "core/error.h"
#include "core/parallel_for.h"
#include "datasets/demo_replay.h"
#include "envs/embodiment_spec.h"
#include "envs/env.h"
#include "envs/task.h"
#include "python/image_conversion.h"

namespace py = pybind11;

namespace immimic::python {
namespace {

py::array_t<uint8_t> ImageArray(const envs::Image& image) {
  py::array_t<uint8_t> out({image.height, image.width, 3});
  std::copy(image.pixels.begin(), image.pixels.end(), out.mutable_data());
  return out;
}

// Copies: the Env reuses its observation buffers on the next step.
py::dict ObservationDict(const envs::Observation& obs) {
  py::dict out;
  if (!obs.agentview.empty()) out["agentview_image"] = ImageArray(obs.agentview);
  if (!obs.wrist.empty()) out["wrist_image"] = ImageArray(obs.wrist);
  out["eef_pose"] = py::array_t<double>(obs.proprio.size(), obs.proprio.data());
  out["object_state"] = py::array_t<double>(obs.object_state.size(), obs.object_state.data());
  out["time"] = obs.time;
  return out;
}

Eigen::VectorXd VectorFrom(const py::dict& obs, const char* key) {
  if (!obs.contains(key)) throw core::InputError(std::string("observation has no '") + key + "'");
  return obs[key].cast<Eigen::VectorXd>();
}

// The inverse of ObservationDict, for policies given an observation from Python.
envs::Observation ObservationFrom(const py::dict& obs) {
  envs::Observation out;
  if (obs.contains("agentview_image")) out.agentview = ImageFrom(obs["agentview_image"]);
  if (obs.contains("wrist_image")) out.wrist = ImageFrom(obs["wrist_image"]);
  out.proprio = VectorFrom(obs, "eef_pose");
  out.object_state = VectorFrom(obs, "object_state");
  out.time = obs.contains("time") ? obs["time"].cast<double>() : 0.0;
  return out;
}

py::dict SpecDict(const envs::ArraySpec& spec) {
  py::dict out;
  out["name"] = spec.name;
  out["dtype"] = spec.dtype;
  out["shape"] = py::tuple(py::cast(spec.shape));
  out["low"] = spec.low;
  out["high"] = spec.high;
  out["labels"] = spec.labels;
  return out;
}

class NativeEnv {
 public:
  NativeEnv(const std::string& task, const std::string& embodiment, int image_size, bool images)
      : env_(Config(task, embodiment, image_size, images)) {}

  py::dict Reset(uint64_t seed) {
    const envs::Observation* obs;
    {
      py::gil_scoped_release release;
      obs = &env_.Reset(seed);
    }
    return ObservationDict(*obs);
  }

  py::tuple Step(const Eigen::VectorXd& action) {
    if (action.size() != env_.action_dim()) {
      throw core::InputError("action has " + std::to_string(action.size()) + " values; " +
                             env_.config().embodiment + " takes " +
                             std::to_string(env_.action_dim()));
    }
    if (!action.allFinite()) throw core::InputError("action contains NaN or Inf");
    const envs::StepResult* r;
    {
      py::gil_scoped_release release;
      r = &env_.Step(action);
    }
    py::dict info;
    info["success"] = r->info.success;
    info["truncation_reason"] = std::string(r->info.truncation_reason);
    return py::make_tuple(ObservationDict(r->obs), r->reward, r->terminated, r->truncated, info);
  }

  py::array_t<uint8_t> Render(const std::string& camera, int width, int height) {
    const int id = camera == "wrist" ? env_.wrist_camera() : env_.agentview_camera();
    if (camera != "wrist" && camera != "agentview") {
      throw core::InputError("unknown camera '" + camera + "' (known: agentview, wrist)");
    }
    envs::Image image;
    image.Resize(width, height);
    {
      py::gil_scoped_release release;
      env_.RenderCamera(id, &image);
    }
    return ImageArray(image);
  }

  // The action that holds the current TCP pose with the hand open (what `immimic bench` steps).
  Eigen::VectorXd HoldAction() const { return env_.HoldAction(env_.embodiment().OpenHand()); }
  py::dict ActionSpec() const { return SpecDict(env_.action_spec()); }
  py::list ObservationSpec() const {
    py::list out;
    for (const auto& spec : env_.observation_spec()) out.append(SpecDict(spec));
    return out;
  }
  const envs::EnvConfig& config() const { return env_.config(); }
  envs::Env& env() { return env_; }

 private:
  static envs::EnvConfig Config(const std::string& task, const std::string& embodiment,
                                int image_size, bool images) {
    envs::EnvConfig config;
    config.task = task;
    config.embodiment = embodiment;
    config.image_width = config.image_height = image_size;
    config.images = images;
    return config;
  }
  envs::Env env_;
};

// n envs of one scene stepped together on native threads (core::ParallelFor), results in env
// order: the same figures as stepping them one by one.
class NativeVecEnv {
 public:
  NativeVecEnv(int count, const std::string& task, const std::string& embodiment, int image_size,
               bool images, int threads)
      : threads_(core::ThreadsFor(threads, count)) {
    if (count < 1) throw core::InputError("make_vec needs at least one env");
    for (int i = 0; i < count; ++i) {
      envs_.push_back(std::make_unique<NativeEnv>(task, embodiment, image_size, images));
    }
  }

  // Env i is reset with seed + i.
  py::list Reset(uint64_t seed) {
    std::vector<const envs::Observation*> obs(envs_.size());
    {
      py::gil_scoped_release release;
      core::ParallelFor<int>(size(), threads_, [&](int i, int&) {
        obs[i] = &envs_[i]->env().Reset(seed + static_cast<uint64_t>(i));
      });
    }
    py::list out;
    for (const auto* o : obs) out.append(ObservationDict(*o));
    return out;
  }

  // actions: n x action_dim. Returns (observations, rewards, terminated, truncated, infos).
  py::tuple Step(const Eigen::MatrixXd& actions) {
    const int dim = envs_.front()->env().action_dim();
    if (actions.rows() != size() || actions.cols() != dim) {
      throw core::InputError("actions must be " + std::to_string(size()) + " x " +
                             std::to_string(dim));
    }
    if (!actions.allFinite()) throw core::InputError("actions contain NaN or Inf");
    std::vector<const envs::StepResult*> results(envs_.size());
    {
      py::gil_scoped_release release;
      core::ParallelFor<int>(size(), threads_, [&](int i, int&) {
        results[i] = &envs_[i]->env().Step(actions.row(i).transpose());
      });
    }
    py::list obs, infos;
    py::array_t<double> rewards(size());
    py::array_t<bool> terminated(size()), truncated(size());
    for (int i = 0; i < size(); ++i) {
      const envs::StepResult& r = *results[i];
      obs.append(ObservationDict(r.obs));
      rewards.mutable_at(i) = r.reward;
      terminated.mutable_at(i) = r.terminated;
      truncated.mutable_at(i) = r.truncated;
      py::dict info;
      info["success"] = r.info.success;
      info["truncation_reason"] = std::string(r.info.truncation_reason);
      infos.append(info);
    }
    return py::make_tuple(obs, rewards, terminated, truncated, infos);
  }

  int size() const { return static_cast<int>(envs_.size()); }
  int threads() const { return threads_; }
  NativeEnv& at(int i) { return *envs_.at(static_cast<size_t>(i)); }

 private:
  std::vector<std::unique_ptr<NativeEnv>> envs_;
  int threads_;
};

// A policy acting on the observations NativeEnv returns.
class NativePolicy {
 public:
  explicit NativePolicy(std::unique_ptr<agents::Policy> policy) : policy_(std::move(policy)) {}
  void Reset(uint64_t seed) { policy_->Reset(seed); }
  Eigen::VectorXd Act(const py::dict& obs) {
    const envs::Observation observation = ObservationFrom(obs);
    py::gil_scoped_release release;
    return policy_->Act(observation);
  }

 private:
  std::unique_ptr<agents::Policy> policy_;
};

NativePolicy Expert(const NativeEnv& env, const std::string& style) {
  if (style != "teleop" && style != "human") {
    throw core::InputError("unknown style '" + style + "' (known: teleop, human)");
  }
  return NativePolicy(std::make_unique<benchmarks::ExpertPolicy>(
      env.config(),
      style == "human" ? envs::MotionStyle::kHumanVideo : envs::MotionStyle::kTeleoperation));
}

NativePolicy LoadPolicy(const std::string& run_dir, int replan_every, double ensemble_decay) {
  const agents::TrainedRunInfo run = agents::ReadRunInfo(run_dir);
  return NativePolicy(agents::TrainedPolicyFactory(
      run,
      agents::WithExecution(agents::DefaultExecutorConfig(run), replan_every, ensemble_decay))());
}

py::dict RunEnvConfig(const std::string& run_dir) {
  const agents::TrainedRunInfo run = agents::ReadRunInfo(run_dir);
  const envs::EnvConfig config =
      datasets::EnvConfigFromEnvArgs(run.env_args, run_dir + "/run.json");
  py::dict out;
  out["task"] = config.task;
  out["embodiment"] = config.embodiment;
  out["image_size"] = config.image_width;
  return out;
}

}  // namespace

void RegisterDataBindings(py::module_& m);  // python/data_bindings.cc

}  // namespace immimic::python

PYBIND11_MODULE(_immimic, m) {
  using namespace immimic;
  using python::NativeEnv;
  using python::NativePolicy;
  m.doc() = "ImMimic Bench native module (use the immimic package)";
  // the base class first: pybind11 tries the translators registered last first
  py::register_exception<core::Error>(m, "Error", PyExc_RuntimeError);
  py::register_exception<core::ConfigError>(m, "ConfigError", PyExc_ValueError);
  py::register_exception<core::InputError>(m, "InputError", PyExc_ValueError);
  m.def("list_tasks", [] { return envs::TaskNames(); });
  m.def("list_embodiments", [] { return envs::EmbodimentNames(); });
  m.def("list_methods", [] { return agents::MethodNames(); });
  m.def("episode_seed", &benchmarks::EpisodeSeed, py::arg("run_seed"), py::arg("index"),
        "The seed of evaluation episode `index` of `immimic eval --seed run_seed`");
  py::class_<NativeEnv>(m, "NativeEnv")
      .def(py::init<const std::string&, const std::string&, int, bool>(), py::arg("task"),
           py::arg("embodiment"), py::arg("image_size") = 84, py::arg("images") = true)
      .def("reset", &NativeEnv::Reset, py::arg("seed"))
      .def("step", &NativeEnv::Step, py::arg("action"))
      .def("render", &NativeEnv::Render, py::arg("camera") = "agentview", py::arg("width") = 84,
           py::arg("height") = 84)
      .def("hold_action", &NativeEnv::HoldAction)
      .def("action_spec", &NativeEnv::ActionSpec)
      .def("observation_spec", &NativeEnv::ObservationSpec);
  py::class_<python::NativeVecEnv>(m, "NativeVecEnv")
      .def(py::init<int, const std::string&, const std::string&, int, bool, int>(),
           py::arg("count"), py::arg("task"), py::arg("embodiment"), py::arg("image_size") = 84,
           py::arg("images") = true, py::arg("threads") = 0)
      .def("reset", &python::NativeVecEnv::Reset, py::arg("seed"))
      .def("step", &python::NativeVecEnv::Step, py::arg("actions"))
      .def("__len__", &python::NativeVecEnv::size)
      .def_property_readonly("threads", &python::NativeVecEnv::threads)
      .def("env", &python::NativeVecEnv::at, py::return_value_policy::reference_internal);
  py::class_<NativePolicy>(m, "NativePolicy")
      .def("reset", &NativePolicy::Reset, py::arg("seed"))
      .def("act", &NativePolicy::Act, py::arg("obs"));
  m.def("expert", &python::Expert, py::arg("env"), py::arg("style") = "teleop");
  m.def("load_policy", &python::LoadPolicy, py::arg("run_dir"), py::arg("replan_every") = 8,
        py::arg("ensemble_decay") = 0.0);
  m.def("run_env_config", &python::RunEnvConfig, py::arg("run_dir"));
  python::RegisterDataBindings(m);
}
