// What a trained network is asked for: the class of each sample and the
// probability of every class, without labels or a loss. A single sample is
// one row (x.row(i), or a RowVector of input_size values).
//
//   const scratchnet::Labels classes = scratchnet::predicted_classes(net, test.x);
//   const int digit = scratchnet::predicted_class(net, image);
//   const auto p = scratchnet::probabilities(net, test.x);   // rows sum to 1
#pragma once

#include <Eigen/Core>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/layers/softmax_with_loss.hpp"
#include "scratchnet/network/sequential.hpp"

namespace scratchnet {

// The softmax of the scores, in test mode: row i holds the probability of
// each class for sample i.
template <typename T, typename Derived>
Matrix<T> probabilities(Sequential<T>& net, const Eigen::MatrixBase<Derived>& x) {
  Matrix<T> y;
  Eigen::Matrix<T, Eigen::Dynamic, 1> row_stat;
  softmax_rows(net.predict(x), y, row_stat);
  return y;
}

// The class of the highest score of each row, in test mode (softmax keeps the
// order, so no probability is computed).
template <typename T, typename Derived>
Labels predicted_classes(Sequential<T>& net, const Eigen::MatrixBase<Derived>& x) {
  const Matrix<T> scores = net.predict(x);
  Labels classes(scores.rows());
  for (Index i = 0; i < scores.rows(); ++i) {
    Index best = 0;
    scores.row(i).maxCoeff(&best);
    classes(i) = static_cast<int>(best);
  }
  return classes;
}

// The class of one sample, given as one row.
template <typename T, typename Derived>
int predicted_class(Sequential<T>& net, const Eigen::MatrixBase<Derived>& sample) {
  if (sample.rows() != 1) {
    fail("sample", "must be one row, got " + std::to_string(sample.rows()) +
                       " (use predicted_classes for a batch)");
  }
  return predicted_classes(net, sample)(0);
}

}  // namespace scratchnet
