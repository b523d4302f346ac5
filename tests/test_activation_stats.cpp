// activation_stats: histogram, mean, std and the fractions near each end of
// the range, checked by hand on known matrices and on a small network.
#include <catch2/catch.hpp>
#include <cmath>

#include "scratchnet/network/activation_stats.hpp"

using scratchnet::ActivationStats;
using scratchnet::HistogramOptions;
using scratchnet::Matrix;

TEST_CASE("activation_stats counts bins numpy's way and computes the moments",
          "[activation_stats]") {
  Matrix<double> m(2, 5);
  m << 0, 0.1, 0.25, 0.5, 0.74,  //
      0.75, 0.96, 1.0, -0.2, 1.5;
  HistogramOptions options;
  options.bins = 4;  // [0, .25) [.25, .5) [.5, .75) [.75, 1]
  const ActivationStats s = scratchnet::activation_stats(m, options);
  CHECK(s.counts == std::vector<long long>{2, 1, 2, 3});  // an edge value goes right; 1.0 last
  CHECK(s.below == 1);                                    // -0.2
  CHECK(s.above == 1);                                    // 1.5
  CHECK(s.total == 10);
  CHECK(s.mean == Approx(0.56));
  CHECK(s.stddev == Approx(std::sqrt(0.25082)));  // population std, as numpy
  CHECK(s.min == -0.2);
  CHECK(s.max == 1.5);
  CHECK(s.near_low == Approx(0.2));   // v < 0.05: 0 and -0.2
  CHECK(s.near_high == Approx(0.3));  // v > 0.95: 0.96, 1 and 1.5
  CHECK(s.exact_zero == Approx(0.1));
  CHECK(s.bin_edge(0) == 0.0);
  CHECK(s.bin_edge(1) == 0.25);
  CHECK(s.bin_edge(4) == 1.0);
}

TEST_CASE("activation_stats works on float matrices and on a symmetric range",
          "[activation_stats]") {
  Matrix<float> m(1, 4);
  m << -1.0f, -0.96f, 0.0f, 0.97f;
  const HistogramOptions options = scratchnet::histogram_range_for(scratchnet::Activation::tanh, 2);
  CHECK(options.low == -1.0);
  CHECK(options.high == 1.0);
  const ActivationStats s = scratchnet::activation_stats(m, options);
  CHECK(s.counts == std::vector<long long>{2, 2});  // 0 is the left edge of the second bin
  CHECK(s.near_low == Approx(0.5));                 // v < -0.95
  CHECK(s.near_high == Approx(0.25));               // v > 0.95
  CHECK(s.mean == Approx((-1.0 - 0.96 + 0.0 + 0.97) / 4).epsilon(1e-6));
}

TEST_CASE("activation_stats rejects bad options and empty matrices", "[activation_stats]") {
  const Matrix<double> m = Matrix<double>::Ones(2, 2);
  HistogramOptions options;
  options.bins = 0;
  CHECK_THROWS_WITH(scratchnet::activation_stats(m, options), Catch::Contains("bins"));
  options = HistogramOptions{};
  options.low = 1;
  options.high = 1;
  CHECK_THROWS_WITH(scratchnet::activation_stats(m, options), Catch::Contains("range"));
  options = HistogramOptions{};
  options.margin = -0.1;
  CHECK_THROWS_WITH(scratchnet::activation_stats(m, options), Catch::Contains("margin"));
  CHECK_THROWS_WITH(scratchnet::activation_stats(Matrix<double>(0, 3)), Catch::Contains("empty"));
}

TEST_CASE("hidden_activation_stats reads every hidden layer of a network", "[activation_stats]") {
  scratchnet::MultiLayerNetOptions o;
  o.input_size = 2;
  o.hidden_sizes = {2, 1};
  o.output_size = 3;
  scratchnet::MultiLayerNet<double> net(o);
  net.param("W1") << 1, -1,  //
      0.5, 1;
  net.param("b1") << 0, 0.5;
  net.param("W2") << 1, 1;
  net.param("b2") << -3;
  Matrix<double> x(2, 2);
  x << 1, 2,  //
      -1, 0.5;
  // Layer 1: relu(x W1 + b1) = [[2, 1.5], [0, 2]]; layer 2: relu([3.5, 2] - 3) = [0.5, 0].
  HistogramOptions options;
  options.bins = 4;
  options.low = 0;
  options.high = 4;
  const auto layers = scratchnet::hidden_activation_stats(net, x, options);
  REQUIRE(layers.size() == 2);
  CHECK(layers[0].counts == std::vector<long long>{1, 1, 2, 0});
  CHECK(layers[0].mean == Approx(1.375));
  CHECK(layers[0].exact_zero == Approx(0.25));
  CHECK(layers[0].max == 2.0);
  CHECK(layers[1].counts == std::vector<long long>{2, 0, 0, 0});
  CHECK(layers[1].mean == Approx(0.25));
  CHECK(layers[1].stddev == Approx(0.25));
  CHECK(layers[1].total == 2);
}

TEST_CASE("The book's activation experiment: sigmoid saturates with std 1, not with Xavier",
          "[activation_stats]") {
  scratchnet::Matrix<float> x(1000, 100);
  scratchnet::Rng rng(1);
  rng.fill_normal(x, 1.0);
  auto stats_for = [&](const scratchnet::WeightInit& init) {
    scratchnet::MultiLayerNetOptions o;
    o.input_size = 100;
    o.hidden_sizes.assign(5, 100);
    o.output_size = 10;
    o.activation = scratchnet::Activation::sigmoid;
    o.weight_init = init;
    o.seed = 2;
    scratchnet::MultiLayerNet<float> net(o);
    return scratchnet::hidden_activation_stats(net, x);
  };
  const auto wide = stats_for(scratchnet::WeightInit(1.0));
  const auto xavier = stats_for(scratchnet::WeightInit::xavier());
  REQUIRE(wide.size() == 5);
  for (int l = 0; l < 5; ++l) {
    CHECK(wide[static_cast<std::size_t>(l)].near_low + wide[static_cast<std::size_t>(l)].near_high >
          0.5);
    CHECK(xavier[static_cast<std::size_t>(l)].near_low +
              xavier[static_cast<std::size_t>(l)].near_high <
          0.01);
    CHECK(xavier[static_cast<std::size_t>(l)].stddev > 0.08);
  }
}
