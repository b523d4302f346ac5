// Convolution (the book's ch07 Convolution): FN filters of C x FH x FW with a
// bias each, moved by stride S over the input padded by P on every side; an
// input of C x H x W gives FN x OH x OW (layers/im2col.hpp). As the book,
// on im2col and one matrix product: W holds a filter per row, C FH FW values
// in (c, fy, fx) order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "scratchnet/core/parallel.hpp"
#include "scratchnet/layers/im2col.hpp"
#include "scratchnet/layers/layer_kind.hpp"
#include "scratchnet/layers/weighted_layer.hpp"

namespace scratchnet {

template <typename T>
class Convolution : public WeightedLayer<T> {
  using WeightedLayer<T>::input_gradient_;

 public:
  // W: filters x (C FH FW), b: 1 x filters.
  using WeightedLayer<T>::W;
  using WeightedLayer<T>::b;
  using WeightedLayer<T>::dW;
  using WeightedLayer<T>::db;

  Convolution(const Shape& input, Index filters, Index size, Index stride = 1, Index pad = 0)
      : input_(input), window_{size, size, stride, pad} {
    require(filters >= 1, "conv", "needs at least 1 filter");
    output_ = window_.output_shape(input, filters, "conv");
    const Index fan_in = input.channels * size * size;
    W = dW = Matrix<T>::Zero(filters, fan_in);
    b = db = Matrix<T>::Zero(1, filters);
  }

  // conv(filters, size, stride = 1, pad = 0): square filters.
  static LayerKind<T> layer_kind() {
    return {"conv",
            {"filters", "size", "stride", "pad"},
            [](const LayerConfig& config, const Shape& input) {
              const Window w = window_of(config);
              return std::make_unique<Convolution>(input, config.whole("filters"), w.height,
                                                   w.stride, w.pad);
            },
            [](const LayerConfig& config, const Shape& input) {
              const Index filters = config.whole("filters");
              const Window w = window_of(config);
              w.output_shape(input, filters, "conv");  // refuses what make would
              const std::uint64_t fan_in =
                  saturating_product(saturating_product(static_cast<std::uint64_t>(input.channels),
                                                        static_cast<std::uint64_t>(w.height)),
                                     static_cast<std::uint64_t>(w.width));
              const std::uint64_t weights =
                  saturating_product(static_cast<std::uint64_t>(filters), fan_in);
              return weights > UINT64_MAX - static_cast<std::uint64_t>(filters)
                         ? UINT64_MAX
                         : weights + static_cast<std::uint64_t>(filters);
            }};
  }
  std::string kind() const override { return "conv"; }
  LayerConfig config() const override {
    LayerConfig config{{"filters", static_cast<double>(W.rows())},
                       {"size", static_cast<double>(window_.height)}};
    if (window_.stride != 1) config.set("stride", static_cast<double>(window_.stride));
    if (window_.pad != 0) config.set("pad", static_cast<double>(window_.pad));
    return config;
  }

  Shape output_shape(const Shape& input) const override {
    require(input == input_, "conv",
            "was made for inputs of " + input_.to_string() + ", gets " + input.to_string());
    return output_;
  }

  // W from the init rule with the fan-in C FH FW; b = 0.
  void initialize(const WeightInit& init, Rng& rng) override {
    rng.fill_normal(W, init.stddev(W.cols()));
  }

  // col = im2col(x),  y[n](f, oy, ox) = (W col)(f, (n, oy, ox)) + b(f)
  const Matrix<T>& forward(const Matrix<T>& x, bool /*train*/) override {
    im2col(x, input_, window_, output_, col_);
    assign_product(product_, W, col_);
    const Index positions = output_.spatial_size();
    out_.resize(x.rows(), output_.size());
    for (Index n = 0; n < x.rows(); ++n) {
      RowMap(out_.row(n).data(), W.rows(), positions) =
          (product_.middleCols(n * positions, positions).colwise() + b.row(0).transpose());
    }
    return out_;
  }

  // dW = dy col^T,  db = sum of dy over (n, oy, ox),  dx = col2im(W^T dy)
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    const Index positions = output_.spatial_size();
    dproduct_.resize(W.rows(), dout.rows() * positions);
    for (Index n = 0; n < dout.rows(); ++n) {
      dproduct_.middleCols(n * positions, positions) =
          ConstRowMap(dout.row(n).data(), W.rows(), positions);
    }
    assign_product(dW, dproduct_, col_.transpose());
    db.noalias() = dproduct_.rowwise().sum().transpose();
    if (input_gradient_) {
      assign_product(dcol_, W.transpose(), dproduct_);
      col2im(dcol_, input_, window_, output_, dx_);
    }
    return dx_;
  }

 private:
  static Window window_of(const LayerConfig& config) {
    const Index size = config.whole("size");
    return {size, size, config.whole_or("stride", 1), config.whole_or("pad", 0, 0)};
  }

  using RowMap = Eigen::Map<Matrix<T>>;
  using ConstRowMap = Eigen::Map<const Matrix<T>>;

  Shape input_, output_;
  Window window_;
  Matrix<T> col_, product_, out_, dproduct_, dcol_, dx_;
};

}  // namespace scratchnet
