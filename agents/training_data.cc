#include "agents/training_data.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "datasets/dataset_reader.h"

namespace immimic::agents {
namespace {

constexpr char kAgentview[] = "agentview_image";
constexpr char kWrist[] = "wrist_image";

// Weights of the input pixels [first, first + count) that cover output pixel `o` of an
// in -> out resampling, as fractions of the output pixel's footprint.
struct Footprint {
  int first = 0;
  std::vector<double> weights;
};

std::vector<Footprint> Footprints(int in, int out) {
  std::vector<Footprint> result(out);
  const double scale = static_cast<double>(in) / out;
  for (int o = 0; o < out; ++o) {
    const double begin = o * scale, end = (o + 1) * scale;
    Footprint& f = result[o];
    f.first = static_cast<int>(std::floor(begin));
    for (int i = f.first; i < in && i < end; ++i) {
      const double covered = std::min<double>(end, i + 1) - std::max<double>(begin, i);
      if (covered > 1e-12) f.weights.push_back(covered / scale);
    }
  }
  return result;
}

const datasets::Array& RequireImage(const datasets::Episode& episode, const std::string& name,
                                    const std::string& where) {
  auto it = episode.obs.find(name);
  IMMIMIC_THROW_UNLESS(it != episode.obs.end(), core::InputError, where, ": no obs/", name);
  const auto& shape = it->second.shape();
  IMMIMIC_THROW_UNLESS(
      it->second.type() == datasets::ElementType::kUint8 && shape.size() == 4 && shape[3] == 3,
      core::InputError, where, ": obs/", name, " is not a T x H x W x 3 image");
  return it->second;
}

void AppendImages(const datasets::Array& images, int size, std::vector<uint8_t>* out) {
  const auto& shape = images.shape();
  const int height = static_cast<int>(shape[1]), width = static_cast<int>(shape[2]);
  const size_t in_frame = static_cast<size_t>(height) * width * 3;
  const size_t out_frame = 3 * static_cast<size_t>(size) * size;
  const size_t offset = out->size();
  out->resize(offset + images.rows() * out_frame);
  for (size_t t = 0; t < images.rows(); ++t) {
    ResampleToChannelFirst(images.bytes().data() + t * in_frame, height, width, size,
                           out->data() + offset + t * out_frame);
  }
}

// Appends a T x D float64 array as float32 and returns D.
int AppendVectors(const datasets::Array& array, const std::string& what, const std::string& where,
                  std::vector<float>* out) {
  IMMIMIC_THROW_UNLESS(array.type() == datasets::ElementType::kFloat64 &&
                           array.shape().size() == 2 && array.shape()[1] > 0,
                       core::InputError, where, ": ", what, " is not a T x D float64 array");
  for (double v : array.doubles()) {
    IMMIMIC_THROW_UNLESS(std::isfinite(v), core::InputError, where, ": ", what,
                         " has a non-finite value");
    out->push_back(static_cast<float>(v));
  }
  return static_cast<int>(array.shape()[1]);
}

// Calls `edit` on each of the last `rows` rows (of `dim` values) of `values`.
template <typename Edit>
void ForLastRows(std::vector<float>* values, size_t rows, int dim, Edit edit) {
  for (size_t row = values->size() - rows * dim; row < values->size(); row += dim) {
    edit(values->data() + row);
  }
}

// Writes the value at fractional position w in [0, 1] between rows a and b of `dim` values:
// linear in every dimension, except the rotation [rotation_begin, rotation_begin +
// rotation_size), which takes the nearer row unless `rotation_blends` says the two rotations may
// be blended.
void BlendRows(const float* a, const float* b, int dim, double w, int rotation_begin,
               int rotation_size, bool rotation_blends, float* out) {
  for (int i = 0; i < dim; ++i) {
    const bool rotation = i >= rotation_begin && i < rotation_begin + rotation_size;
    if (rotation && !rotation_blends) {
      out[i] = w < 0.5 ? a[i] : b[i];
    } else {
      out[i] = static_cast<float>((1.0 - w) * a[i] + w * b[i]);
    }
  }
}

// Largest absolute difference over [begin, begin + size) of rows a and b.
double MaxDifference(const float* a, const float* b, int begin, int size) {
  double largest = 0.0;
  for (int i = begin; i < begin + size; ++i)
    largest = std::max<double>(largest, std::abs(a[i] - b[i]));
  return largest;
}

constexpr double kAxisAngleBlendLimit = 0.5;  // rad; axis-angles further apart take the nearer row

}  // namespace

DomainFrames StretchTime(const DomainFrames& frames, double factor) {
  IMMIMIC_THROW_UNLESS(std::isfinite(factor) && factor > 0, core::InputError, frames.source,
                       ": time stretch must be positive and finite, got ", factor);
  IMMIMIC_THROW_UNLESS(frames.source_time.empty(), core::InputError, frames.source,
                       ": frames are already stretched");
  IMMIMIC_THROW_UNLESS(frames.proprio_dim >= 7 && frames.action_dim >= 6, core::InputError,
                       frames.source,
                       ": time stretch needs proprio [position, quaternion, ...] "
                       "and actions [position, axis-angle, ...]");
  DomainFrames out = frames;
  out.proprio.clear();
  out.actions.clear();
  out.demo_start = {0};
  const int pd = frames.proprio_dim, ad = frames.action_dim;
  std::vector<float> row(static_cast<size_t>(std::max(pd, ad)));
  for (int d = 0; d < frames.demos(); ++d) {
    const int n = frames.demo_length(d), first = frames.demo_start[d];
    const int m = static_cast<int>(std::lround((n - 1) * factor)) + 1;
    for (int j = 0; j < m; ++j) {
      const double time = std::min<double>(j / factor, n - 1);
      const int i0 = static_cast<int>(std::floor(time)), i1 = std::min(i0 + 1, n - 1);
      const double w = time - i0;
      const float* p0 = &frames.proprio[static_cast<size_t>(first + i0) * pd];
      const float* p1 = &frames.proprio[static_cast<size_t>(first + i1) * pd];
      double dot = 0.0;
      for (int i = 3; i < 7; ++i) dot += static_cast<double>(p0[i]) * p1[i];
      BlendRows(p0, p1, pd, w, 3, 4, dot > 0, row.data());
      if (dot > 0 && w > 0) {
        double norm = 0.0;
        for (int i = 3; i < 7; ++i) norm += static_cast<double>(row[i]) * row[i];
        norm = std::sqrt(norm);
        for (int i = 3; i < 7; ++i) row[i] = static_cast<float>(row[i] / norm);
      }
      CanonicalizeProprioQuaternion(row.data());
      out.proprio.insert(out.proprio.end(), row.begin(), row.begin() + pd);
      const float* a0 = &frames.actions[static_cast<size_t>(first + i0) * ad];
      const float* a1 = &frames.actions[static_cast<size_t>(first + i1) * ad];
      BlendRows(a0, a1, ad, w, 3, 3, MaxDifference(a0, a1, 3, 3) <= kAxisAngleBlendLimit,
                row.data());
      out.actions.insert(out.actions.end(), row.begin(), row.begin() + ad);
      out.source_time.push_back(time);
      out.image_row.push_back(first + static_cast<int>(std::lround(time)));
    }
    out.demo_start.push_back(out.demo_start.back() + m);
  }
  return out;
}

namespace {

// The frames for which `drop(global frame)` is false, plus each demo's first and last frame.
// Images are shared through image_row; recorded_frame composes with an earlier drop.
DomainFrames KeepFrames(const DomainFrames& frames, const std::function<bool(int)>& drop) {
  const int pd = frames.proprio_dim, ad = frames.action_dim;
  DomainFrames out = frames;
  out.proprio.clear();
  out.actions.clear();
  out.image_row.clear();
  out.recorded_frame.clear();
  out.demo_start = {0};
  for (int d = 0; d < frames.demos(); ++d) {
    const int n = frames.demo_length(d), first = frames.demo_start[d];
    int kept = 0;
    for (int t = 0; t < n; ++t) {
      const int f = first + t;
      if (t > 0 && t < n - 1 && drop(f)) continue;
      out.proprio.insert(out.proprio.end(), frames.proprio.begin() + static_cast<size_t>(f) * pd,
                         frames.proprio.begin() + static_cast<size_t>(f + 1) * pd);
      out.actions.insert(out.actions.end(), frames.actions.begin() + static_cast<size_t>(f) * ad,
                         frames.actions.begin() + static_cast<size_t>(f + 1) * ad);
      out.image_row.push_back(frames.ImageRow(f));
      out.recorded_frame.push_back(frames.recorded_frame.empty() ? t : frames.recorded_frame[f]);
      ++kept;
    }
    out.demo_start.push_back(out.demo_start.back() + kept);
  }
  return out;
}

// Per hand dimension: `fraction` of the range of the readouts (proprio) and of the commands
// (actions) over the domain.
void HandSteps(const DomainFrames& frames, int hand, double fraction,
               std::vector<double>* readout_step, std::vector<double>* command_step) {
  const int pd = frames.proprio_dim, ad = frames.action_dim;
  readout_step->assign(hand, 0.0);
  command_step->assign(hand, 0.0);
  for (int i = 0; i < hand; ++i) {
    float lo_p = frames.proprio[7 + i], hi_p = lo_p, lo_a = frames.actions[6 + i], hi_a = lo_a;
    for (int f = 0; f < frames.frames(); ++f) {
      const float p = frames.proprio[static_cast<size_t>(f) * pd + 7 + i];
      const float a = frames.actions[static_cast<size_t>(f) * ad + 6 + i];
      lo_p = std::min(lo_p, p), hi_p = std::max(hi_p, p);
      lo_a = std::min(lo_a, a), hi_a = std::max(hi_a, a);
    }
    (*readout_step)[i] = fraction * (hi_p - lo_p);
    (*command_step)[i] = fraction * (hi_a - lo_a);
  }
}

}  // namespace

DomainFrames DropHandStallFrames(const DomainFrames& frames, double tolerance) {
  IMMIMIC_THROW_UNLESS(std::isfinite(tolerance) && tolerance > 0 && tolerance < 1, core::InputError,
                       frames.source, ": hand stall tolerance must be in (0, 1), got ", tolerance);
  IMMIMIC_THROW_UNLESS(!frames.human, core::InputError, frames.source,
                       ": hand stalls are read from a robot hand; these are human videos");
  IMMIMIC_THROW_UNLESS(frames.source_time.empty() && frames.recorded_frame.empty(),
                       core::InputError, frames.source, ": frames are already resampled");
  const int pd = frames.proprio_dim, ad = frames.action_dim;
  const int hand = std::min(pd - 7, ad - 6);
  IMMIMIC_THROW_UNLESS(hand >= 1, core::InputError, frames.source,
                       ": no hand dimensions to detect a stall in");
  std::vector<double> readout_step, command_step;
  HandSteps(frames, hand, tolerance, &readout_step, &command_step);
  return KeepFrames(frames, [&](int f) {  // global frame f against f - 1
    bool readout_still = true, command_moves = false;
    for (int i = 0; i < hand; ++i) {
      const size_t p = static_cast<size_t>(f) * pd + 7 + i, a = static_cast<size_t>(f) * ad + 6 + i;
      readout_still &= std::abs(frames.proprio[p] - frames.proprio[p - pd]) <= readout_step[i];
      command_moves |= std::abs(frames.actions[a] - frames.actions[a - ad]) > command_step[i];
    }
    return readout_still && command_moves;
  });
}

DomainFrames DropIdleFrames(const DomainFrames& frames, double tolerance_m) {
  IMMIMIC_THROW_UNLESS(std::isfinite(tolerance_m) && tolerance_m > 0 && tolerance_m <= 0.1,
                       core::InputError, frames.source,
                       ": idle tolerance must be in (0, 0.1] m, got ", tolerance_m);
  IMMIMIC_THROW_UNLESS(!frames.human, core::InputError, frames.source,
                       ": idle frames are dropped from robot demos; these are human videos");
  IMMIMIC_THROW_UNLESS(frames.source_time.empty(), core::InputError, frames.source,
                       ": frames are already stretched in time");
  const int pd = frames.proprio_dim, ad = frames.action_dim;
  const int hand = std::max(0, std::min(pd - 7, ad - 6));
  std::vector<double> readout_step, command_step;
  HandSteps(frames, hand, kIdleHandFraction, &readout_step, &command_step);
  const double tolerance_rad = tolerance_m / kIdleLeverArmM;
  // frame f and g (global, same demo) show the same pose and hand, command and measurement
  auto same = [&](int f, int g) {
    const float* pf = &frames.proprio[static_cast<size_t>(f) * pd];
    const float* pg = &frames.proprio[static_cast<size_t>(g) * pd];
    const float* af = &frames.actions[static_cast<size_t>(f) * ad];
    const float* ag = &frames.actions[static_cast<size_t>(g) * ad];
    double measured = 0, commanded = 0, dot = 0;
    for (int i = 0; i < 3; ++i) {
      measured += (pf[i] - pg[i]) * (pf[i] - pg[i]);
      commanded += (af[i] - ag[i]) * (af[i] - ag[i]);
    }
    for (int i = 0; i < 4; ++i) dot += pf[3 + i] * pg[3 + i];
    const double angle = 2 * std::acos(std::min(1.0, std::abs(dot)));  // q and -q alike
    if (std::sqrt(measured) > tolerance_m || std::sqrt(commanded) > tolerance_m ||
        angle > tolerance_rad) {
      return false;
    }
    for (int i = 0; i < hand; ++i) {
      if (std::abs(pf[7 + i] - pg[7 + i]) > readout_step[i] ||
          std::abs(af[6 + i] - ag[6 + i]) > command_step[i]) {
        return false;
      }
    }
    return true;
  };
  std::vector<int> demo_of(frames.frames());
  for (int d = 0; d < frames.demos(); ++d) {
    std::fill(demo_of.begin() + frames.demo_start[d], demo_of.begin() + frames.demo_start[d + 1],
              d);
  }
  return KeepFrames(frames, [&](int f) {
    const int d = demo_of[f];
    const int lo = std::max(frames.demo_start[d], f - kIdleHalfWindow);
    const int hi = std::min(frames.demo_start[d + 1] - 1, f + kIdleHalfWindow);
    for (int g = lo; g <= hi; ++g) {
      if (!same(f, g)) return false;
    }
    return true;
  });
}

int DomainFrames::FrameAtOrAfterRecorded(int demo, int recorded) const {
  if (recorded_frame.empty()) return std::min(recorded, demo_length(demo) - 1);
  const auto begin = recorded_frame.begin() + demo_start[demo];
  const auto end = recorded_frame.begin() + demo_start[demo + 1];
  const auto it = std::lower_bound(begin, end, recorded);
  return it == end ? demo_length(demo) - 1 : static_cast<int>(it - begin);
}

int DomainFrames::ObservationFrame(int demo, int t, int k, int horizon, double stride) const {
  const int back = static_cast<int>(std::lround((horizon - 1 - k) * stride));
  return demo_start[demo] + std::max(0, t - back);
}

int DomainFrames::ChunkFrame(int demo, int t, int j, double stride) const {
  const int ahead = static_cast<int>(std::lround(j * stride));
  return demo_start[demo] + std::min(t + ahead, demo_length(demo) - 1);
}

void ResampleToChannelFirst(const uint8_t* image, int height, int width, int size, uint8_t* out) {
  const std::vector<Footprint> rows = Footprints(height, size), cols = Footprints(width, size);
  const size_t plane = static_cast<size_t>(size) * size;
  for (int r = 0; r < size; ++r) {
    for (int c = 0; c < size; ++c) {
      double sum[3] = {0, 0, 0};
      for (size_t i = 0; i < rows[r].weights.size(); ++i) {
        const uint8_t* row = image + static_cast<size_t>(rows[r].first + i) * width * 3;
        for (size_t j = 0; j < cols[c].weights.size(); ++j) {
          const double w = rows[r].weights[i] * cols[c].weights[j];
          const uint8_t* px = row + static_cast<size_t>(cols[c].first + j) * 3;
          for (int ch = 0; ch < 3; ++ch) sum[ch] += w * px[ch];
        }
      }
      for (int ch = 0; ch < 3; ++ch) {
        out[ch * plane + static_cast<size_t>(r) * size + c] =
            static_cast<uint8_t>(std::clamp(std::lround(sum[ch]), 0L, 255L));
      }
    }
  }
}

DomainFrames LoadDomainFrames(const std::string& path, const DomainLoadOptions& options) {
  IMMIMIC_THROW_UNLESS(options.image_size > 0, core::InputError,
                       "image size must be positive, got ", options.image_size);
  datasets::DatasetReader reader(path);
  DomainFrames domain;
  domain.source = path;
  domain.human = reader.is_human();
  domain.image_size = options.image_size;
  domain.env_args = reader.env_args();
  const nlohmann::json env_args = nlohmann::json::parse(reader.env_args());
  domain.task = env_args.value("task", "");
  if (env_args.contains("embodiment") && env_args["embodiment"].is_string()) {
    domain.embodiment = env_args["embodiment"].get<std::string>();
  }
  size_t demos = reader.num_demos();
  if (options.max_demos > 0) demos = std::min<size_t>(demos, options.max_demos);
  IMMIMIC_THROW_UNLESS(demos > 0, core::InputError, path, ": no demos");
  domain.demo_start.push_back(0);
  for (size_t k = 0; k < demos; ++k) {
    const datasets::Episode episode = reader.Read(k);
    const std::string where = path + ": data/" + reader.demo_names()[k];
    IMMIMIC_THROW_UNLESS(episode.actions.has_value(), core::InputError, where,
                         ": no actions (retarget human videos first: immimic retarget)");
    IMMIMIC_THROW_UNLESS(episode.num_samples > 0, core::InputError, where, ": empty demo");
    AppendImages(RequireImage(episode, kAgentview, where), options.image_size, &domain.agentview);
    if (!domain.human && options.require_wrist) {
      AppendImages(RequireImage(episode, kWrist, where), options.image_size, &domain.wrist);
    }
    auto eef = episode.obs.find(datasets::kEefPose);
    IMMIMIC_THROW_UNLESS(eef != episode.obs.end(), core::InputError, where, ": no obs/eef_pose");
    const int proprio_dim = AppendVectors(eef->second, "obs/eef_pose", where, &domain.proprio);
    const int action_dim = AppendVectors(*episode.actions, "actions", where, &domain.actions);
    IMMIMIC_THROW_UNLESS(
        k == 0 || (proprio_dim == domain.proprio_dim && action_dim == domain.action_dim),
        core::InputError, where, ": vector sizes differ from demo_0");
    IMMIMIC_THROW_UNLESS(proprio_dim >= 7, core::InputError, where,
                         ": obs/eef_pose needs a position and a quaternion, got ", proprio_dim,
                         " values");
    IMMIMIC_THROW_UNLESS(action_dim >= 6, core::InputError, where,
                         ": actions need a position and an axis-angle, got ", action_dim,
                         " values");
    ForLastRows(&domain.proprio, episode.num_samples, proprio_dim,
                CanonicalizeProprioQuaternion<float>);
    ForLastRows(&domain.actions, episode.num_samples, action_dim,
                CanonicalizeActionAxisAngle<float>);
    domain.proprio_dim = proprio_dim;
    domain.action_dim = action_dim;
    domain.demo_start.push_back(domain.demo_start.back() + static_cast<int>(episode.num_samples));
  }
  return domain;
}

}  // namespace immimic::agents
