// Matrix aliases shared by every header.
//
// A batch holds one sample per row (N x D), as in the book, so the storage is
// row-major: a mini-batch gathered from a data set is a run of whole rows, and
// x W + b broadcasts b along rows. Every parameter (W, b, gamma, beta) is a
// Matrix<T>; a bias is a 1 x n Matrix, so update rules treat all alike.
#pragma once

#include <Eigen/Core>
#include <string>

namespace scratchnet {

using Index = Eigen::Index;

template <typename T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <typename T>
using RowVector = Eigen::Matrix<T, 1, Eigen::Dynamic>;

// Class indices, one per sample.
using Labels = Eigen::VectorXi;

// A matrix's shape as messages print it: "784x100".
template <typename Derived>
std::string shape_of(const Eigen::EigenBase<Derived>& m) {
  return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}

template <typename A, typename B>
bool same_shape(const Eigen::EigenBase<A>& a, const Eigen::EigenBase<B>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols();
}

}  // namespace scratchnet
