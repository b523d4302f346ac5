// Reading model files of version 1 (docs/model-format.md, "Version 1"): the
// fixed MultiLayerNetOptions block that scratchnet wrote before networks
// could be any stack of layers. Nothing writes this version any more; it is
// read into the MultiLayerNet those options build.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "scratchnet/core/binary_reader.hpp"
#include "scratchnet/network/multi_layer_net.hpp"

namespace scratchnet::detail::model_file_v1 {

inline constexpr std::uint32_t kRelu = 0, kSigmoid = 1, kTanh = 2;
inline constexpr std::uint32_t kStdDev = 0, kXavier = 1, kHe = 2;

// The stored options, validated as the constructor would.
inline MultiLayerNetOptions read_options(BinaryReader& in) {
  MultiLayerNetOptions o;
  o.input_size = in.i64("options: input_size");
  const std::uint32_t hidden_count = in.u32("options: hidden layer count");
  in.need_items(hidden_count, 8, "options: hidden_sizes", "sizes");
  o.hidden_sizes.resize(hidden_count);
  for (std::uint32_t i = 0; i < hidden_count; ++i) {
    o.hidden_sizes[i] = in.i64("options: hidden_sizes[" + std::to_string(i) + "]");
  }
  o.output_size = in.i64("options: output_size");
  const std::uint32_t activation = in.u32("options: activation");
  switch (activation) {
    case kRelu:
      o.activation = Activation::relu;
      break;
    case kSigmoid:
      o.activation = Activation::sigmoid;
      break;
    case kTanh:
      o.activation = Activation::tanh;
      break;
    default:
      in.fail("invalid options: unknown activation code " + std::to_string(activation));
  }
  const std::uint32_t init_kind = in.u32("options: weight_init kind");
  const double init_std = in.f64("options: weight_init std");
  try {
    switch (init_kind) {
      case kStdDev:
        o.weight_init = WeightInit(init_std);
        break;
      case kXavier:
        o.weight_init = WeightInit::xavier();
        break;
      case kHe:
        o.weight_init = WeightInit::he();
        break;
      default:
        in.fail("invalid options: unknown weight_init code " + std::to_string(init_kind));
    }
  } catch (const std::invalid_argument& e) {
    in.fail(std::string("invalid options: ") + e.what());
  }
  o.weight_decay_lambda = in.f64("options: weight_decay_lambda");
  o.use_batchnorm = in.boolean("options: use_batchnorm");
  o.dropout_ratio = in.f64("options: dropout_ratio");
  o.inverted_dropout = in.boolean("options: inverted_dropout");
  o.seed = in.u64("options: seed");
  try {
    o.validate();
  } catch (const std::invalid_argument& e) {
    in.fail(std::string("invalid options: ") + e.what());
  }
  return o;
}

// The network the options of a version-1 body (after the scalar type)
// build, before its parameters are read. Throws the truncated error unless
// the rest of the file can hold every parameter and buffer value of it, so
// that building it never allocates more than the file justifies.
template <typename T>
MultiLayerNet<T> read_architecture(BinaryReader& in) {
  const MultiLayerNetOptions options = read_options(in);
  const std::uint64_t values = options.value_count();
  if (values > in.remaining() / sizeof(T)) {
    in.fail("truncated: the architecture in its options has " + std::to_string(values) +
            " parameter and buffer values of " + std::to_string(sizeof(T)) + " bytes, but only " +
            std::to_string(in.remaining()) + " bytes follow the options");
  }
  std::optional<MultiLayerNet<T>> net;
  try {
    net.emplace(options);
  } catch (const std::invalid_argument& e) {
    in.fail(std::string("invalid options: ") + e.what());
  }
  return std::move(*net);
}

}  // namespace scratchnet::detail::model_file_v1
