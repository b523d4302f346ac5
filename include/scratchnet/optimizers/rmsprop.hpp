// RMSProp:  h = decay * h + (1 - decay) * dL/dW * dL/dW
//           W = W - lr * dL/dW / (sqrt(h) + 1e-7)
#pragma once

#include "scratchnet/optimizers/slotted_optimizer.hpp"

namespace scratchnet {

// AdaGrad with a memory that fades: h is an exponential moving average of the
// squared gradients, so old gradients stop mattering and the step size does
// not decay to nothing (the book's RMSprop). As in the book there is no bias
// correction: h starts at zero, so the first steps are large (about
// lr / sqrt(1 - decay) per element). The slot is "h"; the book's defaults:
// lr 0.01, decay 0.99.
//
// Where AdaGrad's steps shrink as 1 / sqrt(t) for ever, RMSProp's settle at
// about lr per element under a steady gradient, so it keeps learning on long
// runs; but the large first steps can throw a network far from its start
// (in the reference runs on Fashion-MNIST its first loss is 14, the others'
// 2 to 3).
//
// Two steps by hand: W = 1, constant dL/dW = 0.5, lr 0.1, decay 0.9:
// h = 0.025, W = 1 - 0.05 / (0.15811388 + 1e-7) = 0.68377243;
// h = 0.9 * 0.025 + 0.025 = 0.0475, W = 0.45435681.
// It keeps one matrix per parameter, the size of the parameter.
//
//   scratchnet::RMSProp<float> rmsprop(0.01, 0.99);
//   rmsprop.update(net.params());
template <typename T>
class RMSProp : public SlottedOptimizer<T> {
 public:
  static constexpr double default_lr = 0.01;
  static constexpr double default_decay = 0.99;
  static constexpr double epsilon = 1e-7;

  // Throws std::invalid_argument naming the option ("lr: ...", "decay: ...")
  // unless lr is finite and > 0 and decay is in [0, 1).
  explicit RMSProp(double lr = default_lr, double decay = default_decay)
      : SlottedOptimizer<T>("RMSProp", lr), decay_(checked_fraction(decay, "decay")) {}

  double decay() const { return decay_; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    auto all = SlottedOptimizer<T>::hyperparameters();
    all.emplace_back("decay", decay_);
    return all;
  }

 protected:
  void update_block(const typename SlottedOptimizer<T>::Block& b) const override {
    const T lr = this->in_t(this->learning_rate());
    const T decay = this->in_t(decay_);
    const T keep = this->in_t(1 - decay_);
    const T eps = this->in_t(epsilon);
    auto h = b.slot(h_);
    const auto g = b.grad();
    h = decay * h + keep * g * g;
    b.value() -= lr * g / (h.sqrt() + eps);
  }

 private:
  typename SlottedOptimizer<T>::SlotId h_ = this->add_slot("h");
  double decay_;
};

}  // namespace scratchnet
