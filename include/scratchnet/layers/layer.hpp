// The whole contract of a layer: what a network (network/sequential.hpp)
// needs to know to compose it, and nothing about the network around it.
//
// forward() returns the layer's own output buffer and backward() its own dx
// buffer: each layer keeps every buffer it needs and reuses it batch after
// batch, so training allocates nothing once the shapes are known. A layer
// that needs its input in backward keeps a pointer to it, so the caller keeps
// x alive and unchanged until backward() has run.
//
// Everything else has a default that fits a layer without parameters or
// random state (an activation), so such a layer overrides forward, backward
// and kind only. Each layer also has a static layer_kind() (its name, its
// arguments and how to make it) that a LayerRegistry lists.
#pragma once

#include <string>
#include <vector>

#include "scratchnet/core/param.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/core/shape.hpp"
#include "scratchnet/init.hpp"
#include "scratchnet/layers/layer_config.hpp"

namespace scratchnet {

// A matrix that is part of the model but not trained by gradients (the batch
// norm running statistics).
template <typename T>
struct Buffer {
  std::string name;
  Matrix<T>* value;
};

template <typename T>
class Layer {
 public:
  virtual ~Layer() = default;

  // "affine", "relu", ...: the layer's kind in messages and model files.
  virtual std::string kind() const = 0;
  // The arguments that make this layer again through its kind
  // (layers/layer_kind.hpp): what a model file stores for it.
  virtual LayerConfig config() const { return {}; }

  virtual const Matrix<T>& forward(const Matrix<T>& x, bool train) = 0;
  virtual const Matrix<T>& backward(const Matrix<T>& dout) = 0;

  // The shape of the output for samples of the input shape; throws
  // std::invalid_argument when the layer cannot take them.
  virtual Shape output_shape(const Shape& input) const { return input; }

  // A weighted layer (Affine) starts a new number for the names of the
  // parameters that follow: W1, b1, then gamma1 and beta1 of the batch norm
  // after it, then W2 ... as the book names them.
  virtual bool weighted() const { return false; }
  // Appends the layer's parameters and buffers, named with that number.
  virtual void append_params(ParamList<T>& /*params*/, int /*number*/) {}
  virtual void append_buffers(std::vector<Buffer<T>>& /*buffers*/, int /*number*/) {}
  // Appends the parameters L2 weight decay acts on (the book: every W, no
  // bias, no gamma).
  virtual void append_decayed(ParamList<T>& /*params*/, int /*number*/) {}
  // Max-norm (layers/max_norm.hpp): scales each unit's incoming weights back
  // to norm max_norm where they exceed it; a layer without weights has none.
  virtual void limit_incoming_norms(double /*max_norm*/) {}

  // Draws the initial parameters from rng (the book's weight_init_std).
  virtual void initialize(const WeightInit& /*init*/, Rng& /*rng*/) {}

  // False for the first layer of a network: nothing before it needs dx.
  virtual void set_input_gradient(bool /*needed*/) {}

  // A layer that draws random numbers in training takes the network's
  // generator (which outlives it), and can hold what it drew: a numerical
  // gradient must see the same network as backprop.
  virtual void bind_rng(Rng& /*rng*/) {}
  virtual void hold_random_state(bool /*hold*/) {}

  // An activation's output is what the book's histograms show
  // (network/activation_stats.hpp).
  virtual bool is_activation() const { return false; }
};

}  // namespace scratchnet
