#include "agents/chunk_executor.h"

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.h"
#include "core/rotation.h"

namespace immimic::agents {
namespace {

Eigen::Quaterniond QuatFromAxisAngle(const Eigen::Vector3d& axis_angle) {
  const double angle = axis_angle.norm();
  if (angle < 1e-12) return Eigen::Quaterniond::Identity();
  return Eigen::Quaterniond(Eigen::AngleAxisd(angle, axis_angle / angle));
}

}  // namespace

Eigen::MatrixXd UpsampleChunk(const Eigen::MatrixXd& chunk, int stride) {
  IMMIMIC_THROW_UNLESS(stride >= 1, core::InputError, "chunk upsampling: stride must be >= 1, got ",
                       stride);
  if (stride == 1 || chunk.rows() <= 1) return chunk;
  const Eigen::Index rows = (chunk.rows() - 1) * stride + 1;
  Eigen::MatrixXd out(rows, chunk.cols());
  for (Eigen::Index r = 0; r < rows; ++r) {
    const Eigen::Index j = std::min<Eigen::Index>(r / stride, chunk.rows() - 2);
    const double w = static_cast<double>(r - j * stride) / stride;  // 0..1 from row j to j + 1
    out.row(r) = (1.0 - w) * chunk.row(j) + w * chunk.row(j + 1);
    const Eigen::Quaterniond a = QuatFromAxisAngle(chunk.row(j).segment<3>(3).transpose());
    const Eigen::Quaterniond b = QuatFromAxisAngle(chunk.row(j + 1).segment<3>(3).transpose());
    // Eigen's slerp takes the shorter arc (it flips b's sign when a . b < 0)
    out.row(r).segment<3>(3) = core::AxisAngleFromQuat(a.slerp(w, b)).transpose();
  }
  return out;
}

ChunkExecutorConfig WithExecution(ChunkExecutorConfig base, int replan_every,
                                  double ensemble_decay) {
  base.replan_every = replan_every;
  base.temporal_ensemble = ensemble_decay > 0;
  if (base.temporal_ensemble) base.ensemble_decay = ensemble_decay;
  return base;
}

void SetHandLimits(const envs::EmbodimentSpec& spec, ChunkExecutorConfig* config) {
  config->hand_low.resize(spec.hand_dim());
  config->hand_high.resize(spec.hand_dim());
  for (int i = 0; i < spec.hand_dim(); ++i) {
    config->hand_low[i] = spec.hand[i].low;
    config->hand_high[i] = spec.hand[i].high;
  }
}

void ValidateChunkExecutorConfig(const ChunkExecutorConfig& c) {
  IMMIMIC_THROW_UNLESS(c.obs_horizon >= 1, core::InputError,
                       "chunk executor: obs_horizon must be >= 1, got ", c.obs_horizon);
  IMMIMIC_THROW_UNLESS(c.frame_stride >= 1, core::InputError,
                       "chunk executor: frame_stride must be >= 1, got ", c.frame_stride);
  IMMIMIC_THROW_UNLESS(c.replan_every >= 1, core::InputError,
                       "chunk executor: replan_every must be >= 1, got ", c.replan_every);
  IMMIMIC_THROW_UNLESS(std::isfinite(c.ensemble_decay) && c.ensemble_decay > 0, core::InputError,
                       "chunk executor: ensemble_decay must be finite and > 0, got ",
                       c.ensemble_decay);
  IMMIMIC_THROW_UNLESS(c.workspace_low.allFinite() && c.workspace_high.allFinite() &&
                           (c.workspace_low.array() <= c.workspace_high.array()).all(),
                       core::InputError,
                       "chunk executor: workspace box needs finite low <= high per axis");
  IMMIMIC_THROW_UNLESS(c.hand_low.size() == c.hand_high.size(), core::InputError,
                       "chunk executor: hand_low has ", c.hand_low.size(),
                       " entries, hand_high has ", c.hand_high.size());
  IMMIMIC_THROW_UNLESS(c.hand_low.allFinite() && c.hand_high.allFinite() &&
                           (c.hand_low.array() <= c.hand_high.array()).all(),
                       core::InputError, "chunk executor: hand limits need finite low <= high");
}

ChunkExecutor::ChunkExecutor(ChunkExecutorConfig config, ChunkPredictor predictor)
    : config_(std::move(config)), predictor_(std::move(predictor)) {
  ValidateChunkExecutorConfig(config_);
  IMMIMIC_THROW_UNLESS(predictor_ != nullptr, core::InputError,
                       "chunk executor: no chunk predictor given");
}

void ChunkExecutor::Reset() {
  history_.clear();
  chunks_.clear();
  step_ = 0;
  predictions_ = 0;
}

Eigen::VectorXd ChunkExecutor::Act(const envs::Observation& obs) {
  // history: pad with the first frame at reset, then slide
  if (history_.empty()) {
    history_.assign(static_cast<size_t>(config_.obs_horizon - 1) * config_.frame_stride + 1, obs);
  } else {
    history_.erase(history_.begin());
    history_.push_back(obs);
  }
  if (step_ % config_.replan_every == 0) Predict();
  // chunks that end before this step propose nothing any more
  while (!chunks_.empty() && chunks_.front().start + chunks_.front().actions.rows() <= step_) {
    chunks_.pop_front();
  }
  IMMIMIC_THROW_UNLESS(!chunks_.empty(), core::InputError, "chunk executor: step ", step_,
                       " is past the last chunk; replan_every (", config_.replan_every,
                       ") must not exceed the chunk length");
  Eigen::VectorXd action = Combine();
  Clamp(&action);
  ++step_;
  return action;
}

void ChunkExecutor::Predict() {
  std::vector<envs::Observation> frames;
  for (size_t k = 0; k < history_.size(); k += config_.frame_stride) frames.push_back(history_[k]);
  Eigen::MatrixXd chunk = predictor_(frames);
  ++predictions_;
  IMMIMIC_THROW_UNLESS(chunk.rows() >= 1, core::InputError,
                       "chunk executor: the predictor returned an empty chunk");
  IMMIMIC_THROW_UNLESS(chunk.cols() == action_dim(), core::InputError,
                       "chunk executor: the predictor returned ", chunk.cols(),
                       " action dims, the embodiment has ", action_dim());
  IMMIMIC_THROW_UNLESS(chunk.allFinite(), core::InputError,
                       "chunk executor: the predictor returned NaN or Inf at step ", step_);
  if (!config_.temporal_ensemble) chunks_.clear();
  chunks_.push_back(Chunk{step_, UpsampleChunk(chunk, config_.frame_stride)});
}

Eigen::VectorXd ChunkExecutor::Combine() const {
  const int dim = action_dim();
  const Chunk& newest = chunks_.back();
  if (!config_.temporal_ensemble) return newest.actions.row(step_ - newest.start).transpose();

  const Eigen::Quaterniond reference =
      QuatFromAxisAngle(newest.actions.row(step_ - newest.start).segment<3>(3).transpose());
  Eigen::VectorXd linear = Eigen::VectorXd::Zero(dim);  // position and hand parts
  Eigen::Vector4d quat_sum = Eigen::Vector4d::Zero();   // (x, y, z, w) coefficients
  double weight_sum = 0.0;
  for (const Chunk& chunk : chunks_) {
    const int age = step_ - chunk.start;
    if (age >= chunk.actions.rows()) continue;
    const double weight = std::pow(config_.ensemble_decay, age);
    const Eigen::VectorXd proposal = chunk.actions.row(age).transpose();
    linear += weight * proposal;
    Eigen::Vector4d q = QuatFromAxisAngle(proposal.segment<3>(3)).coeffs();
    // q and -q are the same rotation: take the one on the reference's side
    if (q.dot(reference.coeffs()) < 0) q = -q;
    quat_sum += weight * q;
    weight_sum += weight;
  }
  Eigen::VectorXd action = linear / weight_sum;
  // the weighted sum of sign-aligned unit quaternions cannot vanish (all lie within 90 degrees
  // of the reference, which has a positive weight), so normalising is safe
  const Eigen::Quaterniond mean(Eigen::Vector4d(quat_sum / quat_sum.norm()));
  action.segment<3>(3) = core::AxisAngleFromQuat(mean);
  return action;
}

void ChunkExecutor::Clamp(Eigen::VectorXd* action) const {
  action->head<3>() =
      action->head<3>().cwiseMax(config_.workspace_low).cwiseMin(config_.workspace_high);
  const int hand = static_cast<int>(config_.hand_low.size());
  action->tail(hand) = action->tail(hand).cwiseMax(config_.hand_low).cwiseMin(config_.hand_high);
}

}  // namespace immimic::agents
