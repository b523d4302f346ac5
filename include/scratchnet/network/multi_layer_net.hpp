// MultiLayerNet: the book's MultiLayerNet and MultiLayerNetExtend in one, a
// Sequential built from MultiLayerNetOptions.
//
//   input -> [Affine -> BatchNorm? -> activation -> Dropout?] x hidden -> Affine -> SoftmaxWithLoss
//
// loss = cross entropy + 0.5 * lambda * sum over every Affine W of ||W||^2; the
// gradient adds lambda * W to each dW. Parameters are W1, b1, gamma1, beta1,
// W2, ... in that order; batch norm running statistics are buffers
// running_mean1, running_var1, ...
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/init.hpp"
#include "scratchnet/layers/affine.hpp"
#include "scratchnet/layers/batch_norm.hpp"
#include "scratchnet/layers/dropout.hpp"
#include "scratchnet/layers/relu.hpp"
#include "scratchnet/layers/sigmoid.hpp"
#include "scratchnet/layers/tanh.hpp"
#include "scratchnet/network/options.hpp"
#include "scratchnet/network/sequential.hpp"

namespace scratchnet {

template <typename T>
class MultiLayerNet : public Sequential<T> {
 public:
  explicit MultiLayerNet(const MultiLayerNetOptions& options)
      : Sequential<T>(options.input_size, options.seed), options_(options) {
    options_.validate();
    Index inputs = options_.input_size;
    for (Index width : options_.hidden_sizes) {
      this->add(std::make_unique<Affine<T>>(inputs, width));
      if (options_.use_batchnorm) this->add(std::make_unique<BatchNorm<T>>(width));
      this->add(make_activation());
      if (options_.dropout_ratio > 0) {
        this->add(std::make_unique<Dropout<T>>(options_.dropout_ratio, options_.inverted_dropout));
      }
      inputs = width;
    }
    this->add(std::make_unique<Affine<T>>(inputs, options_.output_size));
    this->initialize(options_.weight_init);
    this->set_weight_decay(options_.weight_decay_lambda);
  }

  MultiLayerNet(MultiLayerNet&&) noexcept = default;
  MultiLayerNet& operator=(MultiLayerNet&&) noexcept = default;

  const MultiLayerNetOptions& options() const { return options_; }

  // The model file: architecture, parameters and running statistics
  // (docs/model-format.md). Defined in network/model_file.hpp.
  void save(const std::string& path) const;
  static MultiLayerNet load(const std::string& path);
  // The same bytes in memory (checkpoints embed them); path only names the
  // source in error messages.
  std::vector<unsigned char> to_bytes(const std::string& path = "model") const;
  static MultiLayerNet from_bytes(const std::vector<unsigned char>& bytes,
                                  const std::string& path = "model");

 private:
  std::unique_ptr<Layer<T>> make_activation() const {
    switch (options_.activation) {
      case Activation::sigmoid:
        return std::make_unique<Sigmoid<T>>();
      case Activation::tanh:
        return std::make_unique<Tanh<T>>();
      case Activation::relu:
        break;
    }
    return std::make_unique<Relu<T>>();
  }

  MultiLayerNetOptions options_;
};

}  // namespace scratchnet

#include "scratchnet/network/model_file.hpp"
