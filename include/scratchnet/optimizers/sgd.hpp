// Stochastic gradient descent:  W = W - lr * dL/dW
// (the book's SGD; no state kept between updates)
#pragma once

#include "scratchnet/optimizers/slotted_optimizer.hpp"

namespace scratchnet {

// Plain gradient descent: every parameter moves against its gradient by the
// learning rate (the book's 6.1.2). The book's defaults: lr 0.01.
//
// Every element takes a step proportional to its own gradient, so where the
// loss is much steeper in one direction than another the step that suits one
// is wrong for the other. On the book's f(x, y) = x^2/20 + y^2 (figure 6-8,
// examples/optimizer_paths) the gradient in y is 20 times that in x for the
// same distance: with lr 0.95 y overshoots and flips sign every step while x
// creeps towards 0, the zig-zag the other rules are designed to avoid.
//
// On a network the same weakness costs time: in the reference runs on
// Fashion-MNIST (784-100x4-10, batch 128, 2000 updates, the book's defaults)
// SGD ends with a mean loss of 0.42 over the last 100 batches, where
// Momentum, AdaGrad and Adam reach 0.27 to 0.32.
//
// One step by hand: W = 1, dL/dW = 0.5, lr 0.1 gives W = 1 - 0.05 = 0.95.
// The step is a single pass over each parameter, in T (float or double),
// with lr converted to T.
//
//   scratchnet::SGD<float> sgd(0.1);
//   net.gradient(x, labels);
//   sgd.update(net.params());
//
// SGD keeps no per-parameter slots, so state() holds only the step count. It
// still remembers the parameter names of its first update and rejects a list
// with other names, like every rule, so swapping one optimizer for another
// never changes which lists are accepted.
template <typename T>
class SGD : public SlottedOptimizer<T> {
 public:
  static constexpr double default_lr = 0.01;

  // Throws std::invalid_argument ("lr: ...") unless lr is finite and > 0.
  explicit SGD(double lr = default_lr) : SlottedOptimizer<T>("SGD", lr) {}

 protected:
  void update_block(const typename SlottedOptimizer<T>::Block& b) const override {
    const T lr = this->in_t(this->learning_rate());
    b.value() -= lr * b.grad();
  }
};

}  // namespace scratchnet
