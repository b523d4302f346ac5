// Logistic sigmoid. Backward uses the output alone, as the book does.
#pragma once

#include <string>

#include "scratchnet/layers/layer_kind.hpp"

namespace scratchnet {

template <typename T>
class Sigmoid : public Layer<T> {
 public:
  static LayerKind<T> layer_kind() { return kind_without_arguments<T, Sigmoid>("sigmoid"); }
  std::string kind() const override { return "sigmoid"; }
  bool is_activation() const override { return true; }

  // y = 1 / (1 + exp(-x))
  const Matrix<T>& forward(const Matrix<T>& x, bool /*train*/) override {
    out_ = (T(1) + (-x.array()).exp()).inverse().matrix();
    return out_;
  }

  // dx = dout * (1 - y) * y
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    dx_ = (dout.array() * (T(1) - out_.array()) * out_.array()).matrix();
    return dx_;
  }

 private:
  Matrix<T> out_, dx_;
};

}  // namespace scratchnet
