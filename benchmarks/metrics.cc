#include "benchmarks/metrics.h"

#include <cmath>
#include <complex>
#include <limits>
#include <unsupported/Eigen/FFT>

#include "core/error.h"

namespace immimic::benchmarks {
namespace {

void CheckProfile(const Eigen::VectorXd& speed, double sample_hz, int min_samples,
                  const char* metric) {
  IMMIMIC_THROW_UNLESS(speed.size() >= min_samples, core::InputError, metric, ": needs at least ",
                       min_samples, " speed samples, got ", speed.size());
  IMMIMIC_THROW_UNLESS(std::isfinite(sample_hz) && sample_hz > 0, core::InputError, metric,
                       ": sample rate must be > 0, got ", sample_hz);
  IMMIMIC_THROW_UNLESS(speed.allFinite(), core::InputError, metric,
                       ": speed profile contains NaN or Inf");
  IMMIMIC_THROW_UNLESS(speed.minCoeff() >= 0, core::InputError, metric,
                       ": speeds must be >= 0, got ", speed.minCoeff());
}

}  // namespace

Interval WilsonInterval(int successes, int trials, double z) {
  IMMIMIC_THROW_UNLESS(trials >= 1 && successes >= 0 && successes <= trials, core::InputError,
                       "Wilson interval: need 0 <= successes <= trials and trials >= 1, got ",
                       successes, " of ", trials);
  const double n = trials;
  const double p = successes / n;
  const double denominator = 1 + z * z / n;
  const double centre = (p + z * z / (2 * n)) / denominator;
  const double half = z / denominator * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  // exact bounds at 0 and n successes, free of rounding
  return {successes == 0 ? 0.0 : centre - half, successes == trials ? 1.0 : centre + half};
}

double Sparc(const Eigen::VectorXd& speed, double sample_hz, const SparcOptions& o) {
  CheckProfile(speed, sample_hz, 2, "SPARC");
  IMMIMIC_THROW_UNLESS(o.cutoff_hz > 0 && o.amplitude_threshold > 0 && o.amplitude_threshold < 1 &&
                           o.pad_level >= 0 && o.pad_level <= 8,
                       core::InputError,
                       "SPARC: need cutoff > 0, threshold in (0, 1), pad level in [0, 8]");
  if (speed.maxCoeff() == 0) return std::numeric_limits<double>::quiet_NaN();

  const int levels = static_cast<int>(std::ceil(std::log2(static_cast<double>(speed.size()))));
  const size_t nfft = size_t{1} << (levels + o.pad_level);
  std::vector<double> padded(nfft, 0.0);
  for (Eigen::Index i = 0; i < speed.size(); ++i) padded[i] = speed[i];
  std::vector<std::complex<double>> spectrum;
  Eigen::FFT<double> fft;
  fft.fwd(spectrum, padded);

  // normalised magnitude over the whole spectrum; the arc uses bins with f <= fc
  std::vector<double> magnitude(nfft);
  double peak = 0.0;
  for (size_t k = 0; k < nfft; ++k) {
    magnitude[k] = std::abs(spectrum[k]);
    peak = std::max(peak, magnitude[k]);
  }
  const double bin_hz = sample_hz / nfft;
  size_t last_bin = 0;  // the last bin at or below fc
  while (last_bin + 1 < nfft && (last_bin + 1) * bin_hz <= o.cutoff_hz) ++last_bin;
  // the band runs from the first to the last bin whose magnitude reaches the threshold
  long first = -1, last = -1;
  for (size_t k = 0; k <= last_bin; ++k) {
    if (magnitude[k] / peak >= o.amplitude_threshold) {
      if (first < 0) first = static_cast<long>(k);
      last = static_cast<long>(k);
    }
  }
  if (first < 0 || first == last) return 0.0;  // a single bin: no arc
  const double width_hz = (last - first) * bin_hz;
  double length = 0.0;
  for (long k = first; k < last; ++k) {
    const double df = bin_hz / width_hz;
    const double dm = (magnitude[k + 1] - magnitude[k]) / peak;
    length += std::sqrt(df * df + dm * dm);
  }
  return -length;
}

double Ldlj(const Eigen::VectorXd& speed, double sample_hz) {
  CheckProfile(speed, sample_hz, 3, "LDLJ");
  const double peak = speed.maxCoeff();
  if (peak == 0) return std::numeric_limits<double>::quiet_NaN();
  const double dt = 1.0 / sample_hz;
  const double duration = speed.size() * dt;
  double integral = 0.0;
  for (Eigen::Index i = 0; i + 2 < speed.size(); ++i) {
    const double jerk = (speed[i + 2] - 2 * speed[i + 1] + speed[i]) / (dt * dt);
    integral += jerk * jerk * dt;
  }
  return -std::log(std::pow(duration, 3) / (peak * peak) * integral);
}

Eigen::VectorXd SpeedProfile(const std::vector<Eigen::Vector3d>& positions, double sample_hz) {
  IMMIMIC_THROW_UNLESS(std::isfinite(sample_hz) && sample_hz > 0, core::InputError,
                       "speed profile: sample rate must be > 0, got ", sample_hz);
  const size_t n = positions.empty() ? 0 : positions.size() - 1;
  Eigen::VectorXd speed(n);
  for (size_t k = 0; k < n; ++k) speed[k] = (positions[k + 1] - positions[k]).norm() * sample_hz;
  return speed;
}

}  // namespace immimic::benchmarks
