// Pooling (the book's ch07 Pooling, and its average): each channel on its
// own, a window of P x P moved by stride S (P by default); an input of
// C x H x W gives C x OH x OW (layers/im2col.hpp's Window). Padding, when
// asked for, is left out of a maximum (as torch's MaxPool2d) and counts as
// zeros in an average (torch's AvgPool2d default).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/core/parallel.hpp"
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
    require(input.size() <= std::numeric_limits<CellIndex>::max(), name(),
            "takes at most 2^31 - 1 values a sample, gets " + input.to_string());
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
    parallel_for(x.rows(), [&](Index n) {
      const T* image = x.row(n).data();
      T* out = out_.row(n).data();
      CellIndex* argmax = how_ == PoolingKind::max ? argmax_.data() + n * output_.size() : nullptr;
      if (argmax == nullptr) {
        for_each_window([&](Index at, const Cells& cells) {
          T sum = 0;
          for (Index fy = cells.fy0; fy < cells.fy1; ++fy) {
            const Index row = cells.first + fy * input_.width;
            for (Index fx = cells.fx0; fx < cells.fx1; ++fx) sum += image[row + fx];
          }
          out[at] = sum / area;
        });
      } else if (tiles()) {
        max_of_tiles(image, out, argmax);
      } else {
        for_each_window([&](Index at, const Cells& cells) {
          argmax[at] = first_maximum(image, cells);
          out[at] = image[argmax[at]];
        });
      }
    });
    return out_;
  }

  // max:     dx(argmax) += dy;  average: dx(each cell of the window) += dy / (P P)
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    // Tiles cover every input cell once: each is written there, no zeroing first.
    if (how_ == PoolingKind::max && tiles()) {
      dx_.resize(dout.rows(), input_.size());
    } else {
      dx_.setZero(dout.rows(), input_.size());
    }
    const T area = static_cast<T>(window_.height * window_.width);
    parallel_for(dout.rows(), [&](Index n) {
      const T* d = dout.row(n).data();
      T* image = dx_.row(n).data();
      if (how_ == PoolingKind::max) {
        const CellIndex* argmax = argmax_.data() + n * output_.size();
        if (!tiles()) {
          for (Index at = 0; at < output_.size(); ++at) image[argmax[at]] += d[at];
          return;
        }
        for_each_tile([&](Index at, Index first) {
          for (const Index row : {first, first + input_.width}) image[row] = image[row + 1] = 0;
          image[argmax[at]] = d[at];
        });
        return;
      }
      for_each_window([&](Index at, const Cells& cells) {
        for (Index fy = cells.fy0; fy < cells.fy1; ++fy) {
          const Index row = cells.first + fy * input_.width;
          for (Index fx = cells.fx0; fx < cells.fx1; ++fx) image[row + fx] += d[at] / area;
        }
      });
    });
    return dx_;
  }

 private:
  // An input index within one sample, whose size the constructor checks: half
  // the bytes of an Index, for the argmax written every forward and read
  // every backward.
  using CellIndex = std::int32_t;

  std::string name() const { return how_ == PoolingKind::max ? "maxpool" : "avgpool"; }

  // A window's cells inside the image: rows fy in [fy0, fy1) and columns fx
  // in [fx0, fx1) of the window, at input index first + fy W + fx (first
  // itself may lie in the padding, before the row).
  struct Cells {
    Index first, fy0, fy1, fx0, fx1;
  };

  // The first maximum of a window in its order (row by row): a later cell
  // wins only when strictly greater.
  CellIndex first_maximum(const T* image, const Cells& cells) const {
    Index best = cells.first + cells.fy0 * input_.width + cells.fx0;
    for (Index fy = cells.fy0; fy < cells.fy1; ++fy) {
      for (Index fx = cells.fx0; fx < cells.fx1; ++fx) {
        const Index at = cells.first + fy * input_.width + fx;
        if (image[at] > image[best]) best = at;
      }
    }
    return static_cast<CellIndex>(best);
  }

  // 2 x 2 windows of stride 2 without padding (the book's pooling) tile the
  // image: each input cell lies in exactly one window.
  bool tiles() const { return window_.height == 2 && window_.stride == 2 && window_.pad == 0; }

  // visit(output index, input index of the window's first cell) for every
  // tile of one row: output row r of the C OH rows reads input rows 2r, 2r + 1.
  template <typename Visit>
  void for_each_tile(const Visit& visit) const {
    for (Index row = 0; row < output_.channels * output_.height; ++row) {
      for (Index ox = 0; ox < output_.width; ++ox) {
        visit(row * output_.width + ox, 2 * (row * input_.width + ox));
      }
    }
  }

  // first_maximum of every tile, without a branch: after ReLU about half
  // the values are 0, and a branch per cell mispredicted so often that W6's
  // pooling took 4 ns a window (1 ns like this). The winner's offset in the
  // tile moves to a later cell's when that one is strictly greater. A loop
  // over the rows of its own: through for_each_tile it ran 12% slower.
  void max_of_tiles(const T* image, T* out, CellIndex* argmax) const {
    const Index width = input_.width;
    const auto below = static_cast<CellIndex>(width);
    for (Index row = 0; row < output_.channels * output_.height; ++row) {
      const T* top = image + 2 * row * width;
      const T* bottom = top + width;
      T* best = out + row * output_.width;
      CellIndex* best_at = argmax + row * output_.width;
      for (Index ox = 0; ox < output_.width; ++ox) {
        T value = top[2 * ox];
        CellIndex offset = 0;
        const auto visit = [&](T cell, CellIndex cell_offset) {
          offset += static_cast<CellIndex>(cell > value) * (cell_offset - offset);
          value = std::max(value, cell);
        };
        visit(top[2 * ox + 1], 1);
        visit(bottom[2 * ox], below);
        visit(bottom[2 * ox + 1], below + 1);
        best[ox] = value;
        best_at[ox] = static_cast<CellIndex>(2 * (row * width + ox)) + offset;
      }
    }
  }

  // visit(output index, cells) for every window of one row.
  template <typename Visit>
  void for_each_window(const Visit& visit) const {
    for (Index c = 0; c < output_.channels; ++c) {
      for (Index oy = 0; oy < output_.height; ++oy) {
        const Index y0 = oy * window_.stride - window_.pad;
        const Index fy0 = std::max<Index>(0, -y0);
        const Index fy1 = std::min(window_.height, input_.height - y0);
        for (Index ox = 0; ox < output_.width; ++ox) {
          const Index x0 = ox * window_.stride - window_.pad;
          visit((c * output_.height + oy) * output_.width + ox,
                Cells{(c * input_.height + y0) * input_.width + x0, fy0, fy1,
                      std::max<Index>(0, -x0), std::min(window_.width, input_.width - x0)});
        }
      }
    }
  }

  PoolingKind how_;
  Shape input_, output_;
  Window window_;
  std::vector<CellIndex> argmax_;
  Matrix<T> out_, dx_;
};

}  // namespace scratchnet
