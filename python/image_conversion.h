#pragma once
// numpy <-> envs::Image for the Python module's sources.
#include <pybind11/numpy.h>

#include <algorithm>

#include "core/error.h"
#include "envs/image.h"

namespace immimic::python {

// A height x width x 3 uint8 array (converted if needed); core::InputError otherwise.
inline envs::Image ImageFrom(const pybind11::handle& value) {
  const auto array =
      pybind11::array_t<uint8_t, pybind11::array::c_style | pybind11::array::forcecast>::ensure(
          value);
  if (!array || array.ndim() != 3 || array.shape(2) != 3) {
    throw core::InputError("an image must be a height x width x 3 uint8 array");
  }
  envs::Image image;
  image.Resize(static_cast<int>(array.shape(1)), static_cast<int>(array.shape(0)));
  std::copy(array.data(), array.data() + array.size(), image.pixels.begin());
  return image;
}

}  // namespace immimic::python
