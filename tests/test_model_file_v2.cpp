// Model files of version 2 (network/model_file.hpp, docs/model-format.md) for
// any Sequential: an exact round trip of layers, tensors and settings; the
// bytes of a file written field by field from the documented layout; each
// field a crafted file gets wrong refused by name, before anything is
// allocated; MultiLayerNet::load takes only its own recipe. Version 3, the
// same with L1 and max-norm after the weight decay, for a network that uses
// them.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "scratchnet/core/binary_writer.hpp"
#include "scratchnet/network/layer_spec.hpp"
#include "scratchnet/network/model_file.hpp"
#include "support/bytes.hpp"
#include "support/model_bytes.hpp"
#include "support/temp_dir.hpp"

namespace sn = scratchnet;
using Catch::Matchers::StartsWith;
using sn::test::Bytes;
using sn::test::TempDir;

namespace {

// A version-2 (or 3) file written field by field as docs/model-format.md
// lays it out, independently of the library's writer. Tensors hold 0, 1, 2, ...
struct HandWrittenModel {
  struct Tensor {
    std::string name;
    std::uint64_t rows, cols;
  };
  std::uint32_t version = 2;
  std::uint32_t scalar = 8;
  std::int64_t channels = 2, height = 1, width = 1;
  std::string loss = "softmax_cross_entropy";
  double weight_decay = 0.5;
  double l1 = 0, max_norm = 0;  // version 3 only
  std::uint64_t seed = 9;
  std::uint32_t init_code = 0;
  double init_std = 0.25;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> layers = {
      {"affine", {{"outputs", 3}}}, {"relu", {}}, {"affine", {{"outputs", 2}}}};
  std::vector<Tensor> params = {{"W1", 2, 3}, {"b1", 1, 3}, {"W2", 3, 2}, {"b2", 1, 2}};
  std::vector<Tensor> buffers;

  Bytes bytes() const {
    sn::BinaryWriter out;
    const std::string magic = "SCRNMODL";
    out.raw(reinterpret_cast<const unsigned char*>(magic.data()), magic.size());
    out.u32(version);
    out.u32(scalar);
    out.i64(channels);
    out.i64(height);
    out.i64(width);
    out.string(loss);
    out.f64(weight_decay);
    if (version >= 3) {
      out.f64(l1);
      out.f64(max_norm);
    }
    out.u64(seed);
    out.u32(init_code);
    out.f64(init_std);
    out.u32(static_cast<std::uint32_t>(layers.size()));
    for (const auto& [kind, arguments] : layers) {
      out.string(kind);
      out.u32(static_cast<std::uint32_t>(arguments.size()));
      for (const auto& [name, value] : arguments) {
        out.string(name);
        out.f64(value);
      }
    }
    for (const std::vector<Tensor>* list : {&params, &buffers}) {
      out.u32(static_cast<std::uint32_t>(list->size()));
      for (const Tensor& t : *list) {
        out.string(t.name);
        out.u64(t.rows);
        out.u64(t.cols);
        for (std::uint64_t i = 0; i < t.rows * t.cols; ++i) {
          if (scalar == 4) {
            const auto v = static_cast<float>(i);
            std::uint32_t bits;
            std::memcpy(&bits, &v, 4);
            out.u32(bits);
          } else {
            out.f64(static_cast<double>(i));
          }
        }
      }
    }
    out.crc32_of_all();
    return out.take();
  }
};

// A stack no MultiLayerNet makes: mixed activations, batch norm with its own
// momentum in one layer, inverted dropout.
template <typename T>
sn::Sequential<T> mixed_stack() {
  sn::Sequential<T> net(6, 5);
  sn::add_layers(net, sn::parse_layer_specs<T>("affine(5),batchnorm(0.8),tanh,dropout(0.3,1),"
                                               "affine(4),sigmoid,affine(3)"));
  net.initialize(sn::WeightInit::xavier());
  net.set_weight_decay(0.02);
  sn::Matrix<T> x(8, 6);
  sn::Rng(3).fill_normal(x, 1.0);
  sn::Labels labels(8);
  labels << 0, 1, 2, 0, 1, 2, 0, 1;
  for (int step = 0; step < 3; ++step) {
    net.gradient(x, labels);
    for (const auto& p : net.params()) *p.value -= T(0.1) * *p.grad;
  }
  return net;
}

// The network HandWrittenModel{} describes, built through the library.
sn::Sequential<double> hand_written_network() {
  sn::Sequential<double> net(2, 9);
  net.add("affine", {{"outputs", 3}}).add("relu").add("affine", {{"outputs", 2}});
  net.initialize(sn::WeightInit(0.25));
  net.set_weight_decay(0.5);
  for (const auto& p : net.params()) {
    for (sn::Index i = 0; i < p.value->size(); ++i) p.value->data()[i] = static_cast<double>(i);
  }
  return net;
}

template <typename T>
std::string sequential_load_error(const std::string& path, const Bytes& bytes) {
  return sn::test::load_error<T, sn::Sequential<T>>(path, bytes);
}

}  // namespace

TEMPLATE_TEST_CASE("Any Sequential loads to the network it saved", "[model_file]", float, double) {
  TempDir dir;
  const std::string path = dir.file("model.bin");
  sn::Sequential<TestType> net = mixed_stack<TestType>();
  net.save(path);
  sn::Sequential<TestType> loaded = sn::Sequential<TestType>::load(path);

  CHECK(sn::to_string(sn::layer_specs(loaded)) ==
        "affine(5),batchnorm(0.8),tanh,dropout(0.3,1),affine(4),sigmoid,affine(3)");
  CHECK(loaded.input_size() == 6);
  CHECK(loaded.seed() == 5);
  CHECK(loaded.weight_decay() == 0.02);
  REQUIRE(loaded.initialized_with().has_value());
  CHECK(loaded.initialized_with()->to_string() == "xavier");
  REQUIRE(loaded.params().size() == net.params().size());
  for (std::size_t i = 0; i < net.params().size(); ++i) {
    INFO(net.params()[i].name);
    CHECK(loaded.params()[i].name == net.params()[i].name);
    CHECK(*loaded.params()[i].value == *net.params()[i].value);
  }
  REQUIRE(loaded.buffers().size() == 2);
  CHECK(*loaded.buffers()[1].value == *net.buffers()[1].value);
  CHECK(net.buffers()[1].value->cwiseAbs().maxCoeff() > 0);
  sn::Matrix<TestType> x(4, 6);
  sn::Rng(8).fill_normal(x, 1.0);
  CHECK(loaded.predict(x) == net.predict(x));
  // Saved again, the same bytes.
  CHECK(loaded.to_bytes() == sn::test::read_bytes(path));
  // The other scalar type is refused by name.
  using Other = std::conditional_t<std::is_same_v<TestType, float>, double, float>;
  CHECK_THAT(sequential_load_error<Other>(path, sn::test::read_bytes(path)),
             StartsWith(path + ": holds " + (sizeof(TestType) == 4 ? "float" : "double") +
                        " parameters, loading as Sequential<"));
}

TEST_CASE("The library writes the documented layout", "[model_file]") {
  sn::Sequential<double> net = hand_written_network();
  CHECK(net.to_bytes() == HandWrittenModel{}.bytes());

  // And reads it back: no init rule, a float file, a batch norm's buffers.
  HandWrittenModel model;
  model.init_code = 3;
  model.init_std = 0;
  model.scalar = 4;
  model.layers = {{"affine", {{"outputs", 3}}}, {"batchnorm", {}}};
  model.params = {{"W1", 2, 3}, {"b1", 1, 3}, {"gamma1", 1, 3}, {"beta1", 1, 3}};
  model.buffers = {{"running_mean1", 1, 3}, {"running_var1", 1, 3}};
  const sn::Sequential<float> loaded = sn::Sequential<float>::from_bytes(model.bytes());
  CHECK(!loaded.initialized_with().has_value());
  CHECK((*loaded.buffers()[1].value)(0, 2) == 2.0F);
  CHECK(loaded.to_bytes() == model.bytes());
}

TEST_CASE("A network with L1 or max-norm is written as version 3", "[model_file][regularisers]") {
  sn::Sequential<double> net = hand_written_network();
  net.set_l1(0.001);
  net.set_max_norm(3);
  HandWrittenModel model;
  model.version = 3;
  model.l1 = 0.001;
  model.max_norm = 3;
  CHECK(net.to_bytes() == model.bytes());
  const sn::Sequential<double> loaded = sn::Sequential<double>::from_bytes(model.bytes());
  CHECK(loaded.l1() == 0.001);
  CHECK(loaded.max_norm() == 3);
  CHECK(loaded.weight_decay() == 0.5);
  // One of the two is enough; without both, version 2 as before.
  net.set_l1(0);
  model.l1 = 0;
  CHECK(net.to_bytes() == model.bytes());
  net.set_max_norm(0);
  CHECK(net.to_bytes() == HandWrittenModel{}.bytes());
  // A MultiLayerNet keeps them in its options.
  sn::MultiLayerNetOptions o;
  o.input_size = 3;
  o.hidden_sizes = {4};
  o.output_size = 2;
  o.l1_lambda = 1e-4;
  o.max_norm = 2;
  const auto again = sn::MultiLayerNet<float>::from_bytes(sn::MultiLayerNet<float>(o).to_bytes());
  CHECK(again.options().l1_lambda == 1e-4);
  CHECK(again.options().max_norm == 2);

  TempDir dir;
  const std::string path = dir.file("v3.bin");
  HandWrittenModel bad = model;
  bad.l1 = -1;
  CHECK(sequential_load_error<double>(path, bad.bytes()) ==
        path + ": invalid l1_lambda: must be a finite number >= 0, got -1");
  bad = model;
  bad.max_norm = NAN;
  CHECK(sequential_load_error<double>(path, bad.bytes()) ==
        path + ": invalid max_norm: must be a finite number >= 0 (0 = off), got nan");
}

TEST_CASE("Crafted version-2 files name the fault", "[model_file][errors]") {
  TempDir dir;
  const std::string path = dir.file("bad.bin");
  REQUIRE(sequential_load_error<double>(path, HandWrittenModel{}.bytes()).empty());
  const auto error_of = [&](const HandWrittenModel& model) {
    return sequential_load_error<double>(path, model.bytes());
  };
  const auto with_layers = [](decltype(HandWrittenModel::layers) layers) {
    HandWrittenModel model;
    model.layers = std::move(layers);
    return model;
  };
  const auto refused = [&](const std::string& why) { return path + ": " + why; };

  CHECK(error_of(with_layers({{"conv9", {}}})) ==
        refused("layer 1 (conv9): unknown layer kind 'conv9' (known: affine, avgpool, batchnorm, "
                "conv, dropout, flatten, maxpool, relu, sigmoid, tanh)"));
  CHECK(error_of(with_layers({{"affine", {}}})) ==
        refused("layer 1 (affine): argument 'outputs': missing"));
  CHECK(error_of(with_layers({{"affine", {{"outputs", 3}, {"units", 1}}}})) ==
        refused("layer 1 (affine): argument 'units': unknown (affine takes outputs)"));
  CHECK(error_of(with_layers({{"affine", {{"outputs", 3}, {"outputs", 3}}}})) ==
        refused("layer 1 (affine): argument 'outputs' twice"));
  CHECK(error_of(with_layers({{"affine", {{"outputs", 2.5}}}})) ==
        refused("layer 1 (affine): argument 'outputs': must be a whole number in [1, 2147483647], "
                "got 2.5"));
  CHECK(error_of(with_layers({{"affine", {{"outputs", std::nan("")}}}})) ==
        refused("layer 1 (affine): argument 'outputs': must be a whole number in [1, 2147483647], "
                "got nan"));
  CHECK(error_of(with_layers({{"affine", {{"outputs", 1e12}}}})) ==
        refused("layer 1 (affine): argument 'outputs': must be a whole number in [1, 2147483647], "
                "got 1e+12"));
  // A size the file cannot hold is refused before the layer is made.
  CHECK_THAT(error_of(with_layers({{"affine", {{"outputs", 100000}}}})),
             StartsWith(refused("truncated: layers 1 to 1 hold 300000 parameter and buffer values "
                                "of 8 bytes, but only ")));
  CHECK_THAT(error_of(with_layers({{"affine", {{"outputs", 3}}}, {"dropout", {{"ratio", 1.5}}}})),
             StartsWith(refused("layer 2 (dropout): dropout_ratio: must be in [0, 1)")));
  HandWrittenModel two_batchnorms =
      with_layers({{"affine", {{"outputs", 3}}}, {"batchnorm", {}}, {"batchnorm", {}}});
  two_batchnorms.buffers = {{"room for the values", 1, 40}};
  CHECK_THAT(error_of(two_batchnorms),
             StartsWith(refused("layer 3 (batchnorm): would name a parameter gamma1 again")));
  CHECK(error_of(with_layers({})) == refused("holds no layers"));

  HandWrittenModel model;
  model.loss = "hinge";
  CHECK(error_of(model) ==
        refused("loss: unknown 'hinge' (known: softmax_cross_entropy, mean_squared_error)"));
  model = {};
  model.init_code = 9;
  CHECK(error_of(model) == refused("unknown init rule code 9"));
  model.init_code = 0;
  model.init_std = -1;
  CHECK_THAT(error_of(model), StartsWith(refused("invalid init rule: ")));
  model = {};
  model.weight_decay = -1;
  CHECK_THAT(error_of(model), StartsWith(refused("invalid weight_decay_lambda: ")));
  model = {};
  model.channels = 0;
  CHECK(error_of(model) == refused("invalid input shape 0x1x1 (each at least 1, at most "
                                   "2147483647 values in all)"));
  model.channels = std::int64_t{1} << 40;
  CHECK_THAT(error_of(model), StartsWith(refused("invalid input shape 1099511627776x1x1")));
  model.channels = 1 << 16;
  model.height = 1 << 16;
  CHECK_THAT(error_of(model), StartsWith(refused("invalid input shape 65536x65536x1")));
  model.channels = -1;
  CHECK_THAT(error_of(model), StartsWith(refused("invalid input shape -1x65536x1")));

  // Tensors against the layers.
  model = {};
  model.params[0].name = "X1";
  CHECK(error_of(model) == refused("parameter 1 is named 'X1' but its layer list has 'W1' there"));
  model = {};
  model.params[2].rows = 2;
  CHECK(error_of(model) == refused("parameter W2 is 2x2 but its layer list makes it 3x2"));
  model = {};
  model.params.pop_back();
  CHECK(error_of(model) == refused("holds 3 parameters but its layer list has 4"));
  model = {};
  model.buffers = {{"running_mean1", 1, 3}};
  CHECK(error_of(model) == refused("holds 1 buffers but its layer list has 0"));
}

TEMPLATE_TEST_CASE("MultiLayerNet loads its own recipe and names any other", "[model_file]", float,
                   double) {
  TempDir dir;
  const std::string path = dir.file("model.bin");
  mixed_stack<TestType>().save(path);
  const std::string scalar = sizeof(TestType) == 4 ? "float" : "double";
  CHECK(sn::test::load_error<TestType>(path, sn::test::read_bytes(path)) ==
        path +
            ": its layers (affine(5),batchnorm(0.8),tanh,dropout(0.3,1),affine(4),sigmoid,"
            "affine(3)) are not a MultiLayerNet; load it with Sequential<" +
            scalar + ">::load");

  // The recipe's layers built by hand are the recipe.
  sn::MultiLayerNetOptions options;
  options.input_size = 6;
  options.hidden_sizes = {5, 4};
  options.output_size = 3;
  options.activation = sn::Activation::tanh;
  options.use_batchnorm = true;
  options.dropout_ratio = 0.25;
  options.inverted_dropout = true;
  options.weight_init = sn::WeightInit(0.1);
  options.weight_decay_lambda = 0.125;
  options.seed = 77;
  sn::Sequential<TestType> by_hand(6, 77);
  sn::add_layers(by_hand, sn::parse_layer_specs<TestType>(
                              "affine(5),batchnorm,tanh,dropout(0.25,1),affine(4),batchnorm,tanh,"
                              "dropout(0.25,1),affine(3)"));
  by_hand.initialize(sn::WeightInit(0.1));
  by_hand.set_weight_decay(0.125);
  by_hand.save(path);
  const sn::MultiLayerNet<TestType> loaded = sn::MultiLayerNet<TestType>::load(path);
  CHECK(loaded.options().hidden_sizes == options.hidden_sizes);
  CHECK(loaded.options().activation == sn::Activation::tanh);
  CHECK(loaded.options().use_batchnorm);
  CHECK(loaded.options().dropout_ratio == 0.25);
  CHECK(loaded.options().inverted_dropout);
  CHECK(loaded.options().weight_init.to_string() == options.weight_init.to_string());
  CHECK(loaded.options().weight_decay_lambda == 0.125);
  CHECK(loaded.options().seed == 77);
  CHECK(loaded.to_bytes() == sn::MultiLayerNet<TestType>(options).to_bytes());
}

TEMPLATE_TEST_CASE("A version-2 file damaged anywhere is refused or loads, never crashes",
                   "[model_file][errors]", float, double) {
  TempDir dir;
  const std::string path = dir.file("model.bin");
  const Bytes good = mixed_stack<TestType>().to_bytes();
  constexpr std::size_t kMinBytes = sn::detail::model_file::kMinBytes;
  // Every resealed prefix is a truncation.
  for (std::size_t length = kMinBytes - 4; length < good.size() - 4; ++length) {
    INFO("length " << length);
    Bytes cut = sn::test::head(good, length);
    cut.resize(length + 4);
    sn::test::reseal(cut);
    REQUIRE_THAT(sequential_load_error<TestType>(path, cut), StartsWith(path + ": truncated: "));
  }
  // Every byte of the header and layer list set to each of a few values.
  int refused = 0;
  for (std::size_t at = 12; at < 400; ++at) {
    for (unsigned value : {0U, 1U, 0x7FU, 0xFFU}) {
      Bytes bytes = good;
      bytes[at] = static_cast<unsigned char>(value);
      sn::test::reseal(bytes);
      refused += sequential_load_error<TestType>(path, bytes).empty() ? 0 : 1;
    }
  }
  CHECK(refused > 400);
}

TEST_CASE("An image input keeps its shape through the file", "[model_file]") {
  sn::Sequential<float> net(sn::Shape{1, 28, 28}, 2);
  net.add("affine", {{"outputs", 10}});
  CHECK(net.input_size() == 784);
  CHECK(net.param("W1").rows() == 784);
  const sn::Sequential<float> loaded = sn::Sequential<float>::from_bytes(net.to_bytes());
  CHECK(loaded.input_shape() == sn::Shape{1, 28, 28});
  CHECK(loaded.input_shape().to_string() == "1x28x28");
  // A MultiLayerNet takes vectors: an image network is not its recipe.
  CHECK_THROWS_AS(sn::MultiLayerNet<float>::from_bytes(net.to_bytes()), sn::ModelFormatError);
}
