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

#include <algorithm>
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

namespace detail {

// The output columns ox whose input column ox S + fx - P is inside the image:
// [first, last).
struct ValidColumns {
  Index first, last;
};
inline ValidColumns valid_columns(const Window& w, Index fx, Index in_width, Index out_width) {
  const Index before = w.pad - fx;  // input column -before is x = 0's left edge
  const Index first = before <= 0 ? 0 : (before + w.stride - 1) / w.stride;
  const Index reach = in_width - 1 + w.pad - fx;
  const Index last = reach < 0 ? 0 : std::min(out_width, reach / w.stride + 1);
  return {std::min(first, last), last};
}

// Calls visit(n, k, column, from, shift, valid) for every (n, c, fy, fx, oy):
// row k of col holds out.width values from column `column` on; those at ox in
// [valid.first, valid.last) come from index from + shift + ox S of input row
// n, the others are padding (all of them when from is -1: the input row is
// in the padding).
template <typename Visit>
void for_each_patch_row(Index rows, const Shape& in, const Window& w, const Shape& out,
                        const Visit& visit) {
  for (Index n = 0; n < rows; ++n) {
    for (Index c = 0; c < in.channels; ++c) {
      for (Index fy = 0; fy < w.height; ++fy) {
        for (Index fx = 0; fx < w.width; ++fx) {
          const Index k = (c * w.height + fy) * w.width + fx;
          const ValidColumns valid = valid_columns(w, fx, in.width, out.width);
          for (Index oy = 0; oy < out.height; ++oy) {
            const Index y = oy * w.stride + fy - w.pad;
            const Index column = (n * out.height + oy) * out.width;
            const Index from = y >= 0 && y < in.height ? (c * in.height + y) * in.width : -1;
            visit(n, k, column, from, fx - w.pad, valid);
          }
        }
      }
    }
  }
}

}  // namespace detail

// col = im2col(x): (C FH FW) x (N OH OW).
template <typename T>
void im2col(const Matrix<T>& x, const Shape& in, const Window& w, const Shape& out,
            Matrix<T>& col) {
  col.resize(in.channels * w.height * w.width, x.rows() * out.height * out.width);
  detail::for_each_patch_row(
      x.rows(), in, w, out,
      [&](Index n, Index k, Index column, Index from, Index shift, detail::ValidColumns valid) {
        T* to = col.row(k).data() + column;
        if (from < 0) {
          std::fill(to, to + out.width, T(0));
          return;
        }
        const T* image = x.row(n).data();
        const Index start = from + shift;  // the input index of ox = 0, maybe in the padding
        std::fill(to, to + valid.first, T(0));
        if (w.stride == 1) {
          std::copy(image + start + valid.first, image + start + valid.last, to + valid.first);
        } else {
          for (Index ox = valid.first; ox < valid.last; ++ox) to[ox] = image[start + ox * w.stride];
        }
        std::fill(to + valid.last, to + out.width, T(0));
      });
}

// dx = col2im(dcol): each patch value added back where im2col took it from
// (a pixel under several windows gets the sum).
template <typename T>
void col2im(const Matrix<T>& dcol, const Shape& in, const Window& w, const Shape& out,
            Matrix<T>& dx) {
  const Index rows = dcol.cols() / (out.height * out.width);
  dx.setZero(rows, in.size());
  detail::for_each_patch_row(
      rows, in, w, out,
      [&](Index n, Index k, Index column, Index from, Index shift, detail::ValidColumns valid) {
        if (from < 0) return;
        const T* patch = dcol.row(k).data() + column;
        T* image = dx.row(n).data();
        const Index start = from + shift;
        if (w.stride == 1) {  // a run of the image row: vectorised
          const Index count = valid.last - valid.first;
          Eigen::Map<RowVector<T>>(image + start + valid.first, count) +=
              Eigen::Map<const RowVector<T>>(patch + valid.first, count);
        } else {
          for (Index ox = valid.first; ox < valid.last; ++ox) {
            image[start + ox * w.stride] += patch[ox];
          }
        }
      });
}

}  // namespace scratchnet
