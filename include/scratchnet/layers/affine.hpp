// Affine (fully connected) layer, y = x W + b, with W of shape inputs x
// outputs and b a row of outputs values.
#pragma once

#include <string>

#include "scratchnet/core/parallel.hpp"
#include "scratchnet/layers/layer.hpp"

namespace scratchnet {

template <typename T>
class Affine : public Layer<T> {
 public:
  Affine(Index inputs, Index outputs)
      : W(Matrix<T>::Zero(inputs, outputs)),
        b(Matrix<T>::Zero(1, outputs)),
        dW(Matrix<T>::Zero(inputs, outputs)),
        db(Matrix<T>::Zero(1, outputs)) {}

  // The first layer of a network needs no dx: skipping it saves a product as
  // large as the one for dW.
  void set_input_gradient(bool needed) { input_gradient_ = needed; }

  // y = x W + b
  const Matrix<T>& forward(const Matrix<T>& x, bool /*train*/) override {
    x_ = &x;
    assign_product(out_, x, W);
    out_.rowwise() += b.row(0);
    return out_;
  }

  // dW = x^T dout,  db = sum over rows of dout,  dx = dout W^T
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    assign_product(dW, x_->transpose(), dout);
    db.noalias() = dout.colwise().sum();
    if (input_gradient_) assign_product(dx_, dout, W.transpose());
    return dx_;
  }

  void append_params(ParamList<T>& params, int position) override {
    const std::string n = std::to_string(position);
    params.push_back({"W" + n, &W, &dW});
    params.push_back({"b" + n, &b, &db});
  }

  Matrix<T> W, b, dW, db;

 private:
  const Matrix<T>* x_ = nullptr;
  Matrix<T> out_, dx_;
  bool input_gradient_ = true;
};

}  // namespace scratchnet
