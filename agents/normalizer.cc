#include "agents/normalizer.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace immimic::agents {

MinMaxNormalizer::MinMaxNormalizer(std::vector<double> low, std::vector<double> high)
    : low_(std::move(low)), high_(std::move(high)) {
  IMMIMIC_THROW_UNLESS(low_.size() == high_.size() && !low_.empty(), core::InputError,
                       "normaliser bounds: low has ", low_.size(), " values, high has ",
                       high_.size(), " (need the same, non-zero size)");
  scale_.resize(dim());
  offset_.resize(dim());
  for (size_t d = 0; d < dim(); ++d) {
    IMMIMIC_THROW_UNLESS(std::isfinite(low_[d]) && std::isfinite(high_[d]) && low_[d] <= high_[d],
                         core::InputError, "normaliser bounds of dimension ", d, " are invalid: [",
                         low_[d], ", ", high_[d], "]");
    const double range = high_[d] - low_[d];
    if (range < kMinRange) {
      scale_[d] = 1.0;
      offset_[d] = -0.5 * (low_[d] + high_[d]);
    } else {
      scale_[d] = 2.0 / range;
      offset_[d] = -1.0 - scale_[d] * low_[d];
    }
  }
}

MinMaxNormalizer::Fitter::Fitter(size_t dim)
    : low_(dim, std::numeric_limits<double>::infinity()),
      high_(dim, -std::numeric_limits<double>::infinity()) {
  IMMIMIC_THROW_UNLESS(dim > 0, core::InputError, "normaliser needs at least one dimension");
}

void MinMaxNormalizer::Fitter::Add(const double* data, size_t rows, const std::string& what) {
  const size_t dim = low_.size();
  for (size_t r = 0; r < rows; ++r) {
    for (size_t d = 0; d < dim; ++d) {
      const double v = data[r * dim + d];
      IMMIMIC_THROW_UNLESS(std::isfinite(v), core::InputError, what, ": row ", r, ", column ", d,
                           " is not finite (", v, ")");
      low_[d] = std::min(low_[d], v);
      high_[d] = std::max(high_[d], v);
    }
  }
  rows_ += rows;
}

MinMaxNormalizer MinMaxNormalizer::Fitter::Fit() const {
  IMMIMIC_THROW_UNLESS(rows_ > 0, core::InputError, "normaliser: no data to fit");
  return MinMaxNormalizer(low_, high_);
}

void MinMaxNormalizer::Normalize(const double* in, float* out, size_t rows) const {
  const size_t n = dim();
  for (size_t r = 0; r < rows; ++r)
    for (size_t d = 0; d < n; ++d)
      out[r * n + d] = static_cast<float>(scale_[d] * in[r * n + d] + offset_[d]);
}

void MinMaxNormalizer::Unnormalize(const float* in, double* out, size_t rows) const {
  const size_t n = dim();
  for (size_t r = 0; r < rows; ++r)
    for (size_t d = 0; d < n; ++d) out[r * n + d] = (in[r * n + d] - offset_[d]) / scale_[d];
}

std::vector<float> MinMaxNormalizer::Normalize(const std::vector<double>& row) const {
  IMMIMIC_THROW_UNLESS(row.size() == dim(), core::InputError, "normaliser expects ", dim(),
                       " values, got ", row.size());
  std::vector<float> out(dim());
  Normalize(row.data(), out.data(), 1);
  return out;
}

std::vector<double> MinMaxNormalizer::Unnormalize(const std::vector<float>& row) const {
  IMMIMIC_THROW_UNLESS(row.size() == dim(), core::InputError, "normaliser expects ", dim(),
                       " values, got ", row.size());
  std::vector<double> out(dim());
  Unnormalize(row.data(), out.data(), 1);
  return out;
}

nlohmann::json MinMaxNormalizer::ToJson() const {
  return {{"type", "min_max"}, {"low", low_}, {"high", high_}};
}

MinMaxNormalizer MinMaxNormalizer::FromJson(const nlohmann::json& json, const std::string& where) {
  try {
    IMMIMIC_THROW_UNLESS(json.is_object() && json.value("type", "") == "min_max", core::InputError,
                         where, ": expected an object with type min_max");
    return MinMaxNormalizer(json.at("low").get<std::vector<double>>(),
                            json.at("high").get<std::vector<double>>());
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(where + ": malformed normaliser: " + e.what());
  } catch (const core::InputError& e) {
    const std::string message = e.what();
    if (message.rfind(where, 0) == 0) throw;
    throw core::InputError(where + ": " + message);
  }
}

nlohmann::json PolicyNormalizer::ToJson() const {
  return {{"action", action.ToJson()}, {"proprio", proprio.ToJson()}};
}

PolicyNormalizer PolicyNormalizer::FromJson(const nlohmann::json& json, const std::string& where) {
  IMMIMIC_THROW_UNLESS(json.is_object() && json.contains("action") && json.contains("proprio"),
                       core::InputError, where, ": expected an object with action and proprio");
  return {MinMaxNormalizer::FromJson(json["action"], where + ": action"),
          MinMaxNormalizer::FromJson(json["proprio"], where + ": proprio")};
}

}  // namespace immimic::agents
