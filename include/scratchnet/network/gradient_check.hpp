// Gradient checks: the numerical gradient of a network's loss by central
// differences, and its comparison with backprop, parameter by parameter.
#pragma once

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <string>
#include <vector>

#include "scratchnet/network/multi_layer_net.hpp"

namespace scratchnet {

struct GradientCheckOptions {
  double h = 1e-4;
  // The book's loss has log(y + 1e-7) but its backward ignores the 1e-7, so
  // the check differentiates the loss without it unless asked otherwise.
  bool keep_log_epsilon = false;
  // Gradients smaller than this are compared absolutely: a structurally zero
  // gradient (b before batch norm) has only rounding noise to compare.
  double relative_floor = 1e-4;
};

template <typename T>
struct NamedMatrix {
  std::string name;
  Matrix<T> value;
};

// While alive: the loss without the log constant (unless kept), dropout masks
// held; on destruction the batch norm running statistics, the constant and
// the masks' state are restored, so a check leaves the network as it was.
template <typename T>
class CheckScope {
 public:
  CheckScope(Sequential<T>& net, const GradientCheckOptions& options)
      : net_(net), saved_epsilon_(net.loss_layer().log_epsilon) {
    for (const Buffer<T>& b : net.buffers()) saved_buffers_.push_back(*b.value);
    if (!options.keep_log_epsilon) net.loss_layer().log_epsilon = 0;
    net.hold_dropout_masks(true);
  }
  ~CheckScope() {
    net_.hold_dropout_masks(false);
    net_.loss_layer().log_epsilon = saved_epsilon_;
    for (std::size_t i = 0; i < saved_buffers_.size(); ++i) {
      *net_.buffers()[i].value = saved_buffers_[i];
    }
  }
  CheckScope(const CheckScope&) = delete;
  CheckScope& operator=(const CheckScope&) = delete;

 private:
  Sequential<T>& net_;
  double saved_epsilon_;
  std::vector<Matrix<T>> saved_buffers_;
};

// dL/dp = (L(p + h) - L(p - h)) / 2h for every element of every parameter, the
// loss taken in train mode. See CheckScope for what is held.
template <typename T, typename DerivedX, typename DerivedT>
std::vector<NamedMatrix<T>> numerical_gradient(Sequential<T>& net,
                                               const Eigen::MatrixBase<DerivedX>& x,
                                               const Eigen::MatrixBase<DerivedT>& labels,
                                               const GradientCheckOptions& options = {}) {
  const CheckScope<T> scope(net, options);
  std::vector<NamedMatrix<T>> result;
  const T h = static_cast<T>(options.h);
  for (const Param<T>& p : net.params()) {
    Matrix<T> grad(p.value->rows(), p.value->cols());
    for (Index i = 0; i < p.value->size(); ++i) {
      T& element = p.value->data()[i];
      const T original = element;
      element = original + h;
      const T plus = net.loss(x, labels, true);
      element = original - h;
      const T minus = net.loss(x, labels, true);
      element = original;
      grad.data()[i] = (plus - minus) / (2 * h);
    }
    result.push_back({p.name, std::move(grad)});
  }
  return result;
}

struct GradientDifference {
  std::string name;
  double max_abs = 0;       // max |backprop - numerical|
  double max_relative = 0;  // max |b - n| / max(|b|, |n|, relative_floor)
};

// Backprop against the numerical gradient on the same batch, with the same
// dropout masks: one row per parameter.
template <typename T, typename DerivedX, typename DerivedT>
std::vector<GradientDifference> compare_gradients(Sequential<T>& net,
                                                  const Eigen::MatrixBase<DerivedX>& x,
                                                  const Eigen::MatrixBase<DerivedT>& labels,
                                                  const GradientCheckOptions& options = {}) {
  {
    const CheckScope<T> scope(net, options);
    net.gradient(x, labels);
  }
  const std::vector<NamedMatrix<T>> numerical = numerical_gradient(net, x, labels, options);
  std::vector<GradientDifference> rows;
  for (std::size_t k = 0; k < numerical.size(); ++k) {
    const Matrix<T>& backprop = *net.params()[k].grad;
    GradientDifference row{numerical[k].name};
    for (Index i = 0; i < backprop.size(); ++i) {
      const double b = static_cast<double>(backprop.data()[i]);
      const double n = static_cast<double>(numerical[k].value.data()[i]);
      const double diff = std::abs(b - n);
      row.max_abs = std::max(row.max_abs, diff);
      row.max_relative = std::max(
          row.max_relative, diff / std::max({std::abs(b), std::abs(n), options.relative_floor}));
    }
    rows.push_back(row);
  }
  return rows;
}

inline std::ostream& operator<<(std::ostream& out, const std::vector<GradientDifference>& rows) {
  out << std::left << std::setw(10) << "param" << std::right << std::setw(14) << "max abs"
      << std::setw(14) << "max rel"
      << "\n";
  for (const GradientDifference& row : rows) {
    out << std::left << std::setw(10) << row.name << std::right << std::scientific
        << std::setprecision(3) << std::setw(14) << row.max_abs << std::setw(14) << row.max_relative
        << "\n";
  }
  return out << std::defaultfloat;
}

}  // namespace scratchnet
