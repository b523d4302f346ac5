// im2col and col2im (the book's common/util.py): the patches a filter of
// FH x FW sees, laid out so that a convolution is one matrix product.
//
// A batch holds one sample per row, C x H x W values each (core/shape.hpp).
// The col of one sample has a row per value a filter reads, (c, fy, fx) in
// that order, and a column per place the filter stands, (oy, ox):
// col(k, oy OW + ox) = x(c, oy S + fy - P, ox S + fx - P), 0 outside the
// image. The book's col is its transpose, for the whole batch at once; this
// way each row of col is filled in runs along the image's rows, and one
// sample's col (at most 450 KB in the book's networks) stays in the cache
// between im2col and the product that reads it.
//
// im2col_channels_last is the same col transposed, with the values a filter
// reads in (fy, fx, c) order: a row per window position, filled from a copy of
// the image with each pixel's C channels side by side. Its runs are the FW C
// values of FW neighbouring pixels, where im2col's are OW values of an image
// row: the longer run is the faster to copy (layers/convolution.hpp chooses).
#pragma once

#include <algorithm>
#include <string>
#include <type_traits>

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

// visit(k, first) for every (c, fy, fx) of one sample, k = (c FH + fy) FW +
// fx: x(c, fy - P, fx - P), the value the window at (0, 0) reads there, is
// at index first of the padded image (C x (H + 2P) x (W + 2P), row-major).
template <typename Visit>
void for_each_window_cell(const Shape& in, const Window& w, const Visit& visit) {
  const Index padded_h = in.height + 2 * w.pad, padded_w = in.width + 2 * w.pad;
  for (Index c = 0; c < in.channels; ++c) {
    for (Index fy = 0; fy < w.height; ++fy) {
      for (Index fx = 0; fx < w.width; ++fx) {
        visit((c * w.height + fy) * w.width + fx, (c * padded_h + fy) * padded_w + fx);
      }
    }
  }
}

// step(i, j) for every window position (oy, ox): i = oy OW + ox in a row of
// col, j = oy S (W + 2P) + ox S from the cell's first value in the padded
// image. kStride fixes S at compile time (0: stride), so that stride 1's
// loop over ox is a run the compiler vectorises.
template <Index kStride, typename Step>
void for_each_position_strided(Index stride, Index padded_w, const Shape& out, const Step& step) {
  const Index s = kStride > 0 ? kStride : stride;
  for (Index oy = 0; oy < out.height; ++oy) {
    for (Index ox = 0; ox < out.width; ++ox) step(oy * out.width + ox, (oy * padded_w + ox) * s);
  }
}
template <typename Step>
void for_each_position(const Shape& in, const Window& w, const Shape& out, const Step& step) {
  const Index padded_w = in.width + 2 * w.pad;
  if (w.stride == 1) {
    for_each_position_strided<1>(1, padded_w, out, step);
  } else {
    for_each_position_strided<0>(w.stride, padded_w, out, step);
  }
}

// The image's rows inside the padded image of for_each_window_cell.
template <typename T>
auto padded_interior(Matrix<T>& padded, const Shape& in, Index pad, Index c) {
  return padded.block(c * (in.height + 2 * pad) + pad, pad, in.height, in.width);
}

template <typename T>
using ImageRows = Eigen::Map<Matrix<T>>;

}  // namespace detail

// col = im2col(image) for one sample: (C FH FW) x (OH OW), row-major;
// padded is the room for the padded image (unused when P = 0): only the image
// is written into it, so its border is zeroed only when it gets its size, and
// it must not be used for anything else in between.
template <typename T>
void im2col(const T* image, const Shape& in, const Window& w, const Shape& out, Matrix<T>& padded,
            Matrix<T>& col) {
  col.resize(in.channels * w.height * w.width, out.spatial_size());
  const T* source = image;
  if (w.pad > 0) {
    const Index rows = in.channels * (in.height + 2 * w.pad), cols = in.width + 2 * w.pad;
    if (padded.rows() != rows || padded.cols() != cols) padded.setZero(rows, cols);
    for (Index c = 0; c < in.channels; ++c) {
      detail::padded_interior(padded, in, w.pad, c) =
          Eigen::Map<const Matrix<T>>(image + c * in.spatial_size(), in.height, in.width);
    }
    source = padded.data();
  }
  detail::for_each_window_cell(in, w, [&](Index k, Index first) {
    T* to = col.row(k).data();
    const T* from = source + first;
    detail::for_each_position(in, w, out, [&](Index i, Index j) { to[i] = from[j]; });
  });
}

// image += col2im(dcol) for one sample: each patch value added back where
// im2col took it from (a pixel under several windows gets the sum).
template <typename T>
void col2im_add(const Matrix<T>& dcol, const Shape& in, const Window& w, const Shape& out,
                Matrix<T>& padded, T* image) {
  T* target = image;
  if (w.pad > 0) {
    padded.setZero(in.channels * (in.height + 2 * w.pad), in.width + 2 * w.pad);
    target = padded.data();
  }
  detail::for_each_window_cell(in, w, [&](Index k, Index first) {
    const T* from = dcol.row(k).data();
    T* to = target + first;
    detail::for_each_position(in, w, out, [&](Index i, Index j) { to[j] += from[i]; });
  });
  if (w.pad == 0) return;
  for (Index c = 0; c < in.channels; ++c) {
    detail::ImageRows<T>(image + c * in.spatial_size(), in.height, in.width) +=
        detail::padded_interior(padded, in, w.pad, c);
  }
}

namespace detail {

// The image (C x H x W) with each pixel's channels side by side, padded by P:
// (H + 2P) x ((W + 2P) C). Only the interior is written, so the border is
// zeroed only when the matrix gets its size.
template <typename T>
auto channels_last_interior(Matrix<T>& padded, const Shape& in, Index pad, Index y) {
  return Eigen::Map<Matrix<T>>(padded.row(y + pad).data() + pad * in.channels, in.width,
                               in.channels);
}
// Row y of every channel of an image: C x W.
template <typename Value>
auto image_row(Value* image, const Shape& in, Index y) {
  using Rows = std::conditional_t<std::is_const_v<Value>, const Matrix<std::remove_const_t<Value>>,
                                  Matrix<Value>>;
  return Eigen::Map<Rows, 0, Eigen::OuterStride<>>(image + y * in.width, in.channels, in.width,
                                                   Eigen::OuterStride<>(in.spatial_size()));
}

// run(p, fy, first) for every window position p = oy OW + ox and filter row
// fy: its FW C values start at index first of the channels-last padded image.
template <typename Run>
void for_each_channels_last_run(const Shape& in, const Window& w, const Shape& out,
                                const Run& run) {
  const Index row_values = (in.width + 2 * w.pad) * in.channels;
  for (Index oy = 0; oy < out.height; ++oy) {
    for (Index ox = 0; ox < out.width; ++ox) {
      for (Index fy = 0; fy < w.height; ++fy) {
        run(oy * out.width + ox, fy,
            (oy * w.stride + fy) * row_values + ox * w.stride * in.channels);
      }
    }
  }
}

}  // namespace detail

// col = im2col_channels_last(image) for one sample: (OH OW) x (FH FW C),
// row-major, col(oy OW + ox, (fy FW + fx) C + c) = x(c, oy S + fy - P, ox S + fx - P).
template <typename T>
void im2col_channels_last(const T* image, const Shape& in, const Window& w, const Shape& out,
                          Matrix<T>& padded, Matrix<T>& col) {
  const Index run_length = w.width * in.channels;
  col.resize(out.spatial_size(), w.height * run_length);
  const Index rows = in.height + 2 * w.pad, cols = (in.width + 2 * w.pad) * in.channels;
  if (padded.rows() != rows || padded.cols() != cols) padded.setZero(rows, cols);
  for (Index y = 0; y < in.height; ++y) {
    detail::channels_last_interior(padded, in, w.pad, y) =
        detail::image_row(image, in, y).transpose();
  }
  detail::for_each_channels_last_run(in, w, out, [&](Index p, Index fy, Index first) {
    std::copy_n(padded.data() + first, run_length, col.row(p).data() + fy * run_length);
  });
}

// image += col2im_channels_last(dcol) for one sample, dcol laid out as
// im2col_channels_last's col; padded is room for the channels-last gradient.
template <typename T>
void col2im_channels_last_add(const Matrix<T>& dcol, const Shape& in, const Window& w,
                              const Shape& out, Matrix<T>& padded, T* image) {
  using Run = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
  using ConstRun = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;
  const Index run_length = w.width * in.channels;
  padded.setZero(in.height + 2 * w.pad, (in.width + 2 * w.pad) * in.channels);
  detail::for_each_channels_last_run(in, w, out, [&](Index p, Index fy, Index first) {
    Run(padded.data() + first, run_length) +=
        ConstRun(dcol.row(p).data() + fy * run_length, run_length);
  });
  for (Index y = 0; y < in.height; ++y) {
    detail::image_row(image, in, y) +=
        detail::channels_last_interior(padded, in, w.pad, y).transpose();
  }
}

}  // namespace scratchnet
