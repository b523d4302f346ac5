// MultiLayerNet: whole-network gradient checks in double, the book's loss and
// accuracy by hand, argument checks, initialisers and determinism.
#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>
#include <sstream>

#include "scratchnet/network/gradient_check.hpp"
#include "scratchnet/network/multi_layer_net.hpp"

using scratchnet::Activation;
using scratchnet::Index;
using scratchnet::Labels;
using scratchnet::MultiLayerNet;
using scratchnet::MultiLayerNetOptions;
using Mat = scratchnet::Matrix<double>;

namespace {

MultiLayerNetOptions plain_net() {
  MultiLayerNetOptions o;
  o.input_size = 6;
  o.hidden_sizes = {5, 4};
  o.output_size = 3;
  o.seed = 42;
  return o;
}

struct Batch {
  Mat x;
  Labels labels;
};

Batch random_batch(Index rows, Index cols, int classes, std::uint64_t seed) {
  scratchnet::Rng rng(seed);
  Batch b{Mat(rows, cols), Labels(rows)};
  rng.fill_normal(b.x, 1.0);
  for (Index i = 0; i < rows; ++i) {
    b.labels(i) = static_cast<int>(rng.below(static_cast<std::uint64_t>(classes)));
  }
  return b;
}

// Batch norm on a small batch is strongly curved: with the book's h = 1e-4 the
// h^2 truncation error of central differences alone reaches 1e-6 relative.
// In double, h = 1e-5 keeps both truncation and rounding far below that.
scratchnet::GradientCheckOptions fine_check() {
  scratchnet::GradientCheckOptions o;
  o.h = 1e-5;
  return o;
}

double worst_relative(const std::vector<scratchnet::GradientDifference>& rows) {
  double worst = 0;
  for (const auto& row : rows) worst = std::max(worst, row.max_relative);
  return worst;
}

}  // namespace

TEST_CASE("Whole-network backprop matches the numerical gradient", "[network][gradient]") {
  const Batch batch = random_batch(8, 6, 3, 7);
  for (Activation activation : {Activation::relu, Activation::sigmoid, Activation::tanh}) {
    for (bool batchnorm : {false, true}) {
      for (double dropout : {0.0, 0.3}) {
        MultiLayerNetOptions o = plain_net();
        o.activation = activation;
        o.use_batchnorm = batchnorm;
        o.dropout_ratio = dropout;
        o.weight_decay_lambda = 0.1;
        MultiLayerNet<double> net(o);
        // Biases off zero: a row that ReLU and dropout leave all zeros feeds
        // the next ReLU its bias alone, and at 0, ReLU's kink, backprop's
        // slope (0, the book's) and the central difference's (1/2) differ.
        scratchnet::Rng bias_rng(5);
        for (const auto& p : net.params()) {
          if (p.name[0] == 'b' && p.name.rfind("beta", 0) != 0) bias_rng.fill_normal(*p.value, 0.1);
        }
        const auto rows = scratchnet::compare_gradients(net, batch.x, batch.labels, fine_check());
        INFO(scratchnet::to_string(activation)
             << " batchnorm " << batchnorm << " dropout " << dropout << "\n"
             << rows);
        CHECK(rows.size() == (batchnorm ? 10u : 6u));
        CHECK(worst_relative(rows) < 1e-6);
      }
    }
  }
}

TEST_CASE("Gradient check table for relu, batch norm and weight decay", "[network][gradient]") {
  MultiLayerNetOptions o;
  o.input_size = 20;
  o.hidden_sizes = {10, 10};
  o.output_size = 10;
  o.use_batchnorm = true;
  o.weight_decay_lambda = 0.1;
  o.seed = 1;
  MultiLayerNet<double> net(o);
  const Batch batch = random_batch(5, 20, 10, 3);
  const auto rows = scratchnet::compare_gradients(net, batch.x, batch.labels, fine_check());
  std::ostringstream table;
  table << rows;
  INFO(table.str());
  CHECK(worst_relative(rows) < 1e-6);
  CHECK(table.str().find("gamma2") != std::string::npos);
  std::cout << "gradient check, 20-10-10-10 relu, batch norm, lambda 0.1, batch 5:\n" << rows;
}

TEST_CASE("The book's log constant makes the numerical gradient differ", "[network][gradient]") {
  // The check only means something if it can fail: with log(y + 1e-7) kept,
  // the numerical gradient is of another function than backprop's.
  MultiLayerNetOptions o = plain_net();
  o.weight_init = 3.0;  // large weights: confident, sometimes wrong predictions
  MultiLayerNet<double> net(o);
  const Batch batch = random_batch(4, 6, 3, 8);
  scratchnet::GradientCheckOptions keep;
  keep.keep_log_epsilon = true;
  keep.relative_floor = 1e-12;
  CHECK(worst_relative(scratchnet::compare_gradients(net, batch.x, batch.labels, keep)) > 1e-6);
}

TEST_CASE("Parameters are named and ordered as in the book", "[network]") {
  MultiLayerNetOptions o = plain_net();
  o.use_batchnorm = true;
  MultiLayerNet<double> net(o);
  std::vector<std::string> names;
  for (const auto& p : net.params()) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2",
                                          "beta2", "W3", "b3"});
  CHECK(net.param("W1").rows() == 6);
  CHECK(net.param("W1").cols() == 5);
  CHECK(net.param("b3").cols() == 3);
  CHECK((net.param("gamma2").array() == 1).all());
  CHECK((net.param("beta2").array() == 0).all());
  CHECK((net.param("b1").array() == 0).all());
  net.param("b1")(0, 0) = 5;  // writable by name
  CHECK(net.params()[1].value->coeff(0, 0) == 5);
  CHECK_THROWS_WITH(net.param("W9"), Catch::Contains("W9"));
  CHECK(net.buffers().size() == 4);
}

TEST_CASE("Loss, weight decay and accuracy against hand computations", "[network]") {
  // 2 inputs, no hidden layer: scores = x W + b.
  MultiLayerNetOptions o;
  o.input_size = 2;
  o.output_size = 2;
  o.weight_decay_lambda = 0.5;
  MultiLayerNet<double> net(o);
  net.param("W1") << 1, 0, 0, 1;
  net.param("b1") << 0, 0;
  Mat x(2, 2);
  x << 2, 0, 0, 1;
  Labels t(2);
  t << 0, 0;
  // Row 1 scores (2, 0): p0 = 1/(1+e^-2); row 2 scores (0, 1): p0 = 1/(1+e).
  const double p_a = 1 / (1 + std::exp(-2.0)), p_b = 1 / (1 + std::exp(1.0));
  const double cross_entropy = -(std::log(p_a + 1e-7) + std::log(p_b + 1e-7)) / 2;
  const double decay = 0.5 * 0.5 * 2;  // 0.5 * lambda * ||W||^2 with ||W||^2 = 2
  CHECK(net.loss(x, t) == Approx(cross_entropy + decay).epsilon(1e-6));
  CHECK(net.accuracy(x, t) == 0.5);  // row 1 right, row 2 wrong

  Mat one_hot(2, 2);
  one_hot << 1, 0, 1, 0;
  CHECK(net.loss(x, one_hot) == Approx(cross_entropy + decay).epsilon(1e-6));
  Eigen::MatrixXf x_float = x.cast<float>();  // a column-major user matrix of another scalar
  CHECK(net.accuracy(x_float, t) == 0.5);
}

TEST_CASE("Bad options and arguments throw invalid_argument naming them", "[network][errors]") {
  auto rejects = [](auto change, const std::string& name) {
    MultiLayerNetOptions o = plain_net();
    change(o);
    CHECK_THROWS_WITH(MultiLayerNet<double>(o), Catch::StartsWith(name));
  };
  rejects([](MultiLayerNetOptions& o) { o.input_size = 0; }, "input_size");
  rejects([](MultiLayerNetOptions& o) { o.output_size = 0; }, "output_size");
  rejects([](MultiLayerNetOptions& o) { o.hidden_sizes = {5, 0}; }, "hidden_sizes[1]");
  rejects([](MultiLayerNetOptions& o) { o.dropout_ratio = 1.0; }, "dropout_ratio");
  rejects([](MultiLayerNetOptions& o) { o.dropout_ratio = -0.1; }, "dropout_ratio");
  rejects([](MultiLayerNetOptions& o) { o.weight_decay_lambda = -1; }, "weight_decay_lambda");
  rejects([](MultiLayerNetOptions& o) { o.weight_decay_lambda = NAN; }, "weight_decay_lambda");
  CHECK_THROWS_WITH(scratchnet::WeightInit(-1.0), Catch::StartsWith("weight_init"));
  CHECK_THROWS_WITH(scratchnet::WeightInit::parse("glorot"), Catch::StartsWith("weight_init"));

  MultiLayerNet<double> net(plain_net());
  const Batch good = random_batch(3, 6, 3, 1);
  CHECK_THROWS_WITH(net.predict(Mat::Zero(3, 5)), Catch::StartsWith("x"));
  Labels out_of_range(3);
  out_of_range << 0, 3, 1;
  CHECK_THROWS_WITH(net.loss(good.x, out_of_range), Catch::StartsWith("labels"));
  Labels too_few(2);
  too_few << 0, 1;
  CHECK_THROWS_WITH(net.gradient(good.x, too_few), Catch::StartsWith("labels"));
  CHECK_THROWS_WITH(net.loss(good.x, Mat::Constant(3, 3, 0.5)), Catch::Contains("one-hot"));
}

TEST_CASE("Initialisers draw N(0, std^2) with the book's scales", "[init]") {
  struct Case {
    scratchnet::WeightInit rule;
    double expected_std;
  };
  for (const Case& c :
       {Case{0.01, 0.01}, Case{scratchnet::WeightInit::xavier(), std::sqrt(1.0 / 1000)},
        Case{scratchnet::WeightInit::he(), std::sqrt(2.0 / 1000)}}) {
    scratchnet::Rng rng(5);
    Mat w(1000, 1000);
    scratchnet::init_weights(w, c.rule, rng);
    const double mean = w.mean();
    const double sd = std::sqrt((w.array() - mean).square().mean());
    INFO(c.rule.to_string());
    CHECK(std::abs(sd / c.expected_std - 1) < 0.01);
    CHECK(std::abs(mean) < 3 * c.expected_std / 1000);  // standard error: sd / sqrt(1e6)
  }
}

TEST_CASE("The same seed gives the same network, another seed another", "[init]") {
  MultiLayerNetOptions o = plain_net();
  MultiLayerNet<double> a(o), b(o);
  o.seed = 43;
  MultiLayerNet<double> c(o);
  CHECK(a.param("W1") == b.param("W1"));
  CHECK(a.param("W3") == b.param("W3"));
  CHECK(a.param("W1") != c.param("W1"));
}

TEMPLATE_TEST_CASE("Float and double nets learn XOR-like data", "[network][train]", float, double) {
  MultiLayerNetOptions o;
  o.input_size = 2;
  o.hidden_sizes = {16, 16};
  o.output_size = 2;
  o.seed = 3;
  MultiLayerNet<TestType> net(o);
  scratchnet::Rng rng(11);
  scratchnet::Matrix<TestType> x(200, 2);
  Labels t(200);
  for (Index i = 0; i < 200; ++i) {
    x(i, 0) = static_cast<TestType>(rng.uniform(-1, 1));
    x(i, 1) = static_cast<TestType>(rng.uniform(-1, 1));
    t(i) = (x(i, 0) > 0) != (x(i, 1) > 0);
  }
  for (int step = 0; step < 3000; ++step) {
    net.gradient(x, t);
    for (const auto& p : net.params()) *p.value -= TestType(0.3) * *p.grad;
  }
  CHECK(net.accuracy(x, t) == 1.0);
}
