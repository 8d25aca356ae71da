#pragma once
// Per-dimension min-max normalisation to [-1, 1], fitted on robot data (actions and
// proprioception), as Diffusion Policy does. A dimension whose range is below kMinRange (e.g. a
// gripper that never moves in the data) is only centred: it maps to 0 at its constant value and
// keeps unit scale, so it neither divides by ~0 nor saturates.

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace immimic::agents {

class MinMaxNormalizer {
 public:
  static constexpr double kMinRange = 1e-4;

  MinMaxNormalizer() = default;
  // From explicit bounds (same size, low <= high, finite). Throws core::InputError.
  MinMaxNormalizer(std::vector<double> low, std::vector<double> high);

  // Accumulates bounds over row-major data (rows x dim); Fit() after the last Add.
  class Fitter {
   public:
    explicit Fitter(size_t dim);
    // Throws core::InputError on NaN/Inf, naming `what` and the row.
    void Add(const double* data, size_t rows, const std::string& what = "data");
    MinMaxNormalizer Fit() const;  // throws core::InputError if no rows were added

   private:
    std::vector<double> low_, high_;
    size_t rows_ = 0;
  };

  size_t dim() const { return low_.size(); }
  const std::vector<double>& low() const { return low_; }
  const std::vector<double>& high() const { return high_; }

  // Row-major rows x dim. Values outside the fitted range map outside [-1, 1] (not clipped).
  void Normalize(const double* in, float* out, size_t rows) const;
  void Unnormalize(const float* in, double* out, size_t rows) const;
  std::vector<float> Normalize(const std::vector<double>& row) const;
  std::vector<double> Unnormalize(const std::vector<float>& row) const;

  // y = scale * x + offset per dimension (for applying it to tensors).
  const std::vector<double>& scale() const { return scale_; }
  const std::vector<double>& offset() const { return offset_; }

  nlohmann::json ToJson() const;
  // Throws core::InputError naming `where` on a malformed object.
  static MinMaxNormalizer FromJson(const nlohmann::json& json, const std::string& where);

 private:
  std::vector<double> low_, high_, scale_, offset_;
};

// The two normalisers a policy needs.
struct PolicyNormalizer {
  MinMaxNormalizer action;
  MinMaxNormalizer proprio;

  nlohmann::json ToJson() const;
  static PolicyNormalizer FromJson(const nlohmann::json& json, const std::string& where);
};

}  // namespace immimic::agents
