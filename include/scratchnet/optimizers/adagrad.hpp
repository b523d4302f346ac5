// AdaGrad:  h = h + dL/dW * dL/dW
//           W = W - lr * dL/dW / (sqrt(h) + 1e-7)
#pragma once

#include "scratchnet/optimizers/slotted_optimizer.hpp"

namespace scratchnet {

// A learning rate per element that shrinks with the sum of that element's
// squared gradients so far (the book's 6.1.5): elements that moved a lot move
// less. The slot is "h", starting at zero, and it only grows, so updates fade
// away on long runs (RMSProp forgets instead). The 1e-7 keeps the division
// finite where h is still zero. The book's default: lr 0.01.
//
// The effective step of an element is lr * g / sqrt(sum of g^2): under a
// constant gradient about lr / sqrt(t) at step t, whatever the gradient's
// scale. That is what makes it suit the book's f(x, y) = x^2/20 + y^2, where
// the gradients in x and y differ twentyfold: the first step moves both by
// about lr, and y, steep at first, is damped quickly (figure 6-8). On
// Fashion-MNIST with the book's defaults it ends with the lowest loss of the
// five rules in the reference runs (0.27 over the last 100 of 2000 batches).
//
// Two steps by hand: W = 1, constant dL/dW = 0.5, lr 0.1:
// h = 0.25, W = 1 - 0.05 / (0.5 + 1e-7) = 0.90000002;
// h = 0.5, W = 0.90000002 - 0.05 / (0.70710678 + 1e-7) = 0.82928935.
// It keeps one matrix per parameter, the size of the parameter.
//
//   scratchnet::AdaGrad<float> adagrad(0.01);
//   adagrad.update(net.params());
//   adagrad.state().tensors.at("h/W1");   // the squared-gradient sums of W1
template <typename T>
class AdaGrad : public SlottedOptimizer<T> {
 public:
  static constexpr double default_lr = 0.01;
  static constexpr double epsilon = 1e-7;

  // Throws std::invalid_argument ("lr: ...") unless lr is finite and > 0.
  explicit AdaGrad(double lr = default_lr) : SlottedOptimizer<T>("AdaGrad", lr) {}

 protected:
  void update_block(const typename SlottedOptimizer<T>::Block& b) const override {
    const T lr = this->in_t(this->learning_rate());
    const T eps = this->in_t(epsilon);
    auto h = b.slot(h_);
    const auto g = b.grad();
    h += g * g;
    b.value() -= lr * g / (h.sqrt() + eps);
  }

 private:
  typename SlottedOptimizer<T>::SlotId h_ = this->add_slot("h");
};

}  // namespace scratchnet
