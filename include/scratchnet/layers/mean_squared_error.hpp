// Mean squared error, the last layer of a network that fits numbers
// (regression) rather than classes: its outputs are the predictions, and the
// targets are one row of values per sample, as wide as the output. The
// book's mean_squared_error (ch04) is 0.5 sum (y - t)^2 for one sample; over
// a batch it is averaged, as cross entropy is.
#pragma once

#include <string>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

template <typename T>
class MeanSquaredError {
 public:
  // loss = 0.5 * sum over rows i and columns j of (y[i, j] - t[i, j])^2 / N
  template <typename Derived>
  T forward(const Matrix<T>& y, const Eigen::MatrixBase<Derived>& targets) {
    if (!same_shape(y, targets)) {
      fail("targets",
           "must be " + shape_of(y) + " (one row of values per sample), got " + shape_of(targets));
    }
    difference_ = y - targets.template cast<T>();
    return static_cast<T>(0.5 * static_cast<double>(difference_.squaredNorm()) /
                          static_cast<double>(y.rows()));
  }

  // dy = (y - t) / N
  const Matrix<T>& backward() {
    dx_ = difference_ / static_cast<T>(difference_.rows());
    return dx_;
  }

 private:
  Matrix<T> difference_, dx_;
};

}  // namespace scratchnet
