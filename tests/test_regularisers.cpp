// L1 and max-norm (network/weight_penalty.hpp, layers/max_norm.hpp): the L1
// term in double-precision gradient checks and its loss and gradient by
// hand; max-norm keeping every column and filter within c through training,
// leaving those within c bit for bit; options refused by name; the run
// settings that name them.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "scratchnet/network/gradient_check.hpp"
#include "scratchnet/network/layer_spec.hpp"
#include "scratchnet/network/multi_layer_net.hpp"
#include "scratchnet/optimizers/optimizers.hpp"
#include "scratchnet/training/run_settings.hpp"
#include "support/blobs.hpp"
#include "support/unit_norms.hpp"

namespace {

namespace sn = scratchnet;
using MatD = sn::Matrix<double>;

MatD normal_values(sn::Index rows, sn::Index cols, std::uint64_t seed) {
  MatD m(rows, cols);
  sn::Rng(seed).fill_normal(m, 1.0);
  return m;
}

sn::Labels classes_of(sn::Index rows, int classes, std::uint64_t seed) {
  sn::Rng rng(seed);
  sn::Labels labels(rows);
  for (sn::Index i = 0; i < rows; ++i)
    labels(i) = static_cast<int>(rng.below(static_cast<std::uint64_t>(classes)));
  return labels;
}

double worst_relative_difference(const std::vector<sn::GradientDifference>& rows) {
  double worst = 0;
  for (const auto& row : rows) worst = std::max(worst, row.max_relative);
  return worst;
}

std::string value_of(const sn::RunSettings& settings, const std::string& name) {
  for (const sn::RunSetting& s : settings) {
    if (s.name == name) return s.value;
  }
  return "(absent)";
}

}  // namespace

TEST_CASE("L1 passes the double-precision gradient check", "[regularisers][gradient]") {
  const MatD x = normal_values(8, 6, 5);
  const sn::Labels labels = classes_of(8, 3, 6);
  for (double l2 : {0.0, 0.1}) {
    for (bool batchnorm : {false, true}) {
      sn::MultiLayerNetOptions o;
      o.input_size = 6;
      o.hidden_sizes = {5, 4};
      o.output_size = 3;
      o.activation = sn::Activation::tanh;  // no ReLU kink for a difference to straddle
      o.use_batchnorm = batchnorm;
      o.weight_decay_lambda = l2;
      o.l1_lambda = 0.05;
      o.seed = 11;
      sn::MultiLayerNet<double> net(o);
      sn::GradientCheckOptions check;
      check.h = 1e-5;  // far below every |W| here, so no difference straddles the kink at 0
      const auto rows = sn::compare_gradients(net, x, labels, check);
      INFO("l2 " << l2 << " batchnorm " << batchnorm << "\n" << rows);
      CHECK(worst_relative_difference(rows) < 1e-6);
    }
  }
  // A convolution's filters take L1 too.
  sn::Sequential<double> conv(sn::Shape{1, 5, 5}, 3);
  sn::add_layers(conv, sn::parse_layer_specs<double>("conv(2,3),relu,affine(3)"));
  conv.initialize(sn::WeightInit::he());
  conv.set_l1(0.05);
  const MatD images = normal_values(4, 25, 8);
  const auto rows = sn::compare_gradients(conv, images, classes_of(4, 3, 9));
  INFO(rows);
  CHECK(worst_relative_difference(rows) < 1e-6);
}

TEST_CASE("The L1 loss term and gradient by hand", "[regularisers]") {
  // 2 inputs, 2 classes, no hidden layer: scores = x W + b.
  sn::MultiLayerNetOptions o;
  o.input_size = 2;
  o.output_size = 2;
  sn::MultiLayerNet<double> plain(o);
  o.weight_decay_lambda = 0.5;
  o.l1_lambda = 0.2;
  sn::MultiLayerNet<double> penalised(o);
  for (auto* net : {&plain, &penalised}) {
    net->param("W1") << 1, -2, 0, 0.5;
    net->param("b1") << 3, -4;  // biases take no penalty
  }
  MatD x(2, 2);
  x << 2, 0, 0, 1;
  sn::Labels t(2);
  t << 0, 1;
  // sum |W| = 1 + 2 + 0 + 0.5 = 3.5; sum W^2 = 1 + 4 + 0 + 0.25 = 5.25
  const double l1_term = 0.2 * 3.5;
  const double l2_term = 0.5 * 0.5 * 5.25;
  CHECK(penalised.loss(x, t) == Approx(plain.loss(x, t) + l1_term + l2_term).epsilon(1e-12));

  plain.gradient(x, t);
  penalised.gradient(x, t);
  // dW gains 0.5 W + 0.2 sign(W), sign(0) = 0
  MatD added(2, 2);
  added << 0.5 * 1 + 0.2, 0.5 * -2 - 0.2, 0, 0.5 * 0.5 + 0.2;
  CHECK((penalised.grad("W1") - plain.grad("W1") - added).cwiseAbs().maxCoeff() < 1e-12);
  CHECK(penalised.grad("b1") == plain.grad("b1"));
}

TEST_CASE("Max-norm scales only the units beyond c, onto c", "[regularisers][max_norm]") {
  sn::MultiLayerNetOptions o;
  o.input_size = 2;
  o.output_size = 3;
  o.max_norm = 1.5;
  sn::MultiLayerNet<double> net(o);
  // Columns: (3, 4) of norm 5, (0.3, 0.4) of norm 0.5, (1.5, 0) exactly c.
  net.param("W1") << 3, 0.3, 1.5, 4, 0.4, 0;
  net.param("b1") << 10, 20, 30;
  const MatD before = net.param("W1");
  net.apply_max_norm();
  const MatD& after = net.param("W1");
  CHECK(after(0, 0) == Approx(3 * 1.5 / 5));
  CHECK(after(1, 0) == Approx(4 * 1.5 / 5));
  CHECK(after.col(0).norm() <= 1.5);
  CHECK(after.col(1) == before.col(1));  // bit for bit
  CHECK(after.col(2) == before.col(2));
  CHECK(net.param("b1") == (MatD(1, 3) << 10, 20, 30).finished());

  // A convolution's units are its filters, the rows of its W.
  sn::Sequential<double> conv(sn::Shape{1, 2, 2}, 1);
  sn::add_layers(conv, sn::parse_layer_specs<double>("conv(2,1),relu,affine(2)"));
  conv.set_max_norm(1);
  auto& filters = dynamic_cast<sn::WeightedLayer<double>&>(*conv.layers()[0]);
  filters.W << 2, 0.5;  // filter 1 of norm 2, filter 2 of norm 0.5
  conv.apply_max_norm();
  CHECK(filters.W(0, 0) == Approx(1.0));
  CHECK(filters.W(1, 0) == 0.5);
}

TEST_CASE("Under max-norm no unit's weights leave the ball through training",
          "[regularisers][max_norm]") {
  const sn::Dataset<float> data = sn::test::blobs(64, 6, 0.5, 3, 4);
  sn::MultiLayerNetOptions o;
  o.input_size = 6;
  o.hidden_sizes = {8, 8};
  o.output_size = 3;
  o.weight_init = sn::WeightInit(1.0);  // large: every column starts beyond c
  o.seed = 2;
  const double c = 0.4;  // not a float: the limit is the float below it
  sn::MultiLayerNet<float> free(o);
  o.max_norm = c;
  sn::MultiLayerNet<float> limited(o);
  sn::Adam<float> free_rule(0.05), limited_rule(0.05);
  for (int step = 0; step < 30; ++step) {
    free.gradient(data.x, data.labels);
    free_rule.update(free.params());
    limited.gradient(data.x, data.labels);
    limited_rule.update(limited.params());
    limited.apply_max_norm();
    INFO("step " << step);
    REQUIRE(sn::test::largest_unit_norm(limited) <= c);
  }
  CHECK(sn::test::largest_unit_norm(free) > c);  // without it the weights do go beyond c

  sn::Sequential<float> conv(sn::Shape{1, 6, 1}, 5);
  sn::add_layers(conv, sn::parse_layer_specs<float>("conv(3,1),relu,affine(3)"));
  conv.initialize(sn::WeightInit(2.0));
  conv.set_max_norm(c);
  sn::SGD<float> sgd(0.5);
  for (int step = 0; step < 10; ++step) {
    conv.gradient(data.x, data.labels);
    sgd.update(conv.params());
    conv.apply_max_norm();
  }
  CHECK(sn::test::largest_unit_norm(conv) <= c);
}

TEST_CASE("L1 and max-norm refuse bad values by name", "[regularisers][errors]") {
  const auto refusal = [](auto change) {
    sn::MultiLayerNetOptions o;
    o.hidden_sizes = {3};
    change(o);
    try {
      sn::MultiLayerNet<float> net(o);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK(refusal([](sn::MultiLayerNetOptions& o) { o.l1_lambda = -0.1; }) ==
        "l1_lambda: must be a finite number >= 0, got -0.1");
  CHECK(refusal([](sn::MultiLayerNetOptions& o) { o.l1_lambda = NAN; }) ==
        "l1_lambda: must be a finite number >= 0, got nan");
  CHECK(refusal([](sn::MultiLayerNetOptions& o) { o.max_norm = -2; }) ==
        "max_norm: must be a finite number >= 0 (0 = off), got -2");
  CHECK(refusal([](sn::MultiLayerNetOptions& o) { o.max_norm = INFINITY; }) ==
        "max_norm: must be a finite number >= 0 (0 = off), got inf");
  sn::Sequential<double> net(3);
  CHECK_THROWS_WITH(net.set_l1(-1), "l1_lambda: must be a finite number >= 0, got -1");
  CHECK_THROWS_WITH(net.set_max_norm(NAN),
                    "max_norm: must be a finite number >= 0 (0 = off), got nan");
}

TEST_CASE("Run settings name L1 and max-norm only when they are used", "[regularisers]") {
  sn::MultiLayerNetOptions o;
  o.input_size = 4;
  o.hidden_sizes = {3};
  o.output_size = 2;
  sn::RunSettings plain;
  sn::add_network_settings(plain, sn::MultiLayerNet<float>(o));
  CHECK(value_of(plain, "network.l1_lambda") == "(absent)");
  CHECK(value_of(plain, "network.max_norm") == "(absent)");

  o.l1_lambda = 0.001;
  o.max_norm = 3;
  const sn::MultiLayerNet<float> net(o);
  const auto recipe = sn::recipe_of(net);
  REQUIRE(recipe);
  CHECK(recipe->l1_lambda == 0.001);
  CHECK(recipe->max_norm == 3);
  sn::RunSettings constrained;
  sn::add_network_settings(constrained, net);
  CHECK(value_of(constrained, "network.l1_lambda") == "0.001");
  CHECK(value_of(constrained, "network.max_norm") == "3");
  CHECK_THROWS_AS(sn::require_same_run("run.ckpt", plain, constrained), sn::CheckpointMismatch);

  sn::Sequential<float> any(4);
  sn::add_layers(any, sn::parse_layer_specs<float>("affine(3),tanh,affine(3),affine(2)"));
  any.set_max_norm(2.5);
  sn::RunSettings layered;
  sn::add_network_settings(layered, any);
  CHECK(value_of(layered, "network.max_norm") == "2.5");
  CHECK(value_of(layered, "network.l1_lambda") == "(absent)");
}
