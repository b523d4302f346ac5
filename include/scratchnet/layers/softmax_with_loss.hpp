// Softmax followed by cross-entropy loss, the network's last layer. Labels are
// class indices, one per row.
#pragma once

#include <cmath>

#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

// y = exp(x - max x) / sum exp(x - max x) per row; row_stat holds the row
// maxima, then the sums (a buffer the caller keeps, so nothing is allocated
// once the shapes are known).
template <typename T>
void softmax_rows(const Matrix<T>& x, Matrix<T>& y, Eigen::Matrix<T, Eigen::Dynamic, 1>& row_stat) {
  row_stat.noalias() = x.rowwise().maxCoeff();
  y = (x.colwise() - row_stat).array().exp().matrix();
  row_stat.noalias() = y.rowwise().sum();
  y.array().colwise() /= row_stat.array();
}

template <typename T>
class SoftmaxWithLoss {
 public:
  // The book adds 1e-7 inside the log so a zero probability gives a finite
  // loss. Its backward ignores that constant; a gradient check sets it to 0 to
  // compare backprop with differences of the very loss it differentiates.
  double log_epsilon = 1e-7;

  // y = exp(x - max x) / sum exp(x - max x) per row,
  // loss = -sum_i log(y[i, t_i] + eps) / N
  T forward(const Matrix<T>& x, const Labels& labels) {
    labels_ = &labels;
    softmax_rows(x, y_, row_stat_);
    double total = 0;
    for (Index i = 0; i < y_.rows(); ++i) {
      total -= std::log(static_cast<double>(y_(i, labels(i))) + log_epsilon);
    }
    return static_cast<T>(total / static_cast<double>(y_.rows()));
  }

  // dx = (y - t) / N, with t the one-hot labels
  const Matrix<T>& backward() {
    const T n = static_cast<T>(y_.rows());
    dx_ = y_ / n;
    for (Index i = 0; i < dx_.rows(); ++i) dx_(i, (*labels_)(i)) -= T(1) / n;
    return dx_;
  }

  // The softmax probabilities of the last forward.
  const Matrix<T>& probabilities() const { return y_; }

 private:
  const Labels* labels_ = nullptr;
  Matrix<T> y_, dx_;
  Eigen::Matrix<T, Eigen::Dynamic, 1> row_stat_;
};

}  // namespace scratchnet
