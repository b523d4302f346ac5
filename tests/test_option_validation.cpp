// Every field of MultiLayerNetOptions, of the optimizers (constructor
// arguments and OptimizerOptions through make_optimizer) and of TrainerOptions
// against the values that must be refused: NaN, infinities, negatives, zero
// sizes, a dropout ratio of 1 or more, a batch larger than the data. One test
// per field; each refusal is std::invalid_argument whose message starts with
// the field's name, and the edge values that are valid are accepted.
#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "scratchnet/network/multi_layer_net.hpp"
#include "scratchnet/optimizers/make_optimizer.hpp"
#include "scratchnet/training/trainer.hpp"
#include "support/errors.hpp"

namespace {

namespace sn = scratchnet;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using sn::Index;
using sn::test::refusal;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ------------------------------------------------------ MultiLayerNetOptions

sn::MultiLayerNetOptions small_net() {
  sn::MultiLayerNetOptions o;
  o.input_size = 4;
  o.hidden_sizes = {5, 3};
  o.output_size = 2;
  o.dropout_ratio = 0.1;
  o.use_batchnorm = true;
  return o;
}

// validate() and both networks refuse the options, naming field.
void net_refuses(const sn::MultiLayerNetOptions& o, const std::string& field) {
  const auto named = StartsWith(field + ": ");
  CHECK_THAT(refusal([&] { o.validate(); }), named);
  CHECK_THAT(refusal([&] { sn::MultiLayerNet<float> net(o); }), named);
  CHECK_THAT(refusal([&] { sn::MultiLayerNet<double> net(o); }), named);
}

void net_accepts(const sn::MultiLayerNetOptions& o) {
  CHECK_NOTHROW(o.validate());
  CHECK_NOTHROW(sn::MultiLayerNet<float>(o));
}

// ------------------------------------------------------------------ Trainer

sn::Dataset<float> dataset(Index n) {
  sn::Rng rng(3);
  sn::Dataset<float> d{sn::Matrix<float>(n, 4), sn::Labels(n)};
  rng.fill_normal(d.x, 1.0);
  for (Index i = 0; i < n; ++i) d.labels(i) = static_cast<int>(i % 2);
  return d;
}

struct TrainerSetup {
  sn::MultiLayerNet<float> net{small_net()};
  sn::SGD<float> sgd;
  sn::Dataset<float> train = dataset(20);
  sn::Dataset<float> test = dataset(6);

  std::string refusal_of(const sn::TrainerOptions& o) {
    return refusal([&] { sn::Trainer<float> trainer(net, sgd, train, test, o); });
  }
  void accepts(const sn::TrainerOptions& o) {
    CHECK_NOTHROW(sn::Trainer<float>(net, sgd, train, test, o));
  }
};

sn::TrainerOptions trainer_options() {
  sn::TrainerOptions o;
  o.epochs = 1;
  o.batch_size = 5;
  return o;
}

// ---------------------------------------------------------------- Optimizers

// Every rule's constructor and make_optimizer refuse what change sets, naming
// field: make(value) builds the rule directly.
void optimizer_refuses(const std::string& field, double value,
                       const std::function<void(double)>& make, const std::string& name,
                       void (*set)(sn::OptimizerOptions&, double)) {
  INFO(name << " " << field << " = " << value);
  const auto named = StartsWith(field + ": ");
  CHECK_THAT(refusal([&] { make(value); }), named);
  sn::OptimizerOptions options;
  set(options, value);
  CHECK_THAT(refusal([&] { sn::make_optimizer<float>(name, options); }), named);
  CHECK_THAT(refusal([&] { sn::make_optimizer<double>(name, options); }), named);
}

// Values outside [0, 1): the range of momentum, decay and the betas.
const std::vector<double> kNotFractions = {kNaN, kInf, -kInf, -0.1, 1.0, 1.5};

}  // namespace

TEST_CASE("input_size must be positive", "[options][network]") {
  for (const Index bad : {Index{0}, Index{-1}, std::numeric_limits<Index>::min()}) {
    sn::MultiLayerNetOptions o = small_net();
    o.input_size = bad;
    net_refuses(o, "input_size");
  }
  sn::MultiLayerNetOptions o = small_net();
  o.input_size = 1;
  net_accepts(o);
}

TEST_CASE("hidden_sizes must all be positive, each named by its index", "[options][network]") {
  const std::vector<std::pair<std::vector<Index>, std::string>> cases = {
      {{0}, "hidden_sizes[0]"},
      {{-3}, "hidden_sizes[0]"},
      {{5, 0}, "hidden_sizes[1]"},
      {{5, 4, -1}, "hidden_sizes[2]"},
      {{5, 4, 3, std::numeric_limits<Index>::min()}, "hidden_sizes[3]"}};
  for (const auto& [sizes, field] : cases) {
    sn::MultiLayerNetOptions o = small_net();
    o.hidden_sizes = sizes;
    net_refuses(o, field);
  }
  sn::MultiLayerNetOptions o = small_net();
  o.hidden_sizes = {};  // no hidden layer: softmax regression
  net_accepts(o);
  o.hidden_sizes = {1, 1};
  net_accepts(o);
}

TEST_CASE("output_size must be positive", "[options][network]") {
  for (const Index bad : {Index{0}, Index{-1}, std::numeric_limits<Index>::min()}) {
    sn::MultiLayerNetOptions o = small_net();
    o.output_size = bad;
    net_refuses(o, "output_size");
  }
  sn::MultiLayerNetOptions o = small_net();
  o.output_size = 1;
  net_accepts(o);
}

TEST_CASE("activation must be one of the three", "[options][network]") {
  for (const int code : {3, -1, 255}) {
    INFO("code " << code);
    sn::MultiLayerNetOptions o = small_net();
    o.activation = static_cast<sn::Activation>(code);
    net_refuses(o, "activation");
  }
  CHECK_THAT(refusal([] { sn::parse_activation("softplus"); }), StartsWith("activation: "));
  CHECK_THAT(refusal([] { sn::parse_activation(""); }), StartsWith("activation: "));
  for (const auto a : {sn::Activation::relu, sn::Activation::sigmoid, sn::Activation::tanh}) {
    sn::MultiLayerNetOptions o = small_net();
    o.activation = a;
    net_accepts(o);
  }
}

TEST_CASE("weight_init must be a finite positive standard deviation", "[options][network]") {
  for (const double bad : {kNaN, kInf, -kInf, 0.0, -0.0, -0.01}) {
    INFO("std " << bad);
    CHECK_THAT(refusal([&] { sn::WeightInit init(bad); }), StartsWith("weight_init: "));
  }
  for (const char* bad : {"nan", "inf", "-inf", "0", "-1", "1e999", "", "0.01x", "glorot"}) {
    INFO("'" << bad << "'");
    CHECK_THAT(refusal([&] { sn::WeightInit::parse(bad); }), StartsWith("weight_init: "));
  }
  sn::MultiLayerNetOptions o = small_net();
  o.weight_init = sn::WeightInit(std::numeric_limits<double>::denorm_min());
  net_accepts(o);
  o.weight_init = sn::WeightInit::parse("xavier");
  net_accepts(o);
}

TEST_CASE("weight_decay_lambda must be finite and >= 0", "[options][network]") {
  for (const double bad : {kNaN, kInf, -kInf, -1e-12, -1.0}) {
    INFO("lambda " << bad);
    sn::MultiLayerNetOptions o = small_net();
    o.weight_decay_lambda = bad;
    net_refuses(o, "weight_decay_lambda");
  }
  sn::MultiLayerNetOptions o = small_net();
  o.weight_decay_lambda = 0;
  net_accepts(o);
  o.weight_decay_lambda = 1e6;
  net_accepts(o);
  // A value is printed in a few digits: std::to_string gave -1e308 as 309
  // digits and -1e-12 as "-0.000000".
  o.weight_decay_lambda = -1e308;
  CHECK(refusal([&] { o.validate(); }) ==
        "weight_decay_lambda: must be a finite number >= 0, got -1e+308");
  o.weight_decay_lambda = -1e-12;
  CHECK(refusal([&] { o.validate(); }) ==
        "weight_decay_lambda: must be a finite number >= 0, got -1e-12");
}

TEST_CASE("use_batchnorm has no invalid value", "[options][network]") {
  for (const bool on : {false, true}) {
    sn::MultiLayerNetOptions o = small_net();
    o.use_batchnorm = on;
    net_accepts(o);
    CHECK(sn::MultiLayerNet<float>(o).params().size() == (on ? 10U : 6U));
  }
}

TEST_CASE("hidden_sizes may not make more than 2^27 values", "[options][network]") {
  // 784 inputs, one hidden layer of h, 10 outputs: 784h + h + 10h + 10 values.
  sn::MultiLayerNetOptions o;
  o.hidden_sizes = {168827};  // 134,217,475 values
  CHECK(o.value_count() == 134217475);
  CHECK_NOTHROW(o.validate());
  o.hidden_sizes = {168828};  // 795 more: 134,218,270
  CHECK_THAT(refusal([&] { o.validate(); }),
             StartsWith("hidden_sizes: ") && Contains("134218270") && Contains("134217728"));
  // What issue 15 saw end in std::bad_alloc, and sizes whose count overflows.
  for (const sn::Index huge : {sn::Index{1000000000}, std::numeric_limits<sn::Index>::max()}) {
    o.hidden_sizes = {huge, huge};
    net_refuses(o, "hidden_sizes");
  }
}

TEST_CASE("dropout_ratio must be at least 0 and below 1", "[options][network]") {
  for (const double bad : {kNaN, kInf, -kInf, -0.1, 1.0, 1.5}) {
    INFO("ratio " << bad);
    sn::MultiLayerNetOptions o = small_net();
    o.dropout_ratio = bad;
    net_refuses(o, "dropout_ratio");
  }
  for (const double good : {0.0, 0.5, 0.999}) {
    sn::MultiLayerNetOptions o = small_net();
    o.dropout_ratio = good;
    net_accepts(o);
  }
}

TEST_CASE("inverted_dropout has no invalid value", "[options][network]") {
  for (const bool inverted : {false, true}) {
    for (const double ratio : {0.0, 0.5}) {
      sn::MultiLayerNetOptions o = small_net();
      o.inverted_dropout = inverted;
      o.dropout_ratio = ratio;  // with no dropout the flag does nothing
      net_accepts(o);
    }
  }
}

TEST_CASE("any seed is a seed", "[options][network]") {
  for (const std::uint64_t seed : {std::uint64_t{0}, std::numeric_limits<std::uint64_t>::max()}) {
    sn::MultiLayerNetOptions o = small_net();
    o.seed = seed;
    net_accepts(o);
  }
}

TEST_CASE("lr must be a finite positive number, given or through make_optimizer",
          "[options][optimizers]") {
  const std::vector<std::pair<std::string, std::function<void(double)>>> rules = {
      {"sgd", [](double lr) { sn::SGD<float> o(lr); }},
      {"momentum", [](double lr) { sn::Momentum<double> o(lr); }},
      {"nesterov", [](double lr) { sn::Nesterov<float> o(lr); }},
      {"adagrad", [](double lr) { sn::AdaGrad<double> o(lr); }},
      {"rmsprop", [](double lr) { sn::RMSProp<float> o(lr); }},
      {"adam", [](double lr) { sn::Adam<double> o(lr); }}};
  for (const auto& [name, make] : rules) {
    // NaN too: OptimizerOptions::lr is empty for "the rule's default", so a
    // NaN is a mistake like any other.
    for (const double bad : {kNaN, kInf, -kInf, 0.0, -0.0, -0.001}) {
      optimizer_refuses("lr", bad, make, name, [](sn::OptimizerOptions& o, double v) { o.lr = v; });
      auto rule = sn::make_optimizer<float>(name);
      CHECK_THAT(refusal([&] { rule->set_learning_rate(bad); }), StartsWith("lr: "));
      CHECK(rule->learning_rate() == (name == "adam" ? 0.001 : 0.01));
    }
    CHECK(sn::make_optimizer<double>(name, sn::OptimizerOptions{})->learning_rate() > 0);
    sn::OptimizerOptions tiny;
    tiny.lr = std::numeric_limits<double>::denorm_min();
    CHECK(sn::make_optimizer<double>(name, tiny)->learning_rate() == tiny.lr);
  }
}

TEST_CASE("momentum must be at least 0 and below 1", "[options][optimizers]") {
  const auto set = [](sn::OptimizerOptions& o, double v) { o.momentum = v; };
  for (const double bad : kNotFractions) {
    optimizer_refuses(
        "momentum", bad, [](double m) { sn::Momentum<float> o(0.01, m); }, "momentum", set);
    optimizer_refuses(
        "momentum", bad, [](double m) { sn::Nesterov<double> o(0.01, m); }, "nesterov", set);
  }
  CHECK_NOTHROW(sn::Momentum<float>(0.01, 0.0));
  CHECK_NOTHROW(sn::Nesterov<float>(0.01, 0.999));
}

TEST_CASE("decay must be at least 0 and below 1", "[options][optimizers]") {
  const auto set = [](sn::OptimizerOptions& o, double v) { o.decay = v; };
  for (const double bad : kNotFractions) {
    optimizer_refuses(
        "decay", bad, [](double d) { sn::RMSProp<float> o(0.01, d); }, "rmsprop", set);
  }
  CHECK_NOTHROW(sn::RMSProp<double>(0.01, 0.0));
}

TEST_CASE("beta1 must be at least 0 and below 1", "[options][optimizers]") {
  const auto set = [](sn::OptimizerOptions& o, double v) { o.beta1 = v; };
  for (const double bad : kNotFractions) {
    optimizer_refuses(
        "beta1", bad, [](double b) { sn::Adam<float> o(0.001, b); }, "adam", set);
  }
  CHECK_NOTHROW(sn::Adam<double>(0.001, 0.0));
}

TEST_CASE("beta2 must be at least 0 and below 1", "[options][optimizers]") {
  const auto set = [](sn::OptimizerOptions& o, double v) { o.beta2 = v; };
  for (const double bad : kNotFractions) {
    optimizer_refuses(
        "beta2", bad, [](double b) { sn::Adam<double> o(0.001, 0.9, b); }, "adam", set);
  }
  CHECK_NOTHROW(sn::Adam<float>(0.001, 0.9, 0.0));
}

TEST_CASE("epochs must be >= 0", "[options][trainer]") {
  TrainerSetup s;
  for (const int bad : {-1, std::numeric_limits<int>::min()}) {
    sn::TrainerOptions o = trainer_options();
    o.epochs = bad;
    CHECK_THAT(s.refusal_of(o), StartsWith("epochs: "));
  }
  sn::TrainerOptions o = trainer_options();
  o.epochs = 0;  // builds, and trains nothing
  s.accepts(o);
  CHECK(sn::Trainer<float>(s.net, s.sgd, s.train, s.test, o).train().epochs.empty());
}

TEST_CASE("batch_size must be positive and at most the training samples", "[options][trainer]") {
  TrainerSetup s;
  for (const Index bad : {Index{0}, Index{-1}, std::numeric_limits<Index>::min(), Index{21},
                          std::numeric_limits<Index>::max()}) {
    INFO("batch " << bad);
    sn::TrainerOptions o = trainer_options();
    o.batch_size = bad;
    CHECK_THAT(s.refusal_of(o), StartsWith("batch_size: "));
  }
  sn::TrainerOptions o = trainer_options();
  o.batch_size = 21;
  CHECK_THAT(s.refusal_of(o), StartsWith("batch_size: 21 is larger than the 20 training samples"));
  o.batch_size = 20;  // one batch of everything
  s.accepts(o);
  o.batch_size = 1;
  s.accepts(o);
}

TEST_CASE("sampling must be shuffle or book", "[options][trainer]") {
  TrainerSetup s;
  for (const int code : {2, -1, 100}) {
    INFO("code " << code);
    sn::TrainerOptions o = trainer_options();
    o.sampling = static_cast<sn::Sampling>(code);
    CHECK_THAT(s.refusal_of(o), StartsWith("sampling: "));
  }
  for (const auto sampling : {sn::Sampling::shuffle, sn::Sampling::book}) {
    sn::TrainerOptions o = trainer_options();
    o.sampling = sampling;
    s.accepts(o);
  }
}

TEST_CASE("evaluate_samples must be >= 0", "[options][trainer]") {
  TrainerSetup s;
  for (const Index bad : {Index{-1}, std::numeric_limits<Index>::min()}) {
    sn::TrainerOptions o = trainer_options();
    o.evaluate_samples = bad;
    CHECK_THAT(s.refusal_of(o), StartsWith("evaluate_samples: "));
  }
  for (const Index good : {Index{0}, Index{1}, Index{1000}}) {  // more than there are: all
    sn::TrainerOptions o = trainer_options();
    o.evaluate_samples = good;
    s.accepts(o);
  }
}

TEST_CASE("the trainer's seed has no invalid value", "[options][trainer]") {
  TrainerSetup s;
  for (const std::uint64_t seed : {std::uint64_t{0}, std::numeric_limits<std::uint64_t>::max()}) {
    sn::TrainerOptions o = trainer_options();
    o.seed = seed;
    s.accepts(o);
  }
}

TEST_CASE("checkpoint_every must be positive", "[options][trainer]") {
  TrainerSetup s;
  for (const int bad : {0, -1, std::numeric_limits<int>::min()}) {
    sn::TrainerOptions o = trainer_options();
    o.checkpoint_every = bad;
    CHECK_THAT(s.refusal_of(o), StartsWith("checkpoint_every: "));
  }
}
