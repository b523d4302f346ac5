// add_row_dot_products (layers/row_dot_products.hpp), c += a b^T in register
// blocks, against the sums written out one term at a time: every remainder of
// its blocks (1 to 9 rows and columns), depths shorter and longer than a
// packet and not a multiple of it, rows of a wider matrix, float and double.
#include <catch2/catch.hpp>
#include <cmath>

#include "scratchnet/core/rng.hpp"
#include "scratchnet/layers/row_dot_products.hpp"

namespace sn = scratchnet;
using sn::Index;
using sn::Matrix;

namespace {

template <typename T>
Matrix<T> dot_test_matrix(Index rows, Index cols, std::uint64_t seed) {
  Matrix<T> m(rows, cols);
  sn::Rng(seed).fill_normal(m, 1.0);
  return m;
}

// The largest |c_after - (c_before + sum_k a(i, k) b(j, k))| over the entries,
// each relative to sum_k |a(i, k) b(j, k)|, the sums in long double.
template <typename T, typename A, typename B>
double worst_dot_error(const A& a, const B& b, const Matrix<T>& c_before,
                       const Matrix<T>& c_after) {
  double worst = 0;
  for (Index i = 0; i < a.rows(); ++i) {
    for (Index j = 0; j < b.rows(); ++j) {
      long double sum = c_before(i, j), size = std::abs(c_before(i, j));
      for (Index k = 0; k < a.cols(); ++k) {
        sum += static_cast<long double>(a(i, k)) * b(j, k);
        size += std::abs(static_cast<long double>(a(i, k)) * b(j, k));
      }
      worst = std::max(worst, static_cast<double>(std::abs(c_after(i, j) - sum) / size));
    }
  }
  return worst;
}

template <typename T>
void check_row_dot_products(double tolerance) {
  for (const Index depth : {1, 3, 4, 16, 17, 37, 100}) {
    for (Index rows = 1; rows <= 9; ++rows) {
      for (Index cols = 1; cols <= 9; ++cols) {
        const auto seed = static_cast<std::uint64_t>(depth * 100 + rows * 10 + cols);
        const Matrix<T> a = dot_test_matrix<T>(rows, depth, seed);
        const Matrix<T> b = dot_test_matrix<T>(cols, depth, seed + 1);
        const Matrix<T> c_before = dot_test_matrix<T>(rows, cols, seed + 2);
        Matrix<T> c = c_before;
        sn::add_row_dot_products<T>(a, b, c);
        INFO(rows << " x " << depth << " times (" << cols << " x " << depth << ")^T");
        CHECK(worst_dot_error(a, b, c_before, c) < tolerance);
      }
    }
  }
}

}  // namespace

TEST_CASE("add_row_dot_products is c + a b^T, every block remainder", "[conv]") {
  check_row_dot_products<float>(1e-6);
  check_row_dot_products<double>(1e-14);
}

TEST_CASE("add_row_dot_products reads rows of a wider matrix and writes a block", "[conv]") {
  const Matrix<double> wide_a = dot_test_matrix<double>(7, 50, 3);
  const Matrix<double> wide_b = dot_test_matrix<double>(6, 50, 4);
  Matrix<double> wide_c = dot_test_matrix<double>(9, 9, 5);
  const Matrix<double> c_before = wide_c.block(1, 2, 7, 6);
  const auto a = wide_a.middleCols(5, 33);
  const auto b = wide_b.middleCols(5, 33);
  const Matrix<double> outside_before = wide_c;
  sn::add_row_dot_products<double>(a, b, wide_c.block(1, 2, 7, 6));
  CHECK(worst_dot_error(a, b, c_before, Matrix<double>(wide_c.block(1, 2, 7, 6))) < 1e-14);
  Matrix<double> outside_after = wide_c;
  outside_after.block(1, 2, 7, 6) = outside_before.block(1, 2, 7, 6);
  CHECK(outside_after == outside_before);
}

TEST_CASE("add_row_dot_products refuses shapes that do not fit, naming itself", "[conv][errors]") {
  const Matrix<float> a(3, 5), b(4, 6);
  Matrix<float> c(3, 4);
  CHECK_THROWS_WITH(sn::add_row_dot_products<float>(a, b, c),
                    Catch::Contains("add_row_dot_products") && Catch::Contains("3x5, 4x6 and 3x4"));
}
