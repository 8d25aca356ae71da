#include "datasets/array.h"

#include <cstring>
#include <functional>
#include <numeric>

#include "core/error.h"

namespace immimic::datasets {
namespace {

size_t Product(const std::vector<size_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), size_t{1}, std::multiplies<size_t>());
}

}  // namespace

std::string ElementTypeName(ElementType type) {
  return type == ElementType::kFloat64 ? "float64" : "uint8";
}

std::string ShapeString(const std::vector<size_t>& shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    out += (i ? ", " : "") + std::to_string(shape[i]);
  }
  return out + ")";
}

namespace {
void CheckValueCount(const std::vector<size_t>& shape, size_t count) {
  IMMIMIC_THROW_UNLESS(Product(shape) == count, core::InputError, "array of shape ",
                       ShapeString(shape), " needs ", Product(shape), " values, got ", count);
}
}  // namespace

Array Array::Float64(std::vector<size_t> shape, std::vector<double> values) {
  CheckValueCount(shape, values.size());
  Array array;
  array.type_ = ElementType::kFloat64;
  array.shape_ = std::move(shape);
  array.doubles_ = std::move(values);
  return array;
}

Array Array::Uint8(std::vector<size_t> shape, std::vector<uint8_t> values) {
  CheckValueCount(shape, values.size());
  Array array;
  array.type_ = ElementType::kUint8;
  array.shape_ = std::move(shape);
  array.bytes_ = std::move(values);
  return array;
}

size_t Array::num_elements() const { return Product(shape_); }

const std::vector<double>& Array::doubles() const {
  IMMIMIC_THROW_UNLESS(type_ == ElementType::kFloat64, core::InputError,
                       "array holds uint8, not float64");
  return doubles_;
}

const std::vector<uint8_t>& Array::bytes() const {
  IMMIMIC_THROW_UNLESS(type_ == ElementType::kUint8, core::InputError,
                       "array holds float64, not uint8");
  return bytes_;
}

std::vector<double>& Array::mutable_doubles() {
  IMMIMIC_THROW_UNLESS(type_ == ElementType::kFloat64, core::InputError,
                       "array holds uint8, not float64");
  return doubles_;
}

std::vector<uint8_t>& Array::mutable_bytes() {
  IMMIMIC_THROW_UNLESS(type_ == ElementType::kUint8, core::InputError,
                       "array holds float64, not uint8");
  return bytes_;
}

bool Array::operator==(const Array& other) const {
  if (type_ != other.type_ || shape_ != other.shape_) return false;
  if (type_ == ElementType::kUint8) return bytes_ == other.bytes_;
  return doubles_.size() == other.doubles_.size() &&
         (doubles_.empty() || std::memcmp(doubles_.data(), other.doubles_.data(),
                                          doubles_.size() * sizeof(double)) == 0);
}

}  // namespace immimic::datasets
