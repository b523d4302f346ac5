// Sequential: stacks that MultiLayerNet cannot build (mixed activations, batch
// norm in some layers only, a first layer that is no affine), checked against
// the numerical gradient; the book's names; refusals of layers that do not fit.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/layers/affine.hpp"
#include "scratchnet/layers/batch_norm.hpp"
#include "scratchnet/layers/dropout.hpp"
#include "scratchnet/layers/relu.hpp"
#include "scratchnet/layers/sigmoid.hpp"
#include "scratchnet/layers/tanh.hpp"
#include "scratchnet/network/gradient_check.hpp"
#include "scratchnet/network/multi_layer_net.hpp"
#include "scratchnet/network/sequential.hpp"
#include "support/errors.hpp"

namespace sn = scratchnet;
using Catch::Matchers::Contains;
using sn::Index;
using Net = sn::Sequential<double>;

namespace {

template <typename L, typename... Args>
std::unique_ptr<sn::Layer<double>> make(Args&&... args) {
  return std::make_unique<L>(std::forward<Args>(args)...);
}

// 6 -> affine 5 -> tanh -> affine 4 -> batchnorm -> relu -> dropout -> affine 3:
// each activation kind once, batch norm in one layer only.
Net mixed_net(double weight_decay) {
  Net net(6, 11);
  net.add(make<sn::Affine<double>>(6, 5));
  net.add(make<sn::Tanh<double>>());
  net.add(make<sn::Affine<double>>(5, 4));
  net.add(make<sn::BatchNorm<double>>(4));
  net.add(make<sn::Relu<double>>());
  net.add(make<sn::Dropout<double>>(0.25));
  net.add(make<sn::Affine<double>>(4, 3));
  net.initialize(sn::WeightInit::xavier());
  net.set_weight_decay(weight_decay);
  return net;
}

std::vector<std::string> names(const Net& net) {
  std::vector<std::string> out;
  for (const auto& p : net.params()) out.push_back(p.name);
  return out;
}

}  // namespace

TEST_CASE("A mixed stack's backprop matches the numerical gradient", "[sequential][gradient]") {
  sn::Rng rng(3);
  sn::Matrix<double> x(8, 6);
  rng.fill_normal(x, 1.0);
  sn::Labels labels(8);
  for (Index i = 0; i < 8; ++i) labels(i) = static_cast<int>(rng.below(3));
  sn::GradientCheckOptions check;
  check.h = 1e-5;  // batch norm on 8 rows is strongly curved (see test_network.cpp)
  for (const double lambda : {0.0, 0.1}) {
    Net net = mixed_net(lambda);
    const auto rows = sn::compare_gradients(net, x, labels, check);
    INFO("lambda " << lambda << "\n" << rows);
    REQUIRE(rows.size() == 8);
    for (const auto& row : rows) CHECK(row.max_relative < 1e-6);
  }
}

TEST_CASE("Sequential names parameters by the weighted layer they follow", "[sequential]") {
  Net net = mixed_net(0);
  CHECK(names(net) ==
        std::vector<std::string>{"W1", "b1", "W2", "b2", "gamma2", "beta2", "W3", "b3"});
  CHECK(net.buffers().size() == 2);
  CHECK(net.buffers()[0].name == "running_mean2");
  CHECK(net.output_size() == 3);
  CHECK(net.hidden_activations().size() == 2);
}

TEST_CASE("Weight decay acts on every W and nothing else", "[sequential]") {
  // By hand: loss(lambda) - loss(0) = 0.5 * lambda * (|W1|^2 + |W2|^2 + |W3|^2).
  sn::Matrix<double> x = sn::Matrix<double>::Ones(4, 6);
  sn::Labels labels(4);
  labels << 0, 1, 2, 0;
  Net plain = mixed_net(0), decayed = mixed_net(0.3);
  const double squares = plain.param("W1").squaredNorm() + plain.param("W2").squaredNorm() +
                         plain.param("W3").squaredNorm();
  CHECK(decayed.loss(x, labels) - plain.loss(x, labels) == Approx(0.5 * 0.3 * squares));
}

TEST_CASE("MultiLayerNet is the Sequential of its recipe", "[sequential]") {
  sn::MultiLayerNetOptions o;
  o.input_size = 6;
  o.hidden_sizes = {5, 4};
  o.output_size = 3;
  o.use_batchnorm = true;
  o.dropout_ratio = 0.2;
  o.seed = 9;
  const sn::MultiLayerNet<double> recipe(o);
  Net by_hand(6, 9);
  for (const auto& [in, out] : {std::pair<Index, Index>{6, 5}, {5, 4}}) {
    by_hand.add(make<sn::Affine<double>>(in, out));
    by_hand.add(make<sn::BatchNorm<double>>(out));
    by_hand.add(make<sn::Relu<double>>());
    by_hand.add(make<sn::Dropout<double>>(0.2));
  }
  by_hand.add(make<sn::Affine<double>>(4, 3));
  by_hand.initialize(sn::WeightInit::he());
  REQUIRE(names(by_hand) == names(recipe));
  for (std::size_t i = 0; i < recipe.params().size(); ++i) {
    CHECK(*by_hand.params()[i].value == *recipe.params()[i].value);
  }
}

TEST_CASE("Layers that do not fit are refused, naming the layer", "[sequential][errors]") {
  Net net(6);
  net.add(make<sn::Affine<double>>(6, 5));
  CHECK(sn::test::refusal([&] { net.add(make<sn::Affine<double>>(4, 3)); }) ==
        "layer 2 (affine): affine: takes rows of 4 values, gets 5");
  CHECK(sn::test::refusal([&] { net.add(make<sn::BatchNorm<double>>(3)); }) ==
        "layer 2 (batchnorm): batchnorm: normalises 3 features, gets 5");
  net.add(make<sn::BatchNorm<double>>(5));
  CHECK_THAT(sn::test::refusal([&] { net.add(make<sn::BatchNorm<double>>(5)); }),
             Contains("layer 3 (batchnorm): would name a parameter gamma1 again"));
  // A refused layer leaves the network as it was.
  CHECK(net.layers().size() == 2);
  CHECK(net.params().size() == 4);
  CHECK(net.output_size() == 5);
  CHECK(sn::test::refusal([] { Net bad(0); }) ==
        "input_size: must be positive and at most 2147483647, got 0");
}

TEST_CASE("A dropout layer outside a network says so", "[sequential][errors]") {
  sn::Dropout<double> dropout(0.5);
  const sn::Matrix<double> x = sn::Matrix<double>::Ones(2, 2);
  CHECK(sn::test::refusal([&] { dropout.forward(x, true); }) ==
        "dropout: has no random generator: add it to a network first");
  Net empty(2);
  sn::Labels labels(2);
  labels << 0, 1;
  CHECK(sn::test::refusal([&] { empty.loss(x, labels); }) == "Sequential: has no layers");
}
