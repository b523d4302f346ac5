// Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms
// for Convolutional Neural Networks", 2016): a 3 x 3 convolution of stride 1
// computed on 4 x 4 tiles of the padded input, each giving a 2 x 2 tile of the
// output with 16 multiplications per channel and filter instead of 36:
//
//   Y = A^T [ sum over c of (G g G^T) .* (B^T d B) ] A
//
// g a filter's 3 x 3 values on channel c, d the tile on channel c, .* the
// element-wise product. The sums over c are 16 matrix products, one per cell
// (i, j) of the 4 x 4 transformed tile: M_ij = U_ij V_ij, U_ij (filters x C)
// the transformed filters, V_ij (C x tiles) the transformed tiles. The same
// numbers as im2col's product up to float rounding (the transforms add and
// halve), with 2.25 times fewer multiplications.
//
// The input is transformed from a channels-last copy of the image (the C
// values of one pixel side by side), so every step of the transform is a run
// of C values; the output transforms run along the tiles of several samples
// (layers/winograd_tiles.hpp).
#pragma once

#include <algorithm>

#include "scratchnet/core/matrix.hpp"
#include "scratchnet/core/shape.hpp"
#include "scratchnet/layers/im2col.hpp"
#include "scratchnet/layers/winograd_tiles.hpp"

namespace scratchnet {

template <typename T>
class Winograd3x3 {
 public:
  // A thread's buffers, sized at first use and kept between batches.
  struct Workspace {
    Matrix<T> padded;  // the image channels-last, zero border
    Matrix<T> V;       // row (i 4 + j) tiles_per_group + t: B^T d B at (i, j) of tile t, C values
    Matrix<T> M;       // row (i 4 + j) filters + f: M_ij's row f over the group's tiles
    Matrix<T> Z;       // as M: (A dy A^T)(i, j) of every filter and tile
    Matrix<T> tiles;   // row 2 a + b: the value at (a, b) of each of the group's 2 x 2 tiles
  };

  // Convolves inputs of `input` with `filters` filters of 3 x 3 padded by pad.
  Winograd3x3(const Shape& input, Index filters, Index pad)
      : input_(input),
        filters_(filters),
        pad_(pad),
        output_{filters, input.height + 2 * pad - 2, input.width + 2 * pad - 2},
        tile_rows_((output_.height + 1) / 2),
        tile_cols_((output_.width + 1) / 2),
        samples_per_group_(std::max<Index>(1, kTilesPerGroup / (tile_rows_ * tile_cols_))) {}

  // U_ij = (G g G^T)(i, j) for every filter and channel. g is row f of W (C x
  // 3 x 3 values) or, for the gradient of a convolution's input (rotated),
  // filter c of W rotated by 180 degrees with filters and channels swapped:
  // g(f, c, y, x) = W(c, f, 2 - y, 2 - x).
  void set_filters(const Matrix<T>& W, bool rotated) {
    U_.resize(16 * filters_, input_.channels);
    for (Index f = 0; f < filters_; ++f) {
      for (Index c = 0; c < input_.channels; ++c) {
        T u[16];
        winograd::transform_filter(
            [&](int y, int x) {
              return rotated ? W(c, f * 9 + (2 - y) * 3 + (2 - x)) : W(f, c * 9 + y * 3 + x);
            },
            u);
        for (int ij = 0; ij < 16; ++ij) U_(ij * filters_ + f, c) = u[ij];
      }
    }
  }

  // out.row(n) = the convolution of x.row(n) (+ bias(f) on filter f's
  // outputs when bias is not null), for n in [first, end).
  void convolve(const Matrix<T>& x, Index first, Index end, const T* bias, Matrix<T>& out,
                Workspace& work) const {
    work.M.resize(16 * filters_, group_tiles());
    for_each_group(x, first, end, work, [&](Index n, Index samples, Index used) {
      for (Index ij = 0; ij < 16; ++ij) {
        work.M.block(ij * filters_, 0, filters_, used).noalias() =
            U_.middleRows(ij * filters_, filters_) *
            work.V.middleRows(ij * group_tiles(), used).transpose();
      }
      transform_output(bias, out, n, samples, work);
    });
  }

  // The gradient of the filters: with U = G g G^T,
  //   dL/dU_ij = sum over tiles of (A dy A^T)(i, j) V_ij,  dL/dg = G^T (dL/dU) G
  // accumulate_filter_gradient adds the sums over the tiles of samples [first,
  // end) to dU (16 filters x C, U's layout); filter_gradient turns dU into dW
  // (filters x (C 3 3), W's layout).
  void accumulate_filter_gradient(const Matrix<T>& x, const Matrix<T>& dy, Index first, Index end,
                                  Matrix<T>& dU, Workspace& work) const {
    work.Z.resize(16 * filters_, group_tiles());
    for_each_group(x, first, end, work, [&](Index n, Index samples, Index used) {
      transform_output_gradient(dy, n, samples, work);
      for (Index ij = 0; ij < 16; ++ij) {
        dU.middleRows(ij * filters_, filters_).noalias() +=
            work.Z.block(ij * filters_, 0, filters_, used) *
            work.V.middleRows(ij * group_tiles(), used);
      }
    });
  }

  void filter_gradient(const Matrix<T>& dU, Matrix<T>& dW) const {
    dW.resize(filters_, input_.channels * 9);
    for (Index f = 0; f < filters_; ++f) {
      for (Index c = 0; c < input_.channels; ++c) {
        winograd::transform_filter_gradient(
            [&](int i, int j) { return dU((4 * i + j) * filters_ + f, c); }, &dW(f, c * 9));
      }
    }
  }

 private:
  // Enough tiles per product to keep Eigen's kernel busy, few enough for V and
  // M to stay in a core's cache (bench: 256 to 512 alike, 128 and 1024 slower).
  static constexpr Index kTilesPerGroup = 256;

  Index group_tiles() const { return samples_per_group_ * tile_rows_ * tile_cols_; }

  // body(n, samples, used) for each group of samples n to n + samples - 1 in
  // [first, end), after their input tiles are transformed into work.V; used
  // is the group's number of tiles.
  template <typename Body>
  void for_each_group(const Matrix<T>& x, Index first, Index end, Workspace& work,
                      const Body& body) const {
    const Index tiles = tile_rows_ * tile_cols_;
    work.V.resize(16 * group_tiles(), input_.channels);
    work.tiles.resize(4, group_tiles());
    for (Index n = first; n < end; n += samples_per_group_) {
      const Index samples = std::min(samples_per_group_, end - n);
      for (Index s = 0; s < samples; ++s) transform_input(x.row(n + s).data(), s * tiles, work);
      body(n, samples, samples * tiles);
    }
  }

  // V(ij, t) = (B^T d B)(i, j) for every tile t of one sample, t numbered from
  // first_tile, d the tile's 4 x 4 values on every channel.
  void transform_input(const T* image, Index first_tile, Workspace& work) const {
    const Index channels = input_.channels;
    const Index rows = 2 * tile_rows_ + 2, row_values = (2 * tile_cols_ + 2) * channels;
    if (work.padded.rows() != rows || work.padded.cols() != row_values) {
      work.padded.setZero(rows, row_values);
    }
    for (Index y = 0; y < input_.height; ++y) {
      detail::channels_last_interior(work.padded, input_, pad_, y) =
          detail::image_row(image, input_, y).transpose();
    }
    for (Index ty = 0; ty < tile_rows_; ++ty) {
      for (Index tx = 0; tx < tile_cols_; ++tx) {
        const Index t = first_tile + ty * tile_cols_ + tx;
        winograd::input_tile(work.padded.data() + 2 * ty * row_values + 2 * tx * channels,
                             row_values, channels, work.V.data() + t * channels,
                             group_tiles() * channels);
      }
    }
  }

  // Rows n to n + samples - 1 of out from M: per filter, the four outputs of
  // every tile of the group, then interleaved into each sample's rows.
  void transform_output(const T* bias, Matrix<T>& out, Index n, Index samples,
                        Workspace& work) const {
    const Index tiles = tile_rows_ * tile_cols_, stride = work.tiles.cols();
    for (Index f = 0; f < filters_; ++f) {
      winograd::output_tiles(work.M.row(f).data(), filters_ * work.M.cols(), samples * tiles,
                             bias != nullptr ? bias[f] : T(0), work.tiles.data(), stride);
      for (Index s = 0; s < samples; ++s) {
        T* plane = out.row(n + s).data() + f * output_.spatial_size();
        for (Index oy = 0; oy < output_.height; ++oy) {
          const T* left = work.tiles.row(2 * (oy % 2)).data() + s * tiles + (oy / 2) * tile_cols_;
          winograd::interleave(left, left + stride, output_.width, plane + oy * output_.width);
        }
      }
    }
  }

  // Z(ij, f, t) = (A dy A^T)(i, j) for every filter f and tile t of the
  // group's samples, rows n to n + samples - 1 of dy: each filter's output
  // gradient cut into its 2 x 2 tiles (0 past an odd edge), then transformed.
  void transform_output_gradient(const Matrix<T>& dy, Index n, Index samples,
                                 Workspace& work) const {
    const Index tiles = tile_rows_ * tile_cols_, stride = work.tiles.cols();
    for (Index f = 0; f < filters_; ++f) {
      for (Index s = 0; s < samples; ++s) {
        const T* plane = dy.row(n + s).data() + f * output_.spatial_size();
        for (Index oy = 0; oy < 2 * tile_rows_; ++oy) {
          T* left = work.tiles.row(2 * (oy % 2)).data() + s * tiles + (oy / 2) * tile_cols_;
          winograd::deinterleave(oy < output_.height ? plane + oy * output_.width : nullptr,
                                 output_.width, left, left + stride, tile_cols_);
        }
      }
      winograd::gradient_tiles(work.tiles.data(), stride, samples * tiles, work.Z.row(f).data(),
                               filters_ * work.Z.cols());
    }
  }

  Shape input_;
  Index filters_, pad_;
  Shape output_;
  Index tile_rows_, tile_cols_, samples_per_group_;
  Matrix<T> U_;  // row (i 4 + j) filters + f: U_ij's row f, C values
};

}  // namespace scratchnet
