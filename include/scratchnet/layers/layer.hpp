// The interface the network composes its hidden layers from.
//
// forward() returns the layer's own output buffer and backward() its own dx
// buffer: each layer keeps every buffer it needs and reuses it batch after
// batch, so training allocates nothing once the shapes are known. A layer
// that needs its input in backward keeps a pointer to it, so the caller keeps
// x alive and unchanged until backward() has run.
#pragma once

#include <string>
#include <vector>

#include "scratchnet/core/param.hpp"

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

  virtual const Matrix<T>& forward(const Matrix<T>& x, bool train) = 0;
  virtual const Matrix<T>& backward(const Matrix<T>& dout) = 0;

  // Appends the layer's parameters, named with the layer's position in the
  // network (W2, gamma2, ...).
  virtual void append_params(ParamList<T>& /*params*/, int /*position*/) {}
  virtual void append_buffers(std::vector<Buffer<T>>& /*buffers*/, int /*position*/) {}
};

}  // namespace scratchnet
