// Mean squared error (layers/mean_squared_error.hpp) as a network's loss:
// the value and gradient by hand, backprop against the numerical gradient,
// the loss stored in the model file, and the refusals that keep it apart
// from classification.
#include <catch2/catch.hpp>
#include <string>

#include "scratchnet/layers/mean_squared_error.hpp"
#include "scratchnet/network/gradient_check.hpp"
#include "scratchnet/network/layer_spec.hpp"
#include "scratchnet/network/model_file.hpp"
#include "support/errors.hpp"

namespace sn = scratchnet;

namespace {

sn::Sequential<double> regression_net(double weight_decay) {
  sn::Sequential<double> net(3, 4);
  sn::add_layers(net, sn::parse_layer_specs<double>("affine(5),tanh,affine(4),sigmoid,affine(2)"));
  net.initialize(sn::WeightInit::xavier());
  net.set_weight_decay(weight_decay);
  net.set_loss(sn::Loss::mean_squared_error);
  return net;
}

}  // namespace

TEST_CASE("Mean squared error by hand", "[mse]") {
  sn::MeanSquaredError<double> mse;
  sn::Matrix<double> y(2, 2), t(2, 2);
  y << 1, 2, 3, 4;
  t << 0, 2, 1, 1;
  // differences 1, 0, 2, 3: 0.5 * (1 + 0 + 4 + 9) / 2 rows
  CHECK(mse.forward(y, t) == 3.5);
  sn::Matrix<double> expected(2, 2);
  expected << 0.5, 0, 1, 1.5;
  CHECK(mse.backward() == expected);
  CHECK(sn::test::refusal([&] { mse.forward(y, sn::Matrix<double>::Zero(2, 3)); }) ==
        "targets: must be 2x2 (one row of values per sample), got 2x3");
}

TEST_CASE("A regression network's backprop matches the numerical gradient", "[mse][gradient]") {
  sn::Rng rng(6);
  sn::Matrix<double> x(7, 3), targets(7, 2);
  rng.fill_normal(x, 1.0);
  rng.fill_normal(targets, 2.0);
  for (const double lambda : {0.0, 0.05}) {
    sn::Sequential<double> net = regression_net(lambda);
    const auto rows = sn::compare_gradients(net, x, targets);
    INFO("lambda " << lambda << "\n" << rows);
    REQUIRE(rows.size() == 6);
    for (const auto& row : rows) CHECK(row.max_relative < 1e-6);
  }
  // The loss is the formula's: 0.5 * sum of squares / N, plus weight decay.
  sn::Sequential<double> net = regression_net(0);
  const sn::Matrix<double> predicted = net.predict(x);
  CHECK(net.loss(x, targets) == Approx(0.5 * (predicted - targets).squaredNorm() / 7));
}

TEST_CASE("A regression network saves its loss and refuses to count classes", "[mse]") {
  sn::Sequential<double> net = regression_net(0.01);
  const sn::Sequential<double> loaded = sn::Sequential<double>::from_bytes(net.to_bytes());
  CHECK(loaded.loss_kind() == sn::Loss::mean_squared_error);
  CHECK(loaded.to_bytes() == net.to_bytes());
  const sn::Matrix<double> x = sn::Matrix<double>::Ones(2, 3);
  sn::Labels labels(2);
  labels << 0, 1;
  CHECK(sn::test::refusal([&] { net.accuracy(x, labels); }) ==
        "accuracy: counts classes, but this network's loss is mean_squared_error");
  // A MultiLayerNet is a classifier: the file is not its recipe.
  CHECK_THROWS_AS(sn::MultiLayerNet<double>::from_bytes(net.to_bytes()), sn::ModelFormatError);
  CHECK(sn::test::refusal([] { sn::parse_loss("hinge"); }) ==
        "loss: unknown 'hinge' (known: softmax_cross_entropy, mean_squared_error)");
}
