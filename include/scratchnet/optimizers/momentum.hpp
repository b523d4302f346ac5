// Momentum:  v = a * v - lr * dL/dW
//            W = W + v
#pragma once

#include "scratchnet/optimizers/slotted_optimizer.hpp"

namespace scratchnet {

// Gradient descent with a velocity: each parameter keeps a slot "v" that
// accumulates past steps, decayed by the momentum a, so motion along a
// consistent direction speeds up and zig-zags cancel (the book's 6.1.4).
// The book's defaults: lr 0.01, momentum 0.9; v starts at zero.
//
// Under a constant gradient g the velocity tends to -lr g / (1 - a), ten times
// SGD's step at a = 0.9, which is why Momentum moves fast along a long shallow
// valley. The price is overshoot: on the book's f(x, y) = x^2/20 + y^2 the
// path swings past the minimum like a ball rolling in a bowl (figure 6-8).
//
// Two steps by hand: W = 1, constant dL/dW = 0.5, lr 0.1, a 0.5:
// v = -0.05, W = 0.95; then v = 0.5 (-0.05) - 0.05 = -0.075, W = 0.875.
// It keeps one matrix per parameter, the size of the parameter.
//
//   scratchnet::Momentum<float> momentum(0.01, 0.9);
//   momentum.update(net.params());
//   momentum.state().tensors.at("v/W1");   // the velocity of W1
template <typename T>
class Momentum : public SlottedOptimizer<T> {
 public:
  static constexpr double default_lr = 0.01;
  static constexpr double default_momentum = 0.9;

  // Throws std::invalid_argument naming the option ("lr: ...",
  // "momentum: ...") unless lr is finite and > 0 and momentum is in [0, 1).
  explicit Momentum(double lr = default_lr, double momentum = default_momentum)
      : SlottedOptimizer<T>("Momentum", lr), momentum_(checked_fraction(momentum, "momentum")) {}

  double momentum() const { return momentum_; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    auto all = SlottedOptimizer<T>::hyperparameters();
    all.emplace_back("momentum", momentum_);
    return all;
  }

 protected:
  void update_block(const typename SlottedOptimizer<T>::Block& b) const override {
    const T a = this->in_t(momentum_);
    const T lr = this->in_t(this->learning_rate());
    auto v = b.slot(v_);
    v = a * v - lr * b.grad();
    b.value() += v;
  }

 private:
  typename SlottedOptimizer<T>::SlotId v_ = this->add_slot("v");
  double momentum_;
};

}  // namespace scratchnet
