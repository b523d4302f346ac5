// c(i, j) += a.row(i) . b.row(j): the product c += a b^T of two row-major
// matrices whose rows are long and few, as a convolution's filter gradient
// dW += dy col^T (30 x 576 times 576 x 25 a sample in SimpleConvNet).
//
// Eigen's general product packs both operands and computes c in tiles of
// 48 x 4, a poor fit for a 30 x 25 result: it ran at 50-60 GFLOP/s there.
// Here each block of R x R entries of c keeps R R sums of Eigen packets in
// registers and reads 2 R packets per R R multiply-adds, straight from the
// rows (no packing): about twice the rate on that shape (bench/conv_layers).
#pragma once

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

namespace detail {

template <typename T>
using RowsRef = Eigen::Ref<const Matrix<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using ResultRef = Eigen::Ref<Matrix<T>, 0, Eigen::OuterStride<>>;

// A block of R x R sums fits the registers with R = 4 where there are 32
// vector registers (AVX-512, NEON on aarch64) and R = 3 where there are 16.
constexpr int kDotBlock = EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS >= 32 ? 4 : 3;

// c(i, j) += a.row(first_row + i) . b.row(first_col + j) for i < Rows, j < Cols.
template <typename T, int Rows, int Cols>
void add_dot_block(const RowsRef<T>& a, const RowsRef<T>& b, Index first_row, Index first_col,
                   ResultRef<T> c) {
  constexpr int kLanes = Eigen::internal::packet_traits<T>::size;
  using Lanes = Eigen::Array<T, kLanes, 1>;
  using LanesOf = Eigen::Map<const Lanes>;
  const Index depth = a.cols();
  Lanes sums[Rows][Cols];
  for (auto& row : sums) {
    for (Lanes& sum : row) sum.setZero();
  }
  Index k = 0;
  for (; k + kLanes <= depth; k += kLanes) {
    Lanes of_b[Cols];
    for (int j = 0; j < Cols; ++j) of_b[j] = LanesOf(b.row(first_col + j).data() + k);
    for (int i = 0; i < Rows; ++i) {
      const Lanes of_a = LanesOf(a.row(first_row + i).data() + k);
      for (int j = 0; j < Cols; ++j) sums[i][j] += of_a * of_b[j];
    }
  }
  for (int i = 0; i < Rows; ++i) {
    for (int j = 0; j < Cols; ++j) {
      T sum = sums[i][j].sum();
      for (Index rest = k; rest < depth; ++rest) {
        sum += a(first_row + i, rest) * b(first_col + j, rest);
      }
      c(first_row + i, first_col + j) += sum;
    }
  }
}

// The columns [first_col, c.cols()) of rows [first_row, first_row + Rows)
// of c, in blocks of Cols columns, then of fewer for the last ones.
template <typename T, int Rows, int Cols>
void add_dot_columns(const RowsRef<T>& a, const RowsRef<T>& b, Index first_row, Index first_col,
                     ResultRef<T> c) {
  Index col = first_col;
  for (; col + Cols <= c.cols(); col += Cols) add_dot_block<T, Rows, Cols>(a, b, first_row, col, c);
  if constexpr (Cols > 1) {
    if (col < c.cols()) add_dot_columns<T, Rows, Cols - 1>(a, b, first_row, col, c);
  }
}

// The rows [first_row, c.rows()) of c, in blocks of Rows rows, then of fewer.
template <typename T, int Rows>
void add_dot_rows(const RowsRef<T>& a, const RowsRef<T>& b, Index first_row, ResultRef<T> c) {
  Index row = first_row;
  for (; row + Rows <= c.rows(); row += Rows) {
    add_dot_columns<T, Rows, kDotBlock>(a, b, row, 0, c);
  }
  if constexpr (Rows > 1) {
    if (row < c.rows()) add_dot_rows<T, Rows - 1>(a, b, row, c);
  }
}

}  // namespace detail

// c += a b^T, each of c's entries the dot product of a row of a and a row of b.
template <typename T>
void add_row_dot_products(const detail::RowsRef<T>& a, const detail::RowsRef<T>& b,
                          detail::ResultRef<T> c) {
  if (a.cols() != b.cols() || c.rows() != a.rows() || c.cols() != b.rows()) {
    fail("add_row_dot_products", "shapes " + shape_of(a) + ", " + shape_of(b) + " and " +
                                     shape_of(c) + " do not fit c += a b^T");
  }
  detail::add_dot_rows<T, detail::kDotBlock>(a, b, 0, c);
}

}  // namespace scratchnet
