// Affine (fully connected) layer, y = x W + b, with W of shape inputs x
// outputs and b a row of outputs values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/parallel.hpp"
#include "scratchnet/layers/layer_kind.hpp"
#include "scratchnet/layers/max_norm.hpp"
#include "scratchnet/layers/weighted_layer.hpp"

namespace scratchnet {

template <typename T>
class Affine : public WeightedLayer<T> {
  using WeightedLayer<T>::input_gradient_;

 public:
  // W: inputs x outputs, b: 1 x outputs.
  using WeightedLayer<T>::W;
  using WeightedLayer<T>::b;
  using WeightedLayer<T>::dW;
  using WeightedLayer<T>::db;

  Affine(Index inputs, Index outputs) {
    require(inputs > 0 && outputs > 0, "affine",
            "needs positive sizes, got " + std::to_string(inputs) + " inputs and " +
                std::to_string(outputs) + " outputs");
    W = dW = Matrix<T>::Zero(inputs, outputs);
    b = db = Matrix<T>::Zero(1, outputs);
  }

  // affine(outputs), for samples of any shape (an image is taken as the
  // vector of its values, as the book's Affine reshapes it): W of inputs x
  // outputs and b.
  static LayerKind<T> layer_kind() {
    return {"affine",
            {"outputs"},
            [](const LayerConfig& config, const Shape& input) {
              return std::make_unique<Affine>(input.size(), config.whole("outputs"));
            },
            [](const LayerConfig& config, const Shape& input) {
              return (static_cast<std::uint64_t>(input.size()) + 1) *
                     static_cast<std::uint64_t>(config.whole("outputs"));
            }};
  }
  std::string kind() const override { return "affine"; }
  LayerConfig config() const override { return {{"outputs", static_cast<double>(W.cols())}}; }

  Shape output_shape(const Shape& input) const override {
    require(input.size() == W.rows(), "affine",
            "takes rows of " + std::to_string(W.rows()) + " values, gets " +
                std::to_string(input.size()));
    return Shape::vector(W.cols());
  }

  // W from the init rule (its scale from W's rows, the layer's inputs); b = 0.
  void initialize(const WeightInit& init, Rng& rng) override { init_weights(W, init, rng); }

  // A unit's incoming weights are its column of W.
  void limit_incoming_norms(double max_norm) override {
    for (Index unit = 0; unit < W.cols(); ++unit) limit_norm(W.col(unit), max_norm);
  }

  // y = x W + b
  const Matrix<T>& forward(const Matrix<T>& x, bool /*train*/) override {
    x_ = &x;
    assign_product(out_, x, W);
    // Row by row: vectorised at every optimisation level (batch_norm.hpp).
    for (Index r = 0; r < out_.rows(); ++r) out_.row(r) += b;
    return out_;
  }

  // dW = x^T dout,  db = sum over rows of dout,  dx = dout W^T
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    assign_product(dW, x_->transpose(), dout);
    db.noalias() = dout.colwise().sum();
    if (input_gradient_) assign_product(dx_, dout, W.transpose());
    return dx_;
  }

 private:
  const Matrix<T>* x_ = nullptr;
  Matrix<T> out_, dx_;
};

}  // namespace scratchnet
