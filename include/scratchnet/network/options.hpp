// MultiLayerNetOptions: everything that defines a network's architecture and
// its regularisation, as the book's MultiLayerNet(Extend) constructor takes it.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"
#include "scratchnet/init.hpp"

namespace scratchnet {

// At most 2^27 parameter and buffer values in a network: a model file holds
// 2 GiB, and a network of doubles this size takes 1 GiB, as much again for its
// gradients. Past it, sizes such as --hidden 1000000000 ended in a bare
// std::bad_alloc.
inline constexpr std::uint64_t kMaxNetworkValues = std::uint64_t{1} << 27;

enum class Activation { relu, sigmoid, tanh };

inline std::string to_string(Activation a) {
  switch (a) {
    case Activation::sigmoid:
      return "sigmoid";
    case Activation::tanh:
      return "tanh";
    case Activation::relu:
      break;
  }
  return "relu";
}

inline Activation parse_activation(const std::string& text) {
  if (text == "relu") return Activation::relu;
  if (text == "sigmoid") return Activation::sigmoid;
  if (text == "tanh") return Activation::tanh;
  throw std::invalid_argument("activation: expected relu, sigmoid or tanh, got '" + text + "'");
}

struct MultiLayerNetOptions {
  Index input_size = 784;
  std::vector<Index> hidden_sizes;
  Index output_size = 10;
  Activation activation = Activation::relu;
  WeightInit weight_init = WeightInit::he();
  double weight_decay_lambda = 0;
  double l1_lambda = 0;  // L1 penalty: loss + l1_lambda * sum |W| (0 = off)
  double max_norm = 0;   // each unit's incoming weights kept at norm <= max_norm (0 = off)
  bool use_batchnorm = false;
  double dropout_ratio = 0;  // 0 = no dropout layers
  bool inverted_dropout = false;
  std::uint64_t seed = 0;

  static constexpr std::uint64_t kMaxValues = kMaxNetworkValues;

  // Every parameter and buffer value of the network these options describe
  // (weights, biases, and with batch norm gamma, beta and the running mean
  // and variance); saturates at 2^64 - 1 instead of overflowing.
  std::uint64_t value_count() const {
    constexpr std::uint64_t kMax = UINT64_MAX;
    const auto add = [](std::uint64_t a, std::uint64_t b) { return a > kMax - b ? kMax : a + b; };
    const auto mul = [](std::uint64_t a, std::uint64_t b) {
      return b != 0 && a > kMax / b ? kMax : a * b;
    };
    std::uint64_t values = 0;
    auto inputs = static_cast<std::uint64_t>(input_size);
    for (Index width : hidden_sizes) {
      const auto w = static_cast<std::uint64_t>(width);
      values = add(values, add(mul(inputs, w), w));        // W, b
      if (use_batchnorm) values = add(values, mul(4, w));  // gamma, beta, running mean, var
      inputs = w;
    }
    const auto outputs = static_cast<std::uint64_t>(output_size);
    return add(values, add(mul(inputs, outputs), outputs));
  }

  // Throws std::invalid_argument naming the first bad field.
  void validate() const {
    require(input_size > 0, "input_size", "must be positive, got " + std::to_string(input_size));
    require(output_size > 0, "output_size", "must be positive, got " + std::to_string(output_size));
    for (std::size_t i = 0; i < hidden_sizes.size(); ++i) {
      require(hidden_sizes[i] > 0, "hidden_sizes[" + std::to_string(i) + "]",
              "must be positive, got " + std::to_string(hidden_sizes[i]));
    }
    require(
        activation == Activation::relu || activation == Activation::sigmoid ||
            activation == Activation::tanh,
        "activation",
        "must be relu, sigmoid or tanh, got code " + std::to_string(static_cast<int>(activation)));
    require(std::isfinite(weight_decay_lambda) && weight_decay_lambda >= 0, "weight_decay_lambda",
            "must be a finite number >= 0, got " + detail::option_value(weight_decay_lambda));
    require(std::isfinite(l1_lambda) && l1_lambda >= 0, "l1_lambda",
            "must be a finite number >= 0, got " + detail::option_value(l1_lambda));
    require(std::isfinite(max_norm) && max_norm >= 0, "max_norm",
            "must be a finite number >= 0 (0 = off), got " + detail::option_value(max_norm));
    require(dropout_ratio >= 0 && dropout_ratio < 1, "dropout_ratio",
            "must be in [0, 1), got " + detail::option_value(dropout_ratio));
    require(value_count() <= kMaxValues, "hidden_sizes",
            "the network would hold " + std::to_string(value_count()) +
                " parameter and buffer values, more than the " + std::to_string(kMaxValues) +
                " a network may have");
  }
};

}  // namespace scratchnet
