// Convolution (the book's ch07 Convolution): FN filters of C x FH x FW with a
// bias each, moved by stride S over the input padded by P on every side; an
// input of C x H x W gives FN x OH x OW (layers/im2col.hpp). As the book,
// on im2col and one matrix product: W holds a filter per row, C FH FW values
// in (c, fy, fx) order. A layer on many channels multiplies the col of
// im2col_channels_last instead, with a copy of W in its (fy, fx, c) order;
// a 3 x 3 layer of stride 1 on many channels computes its output and both
// gradients with Winograd's F(2x2, 3x3) (layers/winograd.hpp) and no col.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scratchnet/core/parallel.hpp"
#include "scratchnet/layers/im2col.hpp"
#include "scratchnet/layers/layer_kind.hpp"
#include "scratchnet/layers/max_norm.hpp"
#include "scratchnet/layers/row_dot_products.hpp"
#include "scratchnet/layers/weighted_layer.hpp"
#include "scratchnet/layers/winograd.hpp"

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
    channels_last_ = size * input.channels > output_.width;
    if (size == 3 && stride == 1 && input.channels >= kWinogradChannels) {
      winograd_.emplace(input, filters, pad);
      // dx is the convolution of dy, padded by 2 - P, with W's filters
      // rotated by 180 degrees and filters and channels swapped.
      winograd_input_gradient_.emplace(output_, input.channels, 2 - pad);
    }
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

  // Whether the col has a row per window position (im2col_channels_last)
  // rather than one per filter value (im2col).
  bool uses_channels_last_col() const { return channels_last_; }
  // Whether the output and the input's gradient come from Winograd3x3.
  bool uses_winograd() const { return winograd_.has_value(); }

  // W from the init rule with the fan-in C FH FW; b = 0.
  void initialize(const WeightInit& init, Rng& rng) override {
    rng.fill_normal(W, init.stddev(W.cols()));
  }

  // A unit's incoming weights are its filter: a row of W.
  void limit_incoming_norms(double max_norm) override {
    for (Index filter = 0; filter < W.rows(); ++filter) limit_norm(W.row(filter), max_norm);
  }

  // col = im2col(x[n]),  y[n](f, oy, ox) = (W col)(f, (oy, ox)) + b(f)
  const Matrix<T>& forward(const Matrix<T>& x, bool /*train*/) override {
    x_ = &x;
    out_.resize(x.rows(), output_.size());
    if (winograd_) {
      winograd_->set_filters(W, false);
      for_each_part(x.rows(), [&](Part& part, Index first, Index end) {
        winograd_->convolve(x, first, end, b.data(), out_, part.winograd_forward);
      });
      return out_;
    }
    if (channels_last_) reorder_filters(W, filters_channels_last_, true);
    for_each_part(x.rows(), [&](Part& part, Index first, Index end) {
      for (Index n = first; n < end; ++n) {
        fill_col(x.row(n).data(), part);
        RowMap y(out_.row(n).data(), W.rows(), output_.spatial_size());
        y.colwise() = b.row(0).transpose();  // saves Eigen's zeroing of y before the product
        if (channels_last_) {
          y.noalias() += filters_channels_last_ * part.col.transpose();
        } else {
          y.noalias() += W * part.col;
        }
      }
    });
    return out_;
  }

  // dW = sum over n of dy[n] col[n]^T,  db = sum of dy over (n, oy, ox),
  // dx[n] = col2im(W^T dy[n]); with Winograd, dW from the transformed tiles
  // and dx[n] the convolution of dy[n] with W's filters rotated.
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    if (input_gradient_) dx_.resize(dout.rows(), input_.size());
    for (Part& part : parts_) {
      if (winograd_) {
        part.dW.setZero(16 * W.rows(), input_.channels);  // dL/dU, Winograd3x3's layout
      } else {
        part.dW.setZero(W.rows(), W.cols());
      }
      part.db.setZero(1, W.rows());
    }
    if (winograd_ && input_gradient_) winograd_input_gradient_->set_filters(W, true);
    for_each_part(dout.rows(), [&](Part& part, Index first, Index end) {
      if (winograd_) {
        backward_by_winograd(dout, first, end, part);
      } else {
        backward_by_col(dout, first, end, part);
      }
    });
    for (std::size_t p = 1; p < parts_.size(); ++p) {
      parts_.front().dW += parts_[p].dW;
      parts_.front().db += parts_[p].db;
    }
    if (winograd_) {
      winograd_->filter_gradient(parts_.front().dW, dW);
    } else if (channels_last_) {
      reorder_filters(parts_.front().dW, dW, false);
    } else {
      dW = parts_.front().dW;
    }
    db = parts_.front().db;
    return dx_;
  }

 private:
  static Window window_of(const LayerConfig& config) {
    const Index size = config.whole("size");
    return {size, size, config.whole_or("stride", 1), config.whole_or("pad", 0, 0)};
  }

  using RowMap = Eigen::Map<Matrix<T>>;
  using ConstRowMap = Eigen::Map<const Matrix<T>>;

  // bench/conv_layers: Winograd is as fast as a col from 8 channels in,
  // faster from 16 (DeepConvNet's layers: forward 10-27%, backward up to
  // 23%), slower on 1 to 4 channels (4 times on one channel of 28 x 28).
  static constexpr Index kWinogradChannels = 8;

  // The batch is cut into kParts parts of consecutive samples, the same
  // whatever the number of threads, each with its own col and its own sums
  // of dW and db, added in order at the end: so the parts can run on
  // different threads and the sums still do not depend on how many.
  static constexpr std::size_t kParts = 4;
  struct Part {
    Matrix<T> padded, col, dpadded, dcol, dW, db;
    typename Winograd3x3<T>::Workspace winograd_forward, winograd_backward;
  };

  ConstRowMap output_gradient(const Matrix<T>& dout, Index n) const {
    return ConstRowMap(dout.row(n).data(), W.rows(), output_.spatial_size());
  }

  // The part's sums of dW and db over samples [first, end) and their dx, from
  // the col of each sample.
  void backward_by_col(const Matrix<T>& dout, Index first, Index end, Part& part) {
    for (Index n = first; n < end; ++n) {
      const ConstRowMap dy = output_gradient(dout, n);
      fill_col(x_->row(n).data(), part);
      if (channels_last_) {
        part.dW.noalias() += dy * part.col;
      } else {
        add_row_dot_products<T>(dy, part.col, part.dW);
      }
      part.db += dy.rowwise().sum().transpose();
      if (!input_gradient_) continue;
      T* dx = dx_.row(n).data();
      std::fill_n(dx, input_.size(), T(0));
      if (channels_last_) {
        part.dcol.noalias() = dy.transpose() * filters_channels_last_;
        col2im_channels_last_add(part.dcol, input_, window_, output_, part.dpadded, dx);
      } else {
        part.dcol.noalias() = W.transpose() * dy;
        col2im_add(part.dcol, input_, window_, output_, part.dpadded, dx);
      }
    }
  }

  // The same with Winograd3x3: the part's dL/dU into part.dW.
  void backward_by_winograd(const Matrix<T>& dout, Index first, Index end, Part& part) {
    winograd_->accumulate_filter_gradient(*x_, dout, first, end, part.dW, part.winograd_forward);
    for (Index n = first; n < end; ++n) {
      part.db += output_gradient(dout, n).rowwise().sum().transpose();
    }
    if (input_gradient_) {
      winograd_input_gradient_->convolve(dout, first, end, nullptr, dx_, part.winograd_backward);
    }
  }

  // The col of sample `image` into part.col, in the layout of the layer.
  void fill_col(const T* image, Part& part) {
    if (channels_last_) {
      im2col_channels_last(image, input_, window_, output_, part.padded, part.col);
    } else {
      im2col(image, input_, window_, output_, part.padded, part.col);
    }
  }

  // to = from with each filter's values from (c, fy, fx) order to (fy, fx, c)
  // order (to_channels_last) or back.
  void reorder_filters(const Matrix<T>& from, Matrix<T>& to, bool to_channels_last) const {
    const Index channels = input_.channels, cells = window_.height * window_.width;
    to.resize(from.rows(), from.cols());
    for (Index c = 0; c < channels; ++c) {
      for (Index cell = 0; cell < cells; ++cell) {
        const Index first = c * cells + cell, last = cell * channels + c;
        to.col(to_channels_last ? last : first) = from.col(to_channels_last ? first : last);
      }
    }
  }

  // body(part, first, end) for each part's samples [first, end) of a batch
  // of `rows`, a part on one thread.
  template <typename Body>
  void for_each_part(Index rows, const Body& body) {
    const Index parts = static_cast<Index>(parts_.size());
    parallel_for(parts, [&](Index p) {
      body(parts_[static_cast<std::size_t>(p)], p * rows / parts, (p + 1) * rows / parts);
    });
  }

  Shape input_, output_;
  Window window_;
  // The col in runs of FW C values (im2col_channels_last) when they are
  // longer than im2col's runs of OW. bench/conv_layers, forward and backward:
  // 16 channels of 28 x 28 and 3 x 3 filters 6% faster, 64 channels of 8 x 8
  // 25% faster; one channel of 28 x 28 twice as slow.
  bool channels_last_ = false;
  Matrix<T> filters_channels_last_;  // W in im2col_channels_last's order
  std::optional<Winograd3x3<T>> winograd_, winograd_input_gradient_;
  const Matrix<T>* x_ = nullptr;
  std::vector<Part> parts_ = std::vector<Part>(kParts);
  Matrix<T> out_, dx_;
};

}  // namespace scratchnet
