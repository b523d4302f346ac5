// Nesterov's accelerated gradient (the book's form):  W = W + a^2 v - (1 + a) lr dL/dW
//                                                     v = a v - lr dL/dW
#pragma once

#include "scratchnet/optimizers/slotted_optimizer.hpp"

namespace scratchnet {

// Momentum that looks ahead: the step uses the gradient as if taken at the
// point the velocity is about to carry the parameter to. This is the
// rearrangement of Nesterov's method the book's common/optimizer.py uses
// (after Bengio et al., arXiv:1212.0901), in the same order of operations:
//
//   W += a * a * v
//   W -= (1 + a) * lr * g
//   v  = a * v - lr * g
//
// so that in double it follows the book's numbers step for step. The slot is
// "v", starting at zero; the book's defaults: lr 0.01, momentum 0.9.
template <typename T>
class Nesterov : public SlottedOptimizer<T> {
 public:
  static constexpr double default_lr = 0.01;
  static constexpr double default_momentum = 0.9;

  // Throws std::invalid_argument naming the option ("lr: ...",
  // "momentum: ...") unless lr is finite and > 0 and momentum is in [0, 1).
  explicit Nesterov(double lr = default_lr, double momentum = default_momentum)
      : SlottedOptimizer<T>("Nesterov", lr), momentum_(checked_fraction(momentum, "momentum")) {}

  double momentum() const { return momentum_; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    auto all = SlottedOptimizer<T>::hyperparameters();
    all.emplace_back("momentum", momentum_);
    return all;
  }

 protected:
  void update_block(const typename SlottedOptimizer<T>::Block& b) const override {
    // The scalar factors are products of hyperparameters, formed first as the
    // book's Python does: (a * a) * v and ((1 + a) * lr) * g.
    const T a = this->in_t(momentum_);
    const T lr = this->in_t(this->learning_rate());
    const T a_squared = this->in_t(momentum_ * momentum_);
    const T scaled_lr = this->in_t((1 + momentum_) * this->learning_rate());
    auto v = b.slot(v_);
    auto w = b.value();
    w = (w + a_squared * v) - scaled_lr * b.grad();
    v = a * v - lr * b.grad();
  }

 private:
  typename SlottedOptimizer<T>::SlotId v_ = this->add_slot("v");
  double momentum_;
};

}  // namespace scratchnet
