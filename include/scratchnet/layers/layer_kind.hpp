// A kind of layer as a registry (network/layer_registry.hpp) knows it: its
// name, the names of its arguments in the order a layer string gives them
// ("dropout(0.2)" is ratio = 0.2), how to make one for samples of a given
// shape,
// and how many parameter and buffer values that layer will hold. A model file
// is checked against that count before the layer is made, so a crafted file
// cannot make us allocate more than its own size.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/layers/layer.hpp"
#include "scratchnet/layers/layer_config.hpp"

namespace scratchnet {

template <typename T>
struct LayerKind {
  using Maker = std::function<std::unique_ptr<Layer<T>>(const LayerConfig&, const Shape& input)>;
  using ValueCounter = std::function<std::uint64_t(const LayerConfig&, const Shape& input)>;

  std::string name;
  std::vector<std::string> arguments;
  Maker make;
  // Throws std::invalid_argument for a config make() would refuse.
  ValueCounter values = [](const LayerConfig&, const Shape&) { return std::uint64_t{0}; };
};

// a * b, or the largest value when that would overflow: the value count of
// a kind whose sizes come from a file.
inline std::uint64_t saturating_product(std::uint64_t a, std::uint64_t b) {
  return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

// The kind of a layer with no arguments and no parameters (an activation).
template <typename T, typename L>
LayerKind<T> kind_without_arguments(const std::string& name) {
  return {name, {}, [](const LayerConfig&, const Shape&) { return std::make_unique<L>(); }};
}

}  // namespace scratchnet
