// ReLU, y = max(0, x). The gradient passes where x > 0 (the book's mask is
// x <= 0), and x > 0 exactly where y > 0, so the output serves as the mask.
#pragma once

#include <string>

#include "scratchnet/core/parallel.hpp"
#include "scratchnet/layers/layer_kind.hpp"

namespace scratchnet {

template <typename T>
class Relu : public Layer<T> {
 public:
  static LayerKind<T> layer_kind() { return kind_without_arguments<T, Relu>("relu"); }
  std::string kind() const override { return "relu"; }
  bool is_activation() const override { return true; }

  // y = max(0, x)
  const Matrix<T>& forward(const Matrix<T>& x, bool /*train*/) override {
    out_.resize(x.rows(), x.cols());
    parallel_row_blocks(x.rows(), [&](Index begin, Index count) {
      out_.middleRows(begin, count) = x.middleRows(begin, count).cwiseMax(T(0));
    });
    return out_;
  }

  // dx = dout where x > 0, else 0
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    dx_.resize(dout.rows(), dout.cols());
    parallel_row_blocks(dout.rows(), [&](Index begin, Index count) {
      dx_.middleRows(begin, count) = (out_.middleRows(begin, count).array() > T(0))
                                         .select(dout.middleRows(begin, count), T(0));
    });
    return dx_;
  }

 private:
  Matrix<T> out_, dx_;
};

}  // namespace scratchnet
