// Each layer alone, in double: backward against central differences of
// sum(forward(x) * weights), a scalar whose gradient with respect to the
// output is `weights`; and the book's formulas by hand.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include "scratchnet/core/rng.hpp"
#include "scratchnet/layers/affine.hpp"
#include "scratchnet/layers/batch_norm.hpp"
#include "scratchnet/layers/dropout.hpp"
#include "scratchnet/layers/relu.hpp"
#include "scratchnet/layers/sigmoid.hpp"
#include "scratchnet/layers/softmax_with_loss.hpp"
#include "scratchnet/layers/tanh.hpp"

using scratchnet::Index;
using scratchnet::Labels;
using Mat = scratchnet::Matrix<double>;

namespace {

Mat random_matrix(Index rows, Index cols, std::uint64_t seed) {
  scratchnet::Rng rng(seed);
  Mat m(rows, cols);
  rng.fill_normal(m, 1.0);
  return m;
}

double max_relative_error(const Mat& a, const Mat& b) {
  double worst = 0;
  for (Index i = 0; i < a.size(); ++i) {
    const double scale = std::max({std::abs(a.data()[i]), std::abs(b.data()[i]), 1e-6});
    worst = std::max(worst, std::abs(a.data()[i] - b.data()[i]) / scale);
  }
  return worst;
}

// d/dm of f() by central differences, perturbing m in place.
Mat central_difference(Mat& m, const std::function<double()>& f, double h = 1e-5) {
  Mat grad(m.rows(), m.cols());
  for (Index i = 0; i < m.size(); ++i) {
    const double original = m.data()[i];
    m.data()[i] = original + h;
    const double plus = f();
    m.data()[i] = original - h;
    const double minus = f();
    m.data()[i] = original;
    grad.data()[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

// Checks layer.backward(weights) against the numerical dx of sum(y * weights).
void check_input_gradient(scratchnet::Layer<double>& layer, Mat x, bool train = true) {
  const Mat weights = random_matrix(x.rows(), layer.forward(x, train).cols(), 99);
  layer.forward(x, train);
  const Mat dx = layer.backward(weights);
  const Mat numerical =
      central_difference(x, [&] { return layer.forward(x, train).cwiseProduct(weights).sum(); });
  CHECK(max_relative_error(dx, numerical) < 1e-7);
}

}  // namespace

TEST_CASE("Affine computes x W + b and its gradients match central differences", "[layers]") {
  scratchnet::Affine<double> affine(3, 2);
  affine.W << 1, 2, 3, 4, 5, 6;
  affine.b << 0.5, -1;
  Mat x(1, 3);
  x << 1, 0, -1;
  // By hand: [1*1 + 0*3 - 1*5 + 0.5, 1*2 + 0*4 - 1*6 - 1] = [-3.5, -5]
  const Mat y = affine.forward(x, false);
  CHECK(y(0, 0) == Approx(-3.5));
  CHECK(y(0, 1) == Approx(-5));

  affine.W = random_matrix(4, 3, 1);
  affine.b = random_matrix(1, 3, 2);
  Mat batch = random_matrix(5, 4, 3);
  check_input_gradient(affine, batch);

  const Mat weights = random_matrix(5, 3, 4);
  auto objective = [&] { return affine.forward(batch, true).cwiseProduct(weights).sum(); };
  affine.forward(batch, true);
  affine.backward(weights);
  const Mat dW = affine.dW, db = affine.db;
  CHECK(max_relative_error(dW, central_difference(affine.W, objective)) < 1e-7);
  CHECK(max_relative_error(db, central_difference(affine.b, objective)) < 1e-7);
}

TEST_CASE("Relu, Sigmoid and Tanh backward match central differences", "[layers]") {
  // Inputs kept away from ReLU's kink at 0, where no derivative exists.
  Mat x = random_matrix(4, 6, 5);
  x = x.unaryExpr([](double v) { return std::abs(v) < 0.01 ? v + 0.1 : v; });
  scratchnet::Relu<double> relu;
  scratchnet::Sigmoid<double> sigmoid;
  scratchnet::Tanh<double> tanh_layer;
  check_input_gradient(relu, x);
  check_input_gradient(sigmoid, x);
  check_input_gradient(tanh_layer, x);
}

TEST_CASE("Activations follow their formulas", "[layers]") {
  Mat x(1, 3);
  x << -2, 0, 3;
  scratchnet::Relu<double> relu;
  const Mat r = relu.forward(x, false);
  CHECK(r(0, 0) == 0);
  CHECK(r(0, 1) == 0);
  CHECK(r(0, 2) == 3);
  // The book's mask is x <= 0: no gradient at exactly 0.
  const Mat dr = relu.backward(Mat::Ones(1, 3));
  CHECK(dr(0, 1) == 0);
  CHECK(dr(0, 2) == 1);

  scratchnet::Sigmoid<double> sigmoid;
  CHECK(sigmoid.forward(x, false)(0, 0) == Approx(1 / (1 + std::exp(2.0))));
  CHECK(sigmoid.forward(x, false)(0, 1) == Approx(0.5));
  scratchnet::Tanh<double> tanh_layer;
  CHECK(tanh_layer.forward(x, false)(0, 2) == Approx(std::tanh(3.0)));
}

TEMPLATE_TEST_CASE("ReLU's backward passes dout bit for bit where x > 0 and +0 elsewhere",
                   "[layers]", float, double) {
  // 7 x 37: whole packets of 2 to 16 lanes and the ends of rows that are not.
  using M = scratchnet::Matrix<TestType>;
  const TestType nan = std::numeric_limits<TestType>::quiet_NaN();
  M x = M::Random(7, 37);
  x(0, 0) = 0;
  x(0, 1) = TestType(-0.0);
  x(3, 36) = -1;
  M dout = M::Random(7, 37);
  dout(3, 36) = nan;  // where x < 0: the book's mask writes 0 over it
  dout(6, 36) = nan;
  x(6, 36) = 2;  // where x > 0 a NaN passes
  x(5, 5) = 1;
  dout(5, 5) = TestType(-0.0);  // and so does the sign of a zero
  scratchnet::Relu<TestType> relu;
  relu.forward(x, true);
  const M dx = relu.backward(dout);
  for (Index i = 0; i < x.size(); ++i) {
    INFO("value " << i);
    const TestType expected = x.data()[i] > 0 ? dout.data()[i] : TestType(0);
    CHECK(std::memcmp(&expected, dx.data() + i, sizeof(TestType)) == 0);
  }
}

TEST_CASE("BatchNorm gradients match central differences", "[layers][batchnorm]") {
  scratchnet::BatchNorm<double> bn(3);
  bn.gamma = random_matrix(1, 3, 7);
  bn.beta = random_matrix(1, 3, 8);
  Mat x = random_matrix(4, 3, 9);
  check_input_gradient(bn, x);

  const Mat weights = random_matrix(4, 3, 10);
  auto objective = [&] { return bn.forward(x, true).cwiseProduct(weights).sum(); };
  bn.forward(x, true);
  bn.backward(weights);
  const Mat dgamma = bn.dgamma, dbeta = bn.dbeta;
  CHECK(max_relative_error(dgamma, central_difference(bn.gamma, objective)) < 1e-7);
  CHECK(max_relative_error(dbeta, central_difference(bn.beta, objective)) < 1e-7);
}

TEST_CASE("BatchNorm normalises in training and uses running statistics in test",
          "[layers][batchnorm]") {
  scratchnet::BatchNorm<double> bn(2);
  const Mat x = random_matrix(50, 2, 11) * 3.0 + Mat::Constant(50, 2, 7.0);
  const Mat y = bn.forward(x, true);
  for (Index c = 0; c < 2; ++c) {
    const double mean = y.col(c).mean();
    const double var = (y.col(c).array() - mean).square().mean();
    CHECK(std::abs(mean) < 1e-12);
    // (x - mu) / sqrt(var + 1e-6) has biased variance var / (var + 1e-6).
    const double batch_var = (x.col(c).array() - x.col(c).mean()).square().mean();
    CHECK(var == Approx(batch_var / (batch_var + 1e-6)).epsilon(1e-12));
  }

  // Running statistics by hand: start at 0, run = 0.9 run + 0.1 batch.
  scratchnet::BatchNorm<double> steps(1);
  Mat a(2, 1), b(2, 1), c(2, 1);
  a << 1, 3;    // mean 2, biased var 1
  b << 0, 4;    // mean 2, var 4
  c << 10, 10;  // mean 10, var 0
  steps.forward(a, true);
  CHECK(steps.running_mean(0, 0) == Approx(0.2));
  CHECK(steps.running_var(0, 0) == Approx(0.1));
  steps.forward(b, true);
  CHECK(steps.running_mean(0, 0) == Approx(0.38));  // 0.9 * 0.2 + 0.1 * 2
  CHECK(steps.running_var(0, 0) == Approx(0.49));   // 0.9 * 0.1 + 0.1 * 4
  steps.forward(c, true);
  CHECK(steps.running_mean(0, 0) == Approx(1.342));  // 0.9 * 0.38 + 0.1 * 10
  CHECK(steps.running_var(0, 0) == Approx(0.441));   // 0.9 * 0.49 + 0
  // Test mode: (x - 1.342) / sqrt(0.441 + 1e-6), gamma 1, beta 0.
  Mat probe(1, 1);
  probe << 2;
  CHECK(steps.forward(probe, false)(0, 0) == Approx((2 - 1.342) / std::sqrt(0.441 + 1e-6)));
}

TEST_CASE("Dropout follows the book's form and its inverted variant", "[layers][dropout]") {
  scratchnet::Rng rng(3);
  const Mat x = Mat::Constant(200, 50, 2.0);
  scratchnet::Dropout<double> book(0.3, rng);
  const Mat y = book.forward(x, true);
  const double kept = (y.array() != 0).cast<double>().mean();
  CHECK(kept == Approx(0.7).margin(0.02));
  CHECK(((y.array() == 0) || (y.array() == 2.0)).all());
  CHECK(book.forward(x, false)(0, 0) == Approx(2.0 * 0.7));

  scratchnet::Dropout<double> inverted(0.3, rng, true);
  const Mat yi = inverted.forward(x, true);
  CHECK(((yi.array() == 0) || ((yi.array() - 2.0 / 0.7).abs() < 1e-12)).all());
  CHECK(inverted.forward(x, false)(0, 0) == 2.0);

  // With the mask held, backward is the derivative of the same function.
  book.hold_random_state(true);
  check_input_gradient(book, random_matrix(200, 50, 12).topRows(6));
  inverted.hold_random_state(true);
  check_input_gradient(inverted, random_matrix(200, 50, 12).topRows(6));
}

TEST_CASE("Dropout keeps a value when its 32-bit uniform exceeds the ratio, two per draw",
          "[layers][dropout]") {
  // Value 2i is the low half of draw i, value 2i + 1 its high half, each read
  // as w / 2^32. The ninth value of seed 11 as a ratio puts one value exactly
  // on the cut: u > ratio is false there. The shapes take the mask loop
  // through whole blocks, a partial one and an odd last value.
  const auto halves = [](scratchnet::Rng& rng) {
    const std::uint64_t word = rng.next_u64();
    return std::array<double, 2>{std::ldexp(static_cast<double>(word & 0xffffffffu), -32),
                                 std::ldexp(static_cast<double>(word >> 32), -32)};
  };
  scratchnet::Rng fifth(11);
  for (int i = 0; i < 4; ++i) fifth.next_u64();
  for (const double ratio : {0.0, 0.3, 0.5, 0.999, halves(fifth)[0]}) {
    for (const auto& [rows, cols] : {std::pair<Index, Index>{7, 9}, {10, 10}, {7, 19}}) {
      INFO("ratio " << ratio << ", " << rows << " x " << cols);
      scratchnet::Rng rng(11), twin(11);
      scratchnet::Dropout<float> dropout(ratio, rng);
      const scratchnet::Matrix<float> ones = scratchnet::Matrix<float>::Ones(rows, cols);
      const scratchnet::Matrix<float> mask = dropout.forward(ones, true);  // rows in order
      std::vector<double> uniforms;
      while (static_cast<Index>(uniforms.size()) < rows * cols) {
        for (const double u : halves(twin)) uniforms.push_back(u);
      }
      for (Index r = 0; r < rows; ++r) {
        for (Index c = 0; c < cols; ++c) {
          INFO("row " << r << ", column " << c);
          const double u = uniforms[static_cast<std::size_t>(r * cols + c)];
          CHECK(mask(r, c) == (u > ratio ? 1.0f : 0.0f));
        }
      }
      CHECK(rng.next_u64() == twin.next_u64());  // (rows cols + 1) / 2 draws
    }
  }
}

TEST_CASE("SoftmaxWithLoss: hand-computed loss, stable for large logits, exact gradient",
          "[layers][softmax]") {
  scratchnet::SoftmaxWithLoss<double> layer;
  Mat x(2, 3);
  x << 1, 2, 3, 0, 0, 0;
  Labels t(2);
  t << 2, 0;
  // Row 1: softmax(1,2,3)[2] = e^3/(e+e^2+e^3); row 2: 1/3.
  const double p1 = std::exp(3.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  const double expected = -(std::log(p1 + 1e-7) + std::log(1.0 / 3 + 1e-7)) / 2;
  CHECK(layer.forward(x, t) == Approx(expected).epsilon(1e-6));

  Mat huge(1, 3);
  huge << 1e4, 0, -1e4;
  Labels first(1);
  first << 0;
  const double huge_loss = layer.forward(huge, first);
  CHECK(std::isfinite(huge_loss));
  CHECK(huge_loss == Approx(-std::log(1 + 1e-7)).margin(1e-12));
  CHECK(layer.probabilities().allFinite());

  // Without the log constant, (y - t) / N is the exact derivative.
  layer.log_epsilon = 0;
  Mat logits = random_matrix(4, 5, 13);
  Labels labels(4);
  labels << 0, 4, 2, 2;
  layer.forward(logits, labels);
  const Mat dx = layer.backward();
  const Mat numerical = central_difference(logits, [&] { return layer.forward(logits, labels); });
  CHECK(max_relative_error(dx, numerical) < 1e-7);
}
