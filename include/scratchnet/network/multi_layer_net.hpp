// MultiLayerNet: the book's MultiLayerNet and MultiLayerNetExtend in one, a
// Sequential built from MultiLayerNetOptions.
//
//   input -> [Affine -> BatchNorm? -> activation -> Dropout?] x hidden -> Affine -> SoftmaxWithLoss
//
// loss = cross entropy + 0.5 * lambda * sum over every Affine W of ||W||^2
// + l1 * sum |W|; the gradient adds lambda * W + l1 * sign(W) to each dW.
// With max_norm c, Sequential::apply_max_norm keeps each unit's incoming
// weights at norm <= c. Parameters are W1, b1, gamma1, beta1,
// W2, ... in that order; batch norm running statistics are buffers
// running_mean1, running_var1, ...
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "scratchnet/network/layer_spec.hpp"
#include "scratchnet/network/options.hpp"
#include "scratchnet/network/sequential.hpp"

namespace scratchnet {

// The layers the options make, in order.
inline std::vector<LayerSpec> recipe_layers(const MultiLayerNetOptions& o) {
  std::vector<LayerSpec> layers;
  for (Index width : o.hidden_sizes) {
    layers.push_back({"affine", {{"outputs", static_cast<double>(width)}}});
    if (o.use_batchnorm) layers.push_back({"batchnorm", {}});
    layers.push_back({to_string(o.activation), {}});
    if (o.dropout_ratio > 0) {
      LayerConfig dropout{{"ratio", o.dropout_ratio}};
      if (o.inverted_dropout) dropout.set("inverted", 1);
      layers.push_back({"dropout", dropout});
    }
  }
  layers.push_back({"affine", {{"outputs", static_cast<double>(o.output_size)}}});
  return layers;
}

template <typename T>
class MultiLayerNet : public Sequential<T> {
 public:
  explicit MultiLayerNet(const MultiLayerNetOptions& options)
      : Sequential<T>(options.input_size, options.seed), options_(options) {
    options_.validate();
    add_layers(*this, recipe_layers(options_));
    this->initialize(options_.weight_init);
    this->set_weight_decay(options_.weight_decay_lambda);
    this->set_l1(options_.l1_lambda);
    this->set_max_norm(options_.max_norm);
  }

  MultiLayerNet(MultiLayerNet&&) noexcept = default;
  MultiLayerNet& operator=(MultiLayerNet&&) noexcept = default;

  const MultiLayerNetOptions& options() const { return options_; }

  // A model file of this recipe (save and to_bytes are Sequential's); a file
  // of other layers is refused, naming them. Defined in
  // network/model_file.hpp.
  template <typename File = detail::ModelFile<T>>
  static MultiLayerNet load(const std::string& path) {
    return File::recipe_load(path);
  }
  template <typename File = detail::ModelFile<T>>
  static MultiLayerNet from_bytes(const std::vector<unsigned char>& bytes,
                                  const std::string& path = "model") {
    return File::recipe_from_bytes(bytes, path);
  }

 private:
  MultiLayerNetOptions options_;
};

// The options whose MultiLayerNet has net's layers, input, seed, weight
// penalties, max-norm and init rule, or nothing when no options make those layers.
template <typename T>
std::optional<MultiLayerNetOptions> recipe_of(const Sequential<T>& net) {
  if (net.loss_kind() != Loss::softmax_cross_entropy || !net.input_shape().is_vector()) {
    return std::nullopt;
  }
  MultiLayerNetOptions o;
  o.input_size = net.input_size();
  o.seed = net.seed();
  o.weight_decay_lambda = net.weight_decay();
  o.l1_lambda = net.l1();
  o.max_norm = net.max_norm();
  if (net.initialized_with()) o.weight_init = *net.initialized_with();
  const std::vector<LayerSpec> layers = layer_specs(net);
  std::vector<Index> widths;
  try {
    for (const LayerSpec& layer : layers) {
      if (layer.kind == "affine") {
        widths.push_back(layer.config.whole("outputs"));
      } else if (layer.kind == "batchnorm") {
        o.use_batchnorm = true;
      } else if (layer.kind == "dropout") {
        o.dropout_ratio = layer.config.number("ratio");
        o.inverted_dropout = layer.config.flag_or("inverted", false);
      } else {
        o.activation = parse_activation(layer.kind);
      }
    }
    if (widths.empty()) return std::nullopt;
    o.output_size = widths.back();
    widths.pop_back();
    o.hidden_sizes = widths;
    o.validate();
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
  if (recipe_layers(o) != layers) return std::nullopt;
  return o;
}

}  // namespace scratchnet
