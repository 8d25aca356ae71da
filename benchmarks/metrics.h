#pragma once
// Evaluation metrics: success rate with a Wilson score interval, and the smoothness of an
// end-effector speed profile by SPARC and LDLJ (Balasubramanian, Melendez-Calderon, Roby-Brami,
// Burdet, "On the analysis of movement smoothness", J. NeuroEng. Rehabil. 2015, and their
// reference implementation). Both smoothness measures are dimensionless: the same for any
// movement amplitude; higher (closer to zero) is smoother. A minimum-jerk reach scores
// SPARC ~ -1.40 and LDLJ = -ln(204.8) ~ -5.32 (docs/evaluation.md).

#include <Eigen/Core>
#include <vector>

namespace immimic::benchmarks {

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

// The Wilson score interval of a binomial proportion (`z` = 1.96: 95 %). Unlike the normal
// approximation it stays inside [0, 1] and is not empty at 0 or n successes.
// Throws core::InputError unless 0 <= successes <= trials and trials >= 1.
Interval WilsonInterval(int successes, int trials, double z = 1.959963984540054);

struct SparcOptions {
  double cutoff_hz = 10.0;            // fc: no spectrum above this counts
  double amplitude_threshold = 0.05;  // the arc ends at the last frequency above this
  int pad_level = 4;                  // zero padding: FFT length 2^(ceil(log2 N) + pad_level)
};

// Spectral arc length of a speed profile sampled at `sample_hz`: minus the arc length of its
// normalised Fourier magnitude spectrum, over [0, fc] cut further to the band where the
// magnitude stays above the threshold. Throws core::InputError for fewer than 2 samples,
// sample_hz <= 0, NaN/Inf, or a negative speed; returns NaN for an all-zero profile (no
// movement: smoothness undefined).
double Sparc(const Eigen::VectorXd& speed, double sample_hz, const SparcOptions& options = {});

// Log dimensionless jerk of a speed profile: -ln(D^3 / v_peak^2 * integral of (dv/dt)''^2 dt),
// D = N / sample_hz as in the reference implementation, derivatives by finite differences.
// Throws as Sparc (needs >= 3 samples); NaN for an all-zero profile.
double Ldlj(const Eigen::VectorXd& speed, double sample_hz);

// |p[k+1] - p[k]| * sample_hz for consecutive positions (N positions -> N-1 speeds).
Eigen::VectorXd SpeedProfile(const std::vector<Eigen::Vector3d>& positions, double sample_hz);

}  // namespace immimic::benchmarks
