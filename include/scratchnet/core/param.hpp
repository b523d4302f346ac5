// A named trainable parameter: its value and the gradient of the last backward
// pass. Networks hand optimizers a list of these built once, in a stable order
// (W1, b1, gamma1, beta1, W2, ...); the names are for state keys, files and
// users, the training loop uses positions.
#pragma once

#include <string>
#include <vector>

#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

template <typename T>
struct Param {
  std::string name;
  Matrix<T>* value;
  Matrix<T>* grad;
};

template <typename T>
using ParamList = std::vector<Param<T>>;

}  // namespace scratchnet
