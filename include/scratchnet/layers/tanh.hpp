// Hyperbolic tangent. Backward uses the output alone: tanh' = 1 - tanh^2.
#pragma once

#include <string>

#include "scratchnet/layers/layer_kind.hpp"

namespace scratchnet {

template <typename T>
class Tanh : public Layer<T> {
 public:
  static LayerKind<T> layer_kind() { return kind_without_arguments<T, Tanh>("tanh"); }
  std::string kind() const override { return "tanh"; }
  bool is_activation() const override { return true; }

  // y = tanh(x)
  const Matrix<T>& forward(const Matrix<T>& x, bool /*train*/) override {
    out_ = x.array().tanh().matrix();
    return out_;
  }

  // dx = dout * (1 - y^2)
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    dx_ = (dout.array() * (T(1) - out_.array().square())).matrix();
    return dx_;
  }

 private:
  Matrix<T> out_, dx_;
};

}  // namespace scratchnet
