// Pooling (the book's ch07 Pooling, and its average): each channel on its
// own, a window of P x P moved by stride S (P by default); an input of
// C x H x W gives C x OH x OW (layers/im2col.hpp's Window). Padding, when
// asked for, is left out of a maximum (as torch's MaxPool2d) and counts as
// zeros in an average (torch's AvgPool2d default).
#pragma once

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/layers/im2col.hpp"
#include "scratchnet/layers/layer_kind.hpp"

namespace scratchnet {

enum class PoolingKind { max, average };

template <typename T>
class Pooling : public Layer<T> {
 public:
  Pooling(PoolingKind how, const Shape& input, Index size, Index stride, Index pad = 0)
      : how_(how), input_(input), window_{size, size, stride, pad} {
    output_ = window_.output_shape(input, input.channels, name());
  }

  // maxpool(size, stride = size, pad = 0) and avgpool(...).
  static LayerKind<T> layer_kind(PoolingKind how) {
    return {how == PoolingKind::max ? "maxpool" : "avgpool",
            {"size", "stride", "pad"},
            [how](const LayerConfig& config, const Shape& input) {
              const Index size = config.whole("size");
              return std::make_unique<Pooling>(how, input, size, config.whole_or("stride", size),
                                               config.whole_or("pad", 0, 0));
            }};
  }
  std::string kind() const override { return name(); }
  LayerConfig config() const override {
    LayerConfig config{{"size", static_cast<double>(window_.height)}};
    if (window_.stride != window_.height) config.set("stride", static_cast<double>(window_.stride));
    if (window_.pad != 0) config.set("pad", static_cast<double>(window_.pad));
    return config;
  }

  Shape output_shape(const Shape& input) const override {
    require(input == input_, name(),
            "was made for inputs of " + input_.to_string() + ", gets " + input.to_string());
    return output_;
  }

  // max:     y(c, oy, ox) = max over the window of x(c, y, x), argmax kept;
  // average: y(c, oy, ox) = sum over the window of x(c, y, x) / (P P)
  const Matrix<T>& forward(const Matrix<T>& x, bool /*train*/) override {
    out_.resize(x.rows(), output_.size());
    if (how_ == PoolingKind::max) argmax_.resize(static_cast<std::size_t>(out_.size()));
    const T area = static_cast<T>(window_.height * window_.width);
    for_each_window(x.rows(), [&](Index n, Index at, Index channel_base, Index y0, Index x0) {
      const T* image = x.row(n).data();
      T best = -std::numeric_limits<T>::infinity(), sum = 0;
      Index best_at = -1;
      for (Index fy = 0; fy < window_.height; ++fy) {
        const Index y = y0 + fy;
        if (y < 0 || y >= input_.height) continue;
        for (Index fx = 0; fx < window_.width; ++fx) {
          const Index xi = x0 + fx;
          if (xi < 0 || xi >= input_.width) continue;
          const Index from = channel_base + y * input_.width + xi;
          const T v = image[from];
          sum += v;
          if (v > best || best_at < 0) {  // strictly greater: the first maximum wins
            best = v;
            best_at = from;
          }
        }
      }
      if (how_ == PoolingKind::max) {
        out_(n, at) = best;
        argmax_[static_cast<std::size_t>(n * output_.size() + at)] = best_at;
      } else {
        out_(n, at) = sum / area;
      }
    });
    return out_;
  }

  // max:     dx(argmax) += dy;  average: dx(each cell of the window) += dy / (P P)
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    dx_.setZero(dout.rows(), input_.size());
    const T area = static_cast<T>(window_.height * window_.width);
    for_each_window(dout.rows(), [&](Index n, Index at, Index channel_base, Index y0, Index x0) {
      const T d = dout(n, at);
      T* image = dx_.row(n).data();
      if (how_ == PoolingKind::max) {
        image[argmax_[static_cast<std::size_t>(n * output_.size() + at)]] += d;
        return;
      }
      for (Index fy = 0; fy < window_.height; ++fy) {
        const Index y = y0 + fy;
        if (y < 0 || y >= input_.height) continue;
        for (Index fx = 0; fx < window_.width; ++fx) {
          const Index xi = x0 + fx;
          if (xi >= 0 && xi < input_.width) image[channel_base + y * input_.width + xi] += d / area;
        }
      }
    });
    return dx_;
  }

 private:
  std::string name() const { return how_ == PoolingKind::max ? "maxpool" : "avgpool"; }

  // visit(n, output index, offset of the channel in the input row, top, left)
  // for every window of every row.
  template <typename Visit>
  void for_each_window(Index rows, const Visit& visit) const {
    for (Index n = 0; n < rows; ++n) {
      for (Index c = 0; c < output_.channels; ++c) {
        const Index channel_base = c * input_.spatial_size();
        for (Index oy = 0; oy < output_.height; ++oy) {
          for (Index ox = 0; ox < output_.width; ++ox) {
            visit(n, (c * output_.height + oy) * output_.width + ox, channel_base,
                  oy * window_.stride - window_.pad, ox * window_.stride - window_.pad);
          }
        }
      }
    }
  }

  PoolingKind how_;
  Shape input_, output_;
  Window window_;
  std::vector<Index> argmax_;
  Matrix<T> out_, dx_;
};

}  // namespace scratchnet
