// Layers by kind name (network/layer_registry.hpp) and layer strings
// (network/layer_spec.hpp): what a list builds, the position of each fault in
// one line, the round trip to text, and a kind registered by a user.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/layers/affine.hpp"
#include "scratchnet/layers/relu.hpp"
#include "scratchnet/network/layer_registry.hpp"
#include "scratchnet/network/layer_spec.hpp"
#include "scratchnet/network/multi_layer_net.hpp"
#include "scratchnet/network/sequential.hpp"
#include "support/errors.hpp"

namespace sn = scratchnet;
using Catch::Matchers::StartsWith;
using sn::test::refusal;

namespace {

std::vector<std::string> kinds_of(const sn::Sequential<float>& net) {
  std::vector<std::string> kinds;
  for (const auto& layer : net.layers()) kinds.push_back(layer->kind());
  return kinds;
}

sn::Sequential<float> net_from(const std::string& text, sn::Index inputs = 784) {
  sn::Sequential<float> net(inputs);
  sn::add_layers(net, sn::parse_layer_specs(text));
  return net;
}

// The message of the refusal of text, parsed and built for rows of 784.
std::string list_error(const std::string& text) {
  return refusal([&] { net_from(text); });
}

// A kind from outside the library: y = scale * x.
class Scale : public sn::Layer<float> {
 public:
  explicit Scale(double scale) : scale_(scale) {}
  static sn::LayerKind<float> layer_kind() {
    return {"scale", {"by"}, [](const sn::LayerConfig& config, const sn::Shape&) {
              return std::make_unique<Scale>(config.number("by"));
            }};
  }
  std::string kind() const override { return "scale"; }
  sn::LayerConfig config() const override { return {{"by", scale_}}; }
  const sn::Matrix<float>& forward(const sn::Matrix<float>& x, bool) override {
    out_ = x * static_cast<float>(scale_);
    return out_;
  }
  const sn::Matrix<float>& backward(const sn::Matrix<float>& dout) override {
    dx_ = dout * static_cast<float>(scale_);
    return dx_;
  }

 private:
  double scale_;
  sn::Matrix<float> out_, dx_;
};

}  // namespace

TEST_CASE("A layer list builds the network it names", "[layer_spec]") {
  const sn::Sequential<float> net =
      net_from("affine(256),batchnorm,relu,dropout(0.2),affine(128),tanh,affine(10)");
  CHECK(kinds_of(net) == std::vector<std::string>{"affine", "batchnorm", "relu", "dropout",
                                                  "affine", "tanh", "affine"});
  CHECK(net.output_size() == 10);
  CHECK(net.param("W1").rows() == 784);
  CHECK(net.param("W1").cols() == 256);
  CHECK(net.param("gamma1").cols() == 256);
  CHECK(net.param("W2").rows() == 256);
  CHECK(net.param("W3").cols() == 10);
  CHECK(net.buffers().size() == 2);

  // By name, in any order, with spaces; the same layers as by position.
  const sn::Sequential<float> named = net_from(
      " affine( outputs = 256 ) , batchnorm(momentum=0.9), relu, "
      "dropout(inverted=0, ratio=0.2), affine(128), tanh, affine(1e1)");
  CHECK(sn::layer_specs(named) == sn::layer_specs(net));
  CHECK(sn::to_string(sn::layer_specs(net)) ==
        "affine(256),batchnorm,relu,dropout(0.2),affine(128),tanh,affine(10)");
  CHECK(sn::to_string(sn::layer_specs(net_from("dropout(0.5,1),batchnorm(0.25)"))) ==
        "dropout(0.5,1),batchnorm(0.25)");
  CHECK(sn::to_string(sn::layer_specs(net_from("dropout(inverted=1,ratio=0.5)"))) ==
        "dropout(0.5,1)");
}

TEST_CASE("A bad layer list is one message naming the layer and the character",
          "[layer_spec][errors]") {
  CHECK(list_error("") == "layer 1 at character 1: the layer list is empty");
  CHECK(list_error("   ") == "layer 1 at character 4: the layer list is empty");
  CHECK(list_error("affine(256),relu,lstm(3),affine(10)") ==
        "layer 3 'lstm(3)' at character 18: unknown layer kind 'lstm' (known: affine, avgpool, "
        "batchnorm, conv, dropout, flatten, maxpool, relu, sigmoid, tanh)");
  CHECK(list_error("affine(256),,relu") ==
        "layer 2 '' at character 13: expected a layer kind, found ','");
  CHECK(list_error("affine(256") ==
        "layer 1 'affine(256' at character 11: expected ',' or ')' after an argument, found the "
        "end");
  CHECK(list_error("affine()") ==
        "layer 1 'affine()' at character 8: argument 'outputs': expected a number, found ')'");
  CHECK(list_error("affine(12a)") ==
        "layer 1 'affine(12a)' at character 10: expected ',' or ')' after an argument, found 'a'");
  CHECK(list_error("relu(1)") ==
        "layer 1 'relu(1)' at character 6: relu takes no arguments, "
        "given more");
  CHECK(list_error("affine(256,3)") ==
        "layer 1 'affine(256,3)' at character 12: affine takes outputs, given more");
  CHECK(list_error("affine(units=3)") ==
        "layer 1 'affine(units=3)' at character 8: argument 'units': unknown (affine takes "
        "outputs)");
  CHECK(list_error("affine(3,outputs=4)") ==
        "layer 1 'affine(3,outputs=4)' at character 10: argument 'outputs': given twice");
  CHECK(list_error("dropout(1e999)") ==
        "layer 1 'dropout(1e999)' at character 9: argument 'ratio': not a finite number");
  CHECK(list_error("relu affine(3)") ==
        "layer 1 'relu affine(3)' at character 6: expected a ',' between layers, found 'a'");

  // Values a kind refuses are found when the layer is made, still named by
  // its place in the list.
  CHECK(list_error("affine(256),relu,affine(0)") ==
        "layer 3 'affine(0)' at character 18: argument 'outputs': must be a whole number in [1, "
        "2147483647], got 0");
  CHECK(list_error("affine(2.5)") ==
        "layer 1 'affine(2.5)' at character 1: argument 'outputs': must be a whole number in [1, "
        "2147483647], got 2.5");
  CHECK(list_error("affine") == "layer 1 'affine' at character 1: argument 'outputs': missing");
  CHECK(list_error("affine(10),dropout(1.5)") ==
        "layer 2 'dropout(1.5)' at character 12: dropout_ratio: must be in [0, 1)");
  CHECK(list_error("dropout(0.5,2)") ==
        "layer 1 'dropout(0.5,2)' at character 1: argument 'inverted': must be 0 or 1, got 2");
  CHECK_THAT(list_error("affine(10),batchnorm,batchnorm"),
             StartsWith("layer 3 'batchnorm' at character 22: would name a parameter gamma1 "
                        "again"));
  // Sizes past what a network may hold are refused before anything is
  // allocated (784 x 2^31 values would be 6 TB of floats).
  CHECK(list_error("affine(2147483647)") ==
        "layer 1 'affine(2147483647)' at character 1: network: would hold more than the "
        "134217728 parameter and buffer values a network may have");
}

TEST_CASE("Layers by kind name are the library's layers", "[layer_spec]") {
  sn::Sequential<float> by_kind(6, 3);
  by_kind.add("affine", {{"outputs", 4}}).add("relu").add("affine", {{"outputs", 2}});
  sn::Sequential<float> by_type(6, 3);
  by_type.add(std::make_unique<sn::Affine<float>>(6, 4));
  by_type.add(std::make_unique<sn::Relu<float>>());
  by_type.add(std::make_unique<sn::Affine<float>>(4, 2));
  by_kind.initialize(sn::WeightInit::he());
  by_type.initialize(sn::WeightInit::he());
  const sn::Matrix<float> x = sn::Matrix<float>::Random(3, 6);
  CHECK(by_kind.predict(x) == by_type.predict(x));

  CHECK(refusal([&] {
          by_kind.add("affine", {{"outputs", 3}, {"bias", 0}});
        }) == "layer 4 (affine): argument 'bias': unknown (affine takes outputs)");
  CHECK(refusal([&] { by_kind.add("softmax"); }) ==
        "layer 4 (softmax): unknown layer kind 'softmax' (known: affine, avgpool, batchnorm, "
        "conv, dropout, flatten, maxpool, relu, sigmoid, tanh)");
  CHECK(by_kind.layers().size() == 3);
}

TEST_CASE("A kind registered by a user is made by name", "[layer_spec]") {
  sn::LayerRegistry<float>& registry = sn::LayerRegistry<float>::global();
  if (registry.names().find("scale") == std::string::npos) registry.add(Scale::layer_kind());
  CHECK(refusal([&] { registry.add(Scale::layer_kind()); }) ==
        "layer kind 'scale': is registered already");
  sn::Sequential<float> net = net_from("affine(3),scale(by=2.5),relu", 2);
  CHECK(sn::to_string(sn::layer_specs(net)) == "affine(3),scale(2.5),relu");
  net.param("W1").setOnes();
  sn::Matrix<float> x(1, 2);
  x << 1, 2;
  // (1 + 2) * 2.5 in each of the 3 columns.
  CHECK(net.predict(x) == sn::Matrix<float>::Constant(1, 3, 7.5F));
  // The double registry is another one.
  CHECK_THAT(refusal([] { sn::parse_layer_specs<double>("scale(2)"); }),
             StartsWith("layer 1 'scale(2)' at character 1: unknown layer kind 'scale'"));
}
