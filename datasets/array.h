#pragma once
// A dense, row-major array of doubles or bytes with its shape: the unit that datasets store.
// The first dimension is time (one row per sample) for every array in an episode.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace immimic::datasets {

enum class ElementType { kFloat64, kUint8 };

std::string ElementTypeName(ElementType type);

class Array {
 public:
  // An empty float64 array of shape (0).
  Array() = default;
  // Throw core::InputError unless the shape's product equals the number of values.
  static Array Float64(std::vector<size_t> shape, std::vector<double> values);
  static Array Uint8(std::vector<size_t> shape, std::vector<uint8_t> values);

  ElementType type() const { return type_; }
  const std::vector<size_t>& shape() const { return shape_; }
  // First dimension (0 for a rank-0 array, which episodes never hold).
  size_t rows() const { return shape_.empty() ? 0 : shape_[0]; }
  size_t num_elements() const;
  // Throw core::InputError if the array holds the other element type.
  const std::vector<double>& doubles() const;
  const std::vector<uint8_t>& bytes() const;
  std::vector<double>& mutable_doubles();
  std::vector<uint8_t>& mutable_bytes();

  // Same type, shape and values (doubles compared bit for bit, so NaN equals itself).
  bool operator==(const Array& other) const;
  bool operator!=(const Array& other) const { return !(*this == other); }

 private:
  ElementType type_ = ElementType::kFloat64;
  std::vector<size_t> shape_{0};
  std::vector<double> doubles_;
  std::vector<uint8_t> bytes_;
};

// "(120, 7)", for messages.
std::string ShapeString(const std::vector<size_t>& shape);

}  // namespace immimic::datasets
