// The tile transforms of Winograd's F(2x2, 3x3) (layers/winograd.hpp), with
// its three matrices:
//
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   a 4 x 4 input tile d: B^T d B
//   G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]  a 3 x 3 filter g:   G g G^T
//   A^T = [1 1 1 0; 0 1 -1 -1]                      a 4 x 4 product m:  A^T m A
//
// The transforms of the gradients are their transposes: A dy A^T for a 2 x 2
// tile of the output's gradient, G^T du G for the gradient of G g G^T. Each
// function runs along many tiles (or channels) at once, one value per
// iteration, so that the compiler vectorises it.
#pragma once

#include "scratchnet/core/matrix.hpp"

// The iterations of the next loop touch different memory: the compilers
// cannot prove it of stores at run-time strides, and vectorise only with it.
#if defined(__clang__)
#define SCRATCHNET_INDEPENDENT_ITERATIONS _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define SCRATCHNET_INDEPENDENT_ITERATIONS _Pragma("GCC ivdep")
#else
#define SCRATCHNET_INDEPENDENT_ITERATIONS
#endif

namespace scratchnet::winograd {

// u[i 4 + j] = (G g G^T)(i, j), g(y, x) the filter's value at (y, x).
template <typename T, typename Filter>
void transform_filter(const Filter& g, T u[16]) {
  T rows[4][3];  // G g
  for (int x = 0; x < 3; ++x) {
    rows[0][x] = g(0, x);
    rows[1][x] = T(0.5) * (g(0, x) + g(1, x) + g(2, x));
    rows[2][x] = T(0.5) * (g(0, x) - g(1, x) + g(2, x));
    rows[3][x] = g(2, x);
  }
  for (int i = 0; i < 4; ++i) {
    const T* r = rows[i];
    u[4 * i] = r[0];
    u[4 * i + 1] = T(0.5) * (r[0] + r[1] + r[2]);
    u[4 * i + 2] = T(0.5) * (r[0] - r[1] + r[2]);
    u[4 * i + 3] = r[2];
  }
}

// g[y 3 + x] = (G^T du G)(y, x), du(i, j) the gradient of (G g G^T)(i, j).
template <typename T, typename Gradient>
void transform_filter_gradient(const Gradient& du, T g[9]) {
  T rows[3][4];  // G^T du
  for (int j = 0; j < 4; ++j) {
    const T half_sum = T(0.5) * (du(1, j) + du(2, j));
    rows[0][j] = du(0, j) + half_sum;
    rows[1][j] = T(0.5) * (du(1, j) - du(2, j));
    rows[2][j] = half_sum + du(3, j);
  }
  for (int y = 0; y < 3; ++y) {
    const T* r = rows[y];
    const T half_sum = T(0.5) * (r[1] + r[2]);
    g[3 * y] = r[0] + half_sum;
    g[3 * y + 1] = T(0.5) * (r[1] - r[2]);
    g[3 * y + 2] = half_sum + r[3];
  }
}

// v + (i 4 + j) cell_stride + c receives (B^T d B)(i, j) on each channel c of
// the tile at d: a channels-last image, rows row_values apart, pixels C apart.
template <typename T>
void input_tile(const T* __restrict d, Index row_values, Index channels, T* __restrict v,
                Index cell_stride) {
  SCRATCHNET_INDEPENDENT_ITERATIONS
  for (Index c = 0; c < channels; ++c) {
    const auto at = [&](int y, int x) { return d[y * row_values + x * channels + c]; };
    T rows[4][4];  // B^T d
    for (int x = 0; x < 4; ++x) {
      rows[0][x] = at(0, x) - at(2, x);
      rows[1][x] = at(1, x) + at(2, x);
      rows[2][x] = at(2, x) - at(1, x);
      rows[3][x] = at(1, x) - at(3, x);
    }
    for (int i = 0; i < 4; ++i) {
      const T* r = rows[i];
      v[(4 * i) * cell_stride + c] = r[0] - r[2];
      v[(4 * i + 1) * cell_stride + c] = r[1] + r[2];
      v[(4 * i + 2) * cell_stride + c] = r[2] - r[1];
      v[(4 * i + 3) * cell_stride + c] = r[1] - r[3];
    }
  }
}

// y + (2 a + b) y_stride + t receives (A^T m A)(a, b) + bias for each tile
// t < tiles, m(i, j) at m + (i 4 + j) cell_stride + t.
template <typename T>
void output_tiles(const T* __restrict m, Index cell_stride, Index tiles, T bias, T* __restrict y,
                  Index y_stride) {
  SCRATCHNET_INDEPENDENT_ITERATIONS
  for (Index t = 0; t < tiles; ++t) {
    const auto at = [&](int i, int j) { return m[(4 * i + j) * cell_stride + t]; };
    T top[4], bottom[4];  // A^T m
    for (int j = 0; j < 4; ++j) {
      top[j] = at(0, j) + at(1, j) + at(2, j);
      bottom[j] = at(1, j) - at(2, j) - at(3, j);
    }
    y[t] = top[0] + top[1] + top[2] + bias;
    y[y_stride + t] = top[1] - top[2] - top[3] + bias;
    y[2 * y_stride + t] = bottom[0] + bottom[1] + bottom[2] + bias;
    y[3 * y_stride + t] = bottom[1] - bottom[2] - bottom[3] + bias;
  }
}

// z + (i 4 + j) cell_stride + t receives (A dy A^T)(i, j) for each tile
// t < tiles, its dy(a, b) at y + (2 a + b) y_stride + t.
template <typename T>
void gradient_tiles(const T* __restrict y, Index y_stride, Index tiles, T* __restrict z,
                    Index cell_stride) {
  SCRATCHNET_INDEPENDENT_ITERATIONS
  for (Index t = 0; t < tiles; ++t) {
    const T p = y[t], q = y[y_stride + t], r = y[2 * y_stride + t], s = y[3 * y_stride + t];
    const T left[4] = {p, p + r, p - r, -r}, right[4] = {q, q + s, q - s, -s};  // A dy
    for (int i = 0; i < 4; ++i) {
      z[(4 * i) * cell_stride + t] = left[i];
      z[(4 * i + 1) * cell_stride + t] = left[i] + right[i];
      z[(4 * i + 2) * cell_stride + t] = left[i] - right[i];
      z[(4 * i + 3) * cell_stride + t] = -right[i];
    }
  }
}

// row = left(0) right(0) left(1) right(1) ...: width values (odd: the last
// tile's right column is past the output's edge and left out).
template <typename T>
void interleave(const T* __restrict left, const T* __restrict right, Index width,
                T* __restrict row) {
  const Index pairs = width / 2;
  for (Index i = 0; i < pairs; ++i) {
    row[2 * i] = left[i];
    row[2 * i + 1] = right[i];
  }
  if (width % 2 == 1) row[width - 1] = left[pairs];
}

// left(i) = row(2 i), right(i) = row(2 i + 1) for i < pairs, 0 past the
// row's width; all 0 for a row past the output's edge (row null).
template <typename T>
void deinterleave(const T* __restrict row, Index width, T* __restrict left, T* __restrict right,
                  Index pairs) {
  const Index whole = row == nullptr ? 0 : width / 2;
  for (Index i = 0; i < whole; ++i) {
    left[i] = row[2 * i];
    right[i] = row[2 * i + 1];
  }
  for (Index i = whole; i < pairs; ++i) {
    left[i] = row != nullptr && 2 * i < width ? row[2 * i] : T(0);
    right[i] = T(0);
  }
}

}  // namespace scratchnet::winograd
