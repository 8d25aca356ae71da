#include "agents/open_loop.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "datasets/dataset_reader.h"

namespace immimic::agents {
namespace {

const datasets::Array& Require(const datasets::Episode& episode, const std::string& key,
                               const std::string& where) {
  auto it = episode.obs.find(key);
  IMMIMIC_THROW_UNLESS(it != episode.obs.end(), core::InputError, where, ": no obs/", key,
                       " (the open-loop check needs robot demos)");
  return it->second;
}

envs::Image FrameOf(const datasets::Array& images, size_t t) {
  const std::vector<size_t>& shape = images.shape();
  IMMIMIC_THROW_UNLESS(shape.size() == 4 && shape[3] == 3, core::InputError,
                       "images must be frames x H x W x 3, got ", datasets::ShapeString(shape));
  envs::Image image;
  image.Resize(static_cast<int>(shape[2]), static_cast<int>(shape[1]));
  const size_t bytes = image.pixels.size();
  std::copy_n(images.bytes().begin() + t * bytes, bytes, image.pixels.begin());
  return image;
}

// The recorded observation of frame t (images and proprio; what the predictor reads).
envs::Observation ObservationAt(const datasets::Episode& episode, size_t t,
                                const std::string& where) {
  envs::Observation obs;
  obs.agentview = FrameOf(Require(episode, "agentview_image", where), t);
  obs.wrist = FrameOf(Require(episode, "wrist_image", where), t);
  const datasets::Array& eef = Require(episode, datasets::kEefPose, where);
  const size_t width = eef.num_elements() / eef.rows();
  obs.proprio = Eigen::Map<const Eigen::VectorXd>(eef.doubles().data() + t * width,
                                                  static_cast<Eigen::Index>(width));
  return obs;
}

}  // namespace

OpenLoopReport EvaluateOpenLoop(const ChunkPredictor& predictor, const std::string& dataset_path,
                                const OpenLoopOptions& options) {
  IMMIMIC_THROW_UNLESS(options.obs_horizon >= 1 && options.stride >= 1 &&
                           options.frame_stride >= 1 && options.max_demos >= 0 &&
                           options.time_compression > 0 && std::isfinite(options.time_compression),
                       core::InputError,
                       "open-loop check needs obs_horizon >= 1, stride >= 1, frame_stride >= 1, "
                       "max_demos >= 0 and a positive time compression");
  datasets::DatasetReader reader(dataset_path);
  IMMIMIC_THROW_UNLESS(
      !reader.is_human(), core::InputError, dataset_path,
      ": human videos have no wrist camera; the open-loop check needs robot demos");
  OpenLoopReport report;
  report.dataset = dataset_path;
  size_t demos = reader.num_demos();
  if (options.max_demos > 0) demos = std::min<size_t>(demos, options.max_demos);
  double position_sum = 0;
  long chunk_rows = 0;
  for (size_t k = 0; k < demos; ++k) {
    const datasets::Episode episode = reader.Read(k);
    const std::string where = dataset_path + ": data/" + reader.demo_names()[k];
    IMMIMIC_THROW_UNLESS(episode.actions.has_value() && episode.num_samples > 0, core::InputError,
                         where, ": no actions");
    const size_t n = episode.num_samples, dim = episode.actions->num_elements() / n;
    const std::vector<double>& actions = episode.actions->doubles();
    if (report.first_action_error.empty()) {
      report.first_action_error.assign(dim, 0.0);
      report.chunk_error.assign(dim, 0.0);
    }
    IMMIMIC_THROW_UNLESS(dim == report.first_action_error.size(), core::InputError, where,
                         ": action width differs from the first demo's");
    for (size_t t = 0; t < n; t += options.stride) {
      std::vector<envs::Observation> history;
      for (int h = options.obs_horizon - 1; h >= 0; --h) {
        const size_t back =
            static_cast<size_t>(std::lround(h * options.frame_stride * options.time_compression));
        history.push_back(ObservationAt(episode, t >= back ? t - back : 0, where));
      }
      const Eigen::MatrixXd chunk = predictor(history);
      IMMIMIC_THROW_UNLESS(chunk.rows() > 0 && static_cast<size_t>(chunk.cols()) == dim,
                           core::InputError, where, ": the policy predicts ", chunk.cols(),
                           "-wide actions, the dataset holds ", dim);
      for (Eigen::Index j = 0; j < chunk.rows(); ++j) {
        const size_t ahead =
            static_cast<size_t>(std::lround(j * options.frame_stride * options.time_compression));
        const double* recorded = actions.data() + std::min(t + ahead, n - 1) * dim;
        for (size_t i = 0; i < dim; ++i) {
          const double error = std::abs(chunk(j, i) - recorded[i]);
          report.chunk_error[i] += error;
          if (j == 0) report.first_action_error[i] += error;
        }
      }
      const double* recorded = actions.data() + t * dim;
      position_sum +=
          (chunk.row(0).head<3>().transpose() - Eigen::Map<const Eigen::Vector3d>(recorded)).norm();
      chunk_rows += chunk.rows();
      ++report.checks;
    }
  }
  report.demos = static_cast<int>(demos);
  for (size_t i = 0; i < report.first_action_error.size(); ++i) {
    report.first_action_error[i] /= std::max(1, report.checks);
    report.chunk_error[i] /= std::max(1L, chunk_rows);
  }
  report.position_error_m = position_sum / std::max(1, report.checks);
  return report;
}

nlohmann::json ToJson(const OpenLoopReport& report) {
  return {{"dataset", report.dataset},         {"demos", report.demos},
          {"checks", report.checks},           {"first_action_error", report.first_action_error},
          {"chunk_error", report.chunk_error}, {"position_error_m", report.position_error_m}};
}

}  // namespace immimic::agents
