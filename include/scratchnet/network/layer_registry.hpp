// The kinds of layer a network can make by name: from a layer string
// (network/layer_spec.hpp), a model file, or Sequential::add("affine",
// {{"outputs", 100}}). The library's kinds are listed here, one line each; a
// user registers a kind of their own once, before making networks that use it:
//
//   scratchnet::LayerRegistry<float>::global().add(LeakyRelu<float>::layer_kind());
//
// add() is not thread-safe: register kinds before any thread makes networks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/layers/affine.hpp"
#include "scratchnet/layers/batch_norm.hpp"
#include "scratchnet/layers/convolution.hpp"
#include "scratchnet/layers/dropout.hpp"
#include "scratchnet/layers/flatten.hpp"
#include "scratchnet/layers/layer_kind.hpp"
#include "scratchnet/layers/pooling.hpp"
#include "scratchnet/layers/relu.hpp"
#include "scratchnet/layers/sigmoid.hpp"
#include "scratchnet/layers/tanh.hpp"

namespace scratchnet {

template <typename T>
class LayerRegistry {
 public:
  // The registry every network uses, holding the library's kinds.
  static LayerRegistry& global() {
    static LayerRegistry registry = with_library_kinds();
    return registry;
  }

  // Throws std::invalid_argument when the name is empty or taken.
  void add(LayerKind<T> kind) {
    require(!kind.name.empty() && kind.make, "layer kind", "needs a name and a make function");
    require(lookup(kind.name) == nullptr, "layer kind '" + kind.name + "'",
            "is registered already");
    kinds_.push_back(std::move(kind));
  }

  // Throws std::invalid_argument("unknown layer kind 'x' (known: affine, ...)").
  const LayerKind<T>& find(const std::string& name) const {
    const LayerKind<T>* kind = lookup(name);
    if (kind == nullptr) {
      throw std::invalid_argument("unknown layer kind '" + name + "' (known: " + names() + ")");
    }
    return *kind;
  }

  // A layer of that kind for samples of the input shape; throws
  // std::invalid_argument for an unknown kind, an argument the kind does not
  // take, or a value it refuses.
  std::unique_ptr<Layer<T>> make(const std::string& name, const LayerConfig& config,
                                 const Shape& input) const {
    return checked(name, config).make(config, input);
  }

  // The parameter and buffer values that layer would hold, without making it.
  std::uint64_t values(const std::string& name, const LayerConfig& config,
                       const Shape& input) const {
    return checked(name, config).values(config, input);
  }

  // "affine, batchnorm, ..."
  std::string names() const {
    std::string list;
    for (const LayerKind<T>& kind : kinds_) list += (list.empty() ? "" : ", ") + kind.name;
    return list;
  }

 private:
  static LayerRegistry with_library_kinds() {
    LayerRegistry registry;
    registry.add(Affine<T>::layer_kind());
    registry.add(Pooling<T>::layer_kind(PoolingKind::average));
    registry.add(BatchNorm<T>::layer_kind());
    registry.add(Convolution<T>::layer_kind());
    registry.add(Dropout<T>::layer_kind());
    registry.add(Flatten<T>::layer_kind());
    registry.add(Pooling<T>::layer_kind(PoolingKind::max));
    registry.add(Relu<T>::layer_kind());
    registry.add(Sigmoid<T>::layer_kind());
    registry.add(Tanh<T>::layer_kind());
    return registry;
  }

  const LayerKind<T>* lookup(const std::string& name) const {
    for (const LayerKind<T>& kind : kinds_) {
      if (kind.name == name) return &kind;
    }
    return nullptr;
  }

  const LayerKind<T>& checked(const std::string& name, const LayerConfig& config) const {
    const LayerKind<T>& kind = find(name);
    for (const auto& [argument, value] : config.entries()) {
      bool known = false;
      for (const std::string& a : kind.arguments) known = known || a == argument;
      if (!known) {
        std::string takes;
        for (const std::string& a : kind.arguments) takes += (takes.empty() ? "" : ", ") + a;
        fail("argument '" + argument + "'",
             "unknown (" + name + " takes " + (takes.empty() ? "none" : takes) + ")");
      }
    }
    return kind;
  }

  std::vector<LayerKind<T>> kinds_;
};

}  // namespace scratchnet
