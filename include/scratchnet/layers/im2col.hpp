// im2col and col2im (the book's common/util.py): the patches a filter of
// FH x FW sees, laid out so that a convolution is one matrix product.
//
// A batch holds one sample per row, C x H x W values each (core/shape.hpp).
// col has a row per value a filter reads, (c, fy, fx) in that order, and a
// column per place the filter stands, (n, oy, ox): col(k, n OH OW + oy OW +
// ox) = x[n](c, oy S + fy - P, ox S + fx - P), 0 outside the image. The
// book's col is its transpose; this way each row of col is filled in runs
// along the image's rows.
#pragma once

#include <string>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"
#include "scratchnet/core/shape.hpp"

namespace scratchnet {

struct Window {
  Index height = 1, width = 1, stride = 1, pad = 0;

  // OH = (H + 2P - FH) / S + 1 and OW likewise; throws std::invalid_argument
  // (what: ...) when the window does not fit the input.
  Shape output_shape(const Shape& input, Index channels, const std::string& what) const {
    require(height >= 1 && width >= 1 && stride >= 1 && pad >= 0, what,
            "needs a size and stride of at least 1 and a pad of at least 0");
    require(pad < height && pad < width, what,
            "pads by " + std::to_string(pad) + ", as much as its window of " +
                std::to_string(height) + "x" + std::to_string(width));
    const Index padded_h = input.height + 2 * pad, padded_w = input.width + 2 * pad;
    require(height <= padded_h && width <= padded_w, what,
            "a window of " + std::to_string(height) + "x" + std::to_string(width) +
                " does not fit an input of " + input.to_string() + " padded by " +
                std::to_string(pad));
    require((padded_h - height) % stride == 0 && (padded_w - width) % stride == 0, what,
            "stride " + std::to_string(stride) + " does not divide " +
                std::to_string(padded_h - height) + "x" + std::to_string(padded_w - width) +
                " (input " + input.to_string() + " padded by " + std::to_string(pad) +
                ", less the window): the last row or column would be left out");
    return {channels, (padded_h - height) / stride + 1, (padded_w - width) / stride + 1};
  }
};

// col = im2col(x): (C FH FW) x (N OH OW).
template <typename T>
void im2col(const Matrix<T>& x, const Shape& in, const Window& w, const Shape& out,
            Matrix<T>& col) {
  const Index positions = out.height * out.width;
  col.resize(in.channels * w.height * w.width, x.rows() * positions);
  for (Index n = 0; n < x.rows(); ++n) {
    const T* image = x.row(n).data();
    for (Index c = 0; c < in.channels; ++c) {
      for (Index fy = 0; fy < w.height; ++fy) {
        for (Index fx = 0; fx < w.width; ++fx) {
          T* to = col.row((c * w.height + fy) * w.width + fx).data() + n * positions;
          for (Index oy = 0; oy < out.height; ++oy) {
            const Index y = oy * w.stride + fy - w.pad;
            for (Index ox = 0; ox < out.width; ++ox) {
              const Index x_at = ox * w.stride + fx - w.pad;
              const bool inside = y >= 0 && y < in.height && x_at >= 0 && x_at < in.width;
              *to++ = inside ? image[(c * in.height + y) * in.width + x_at] : T(0);
            }
          }
        }
      }
    }
  }
}

// dx = col2im(dcol): each patch value added back where im2col took it from
// (a pixel under several windows gets the sum).
template <typename T>
void col2im(const Matrix<T>& dcol, const Shape& in, const Window& w, const Shape& out,
            Matrix<T>& dx) {
  const Index positions = out.height * out.width;
  const Index rows = dcol.cols() / positions;
  dx.setZero(rows, in.size());
  for (Index n = 0; n < rows; ++n) {
    T* image = dx.row(n).data();
    for (Index c = 0; c < in.channels; ++c) {
      for (Index fy = 0; fy < w.height; ++fy) {
        for (Index fx = 0; fx < w.width; ++fx) {
          const T* from = dcol.row((c * w.height + fy) * w.width + fx).data() + n * positions;
          for (Index oy = 0; oy < out.height; ++oy) {
            const Index y = oy * w.stride + fy - w.pad;
            for (Index ox = 0; ox < out.width; ++ox, ++from) {
              const Index x_at = ox * w.stride + fx - w.pad;
              if (y >= 0 && y < in.height && x_at >= 0 && x_at < in.width) {
                image[(c * in.height + y) * in.width + x_at] += *from;
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace scratchnet
