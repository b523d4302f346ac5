// Adam:  m = m + (1 - b1)(g - m),  v = v + (1 - b2)(g^2 - v),  t = t + 1
//        W = W - lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + 1e-7)
#pragma once

#include <cmath>
#include <cstdint>

#include "scratchnet/optimizers/slotted_optimizer.hpp"

namespace scratchnet {

// Momentum and RMSProp together, with the bias of their zero start corrected
// (the book's 6.1.6). The slots are "m" (moving average of the gradients) and
// "v" (of their squares), both starting at zero. The step t counts update
// calls: one counter for the whole optimizer, not one per parameter, as in the
// book. The bias correction is folded into the learning rate,
//
//   lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t),
//
// computed in double whatever T is, and the 1e-7 is added to the uncorrected
// sqrt(v), as the book's code does (the textbook form with
// eps_hat = 1e-7 / sqrt(1 - b2^t)). The book's defaults: lr 0.001,
// beta1 0.9, beta2 0.999.
//
//   scratchnet::Adam<float> adam;   // lr 0.001
//   adam.update(net.params());
//   adam.step();                    // t, also state().step
template <typename T>
class Adam : public SlottedOptimizer<T> {
 public:
  static constexpr double default_lr = 0.001;
  static constexpr double default_beta1 = 0.9;
  static constexpr double default_beta2 = 0.999;
  static constexpr double epsilon = 1e-7;

  // Throws std::invalid_argument naming the option ("lr: ...", "beta1: ...",
  // "beta2: ...") unless lr is finite and > 0 and both betas are in [0, 1).
  explicit Adam(double lr = default_lr, double beta1 = default_beta1, double beta2 = default_beta2)
      : SlottedOptimizer<T>("Adam", lr),
        beta1_(checked_fraction(beta1, "beta1")),
        beta2_(checked_fraction(beta2, "beta2")) {}

  double beta1() const { return beta1_; }
  double beta2() const { return beta2_; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    auto all = SlottedOptimizer<T>::hyperparameters();
    all.emplace_back("beta1", beta1_);
    all.emplace_back("beta2", beta2_);
    return all;
  }

 protected:
  void begin_step(std::int64_t step) override {
    const double t = static_cast<double>(step);
    const double lr_t =
        this->learning_rate() * std::sqrt(1.0 - std::pow(beta2_, t)) / (1.0 - std::pow(beta1_, t));
    lr_t_ = this->in_t(lr_t);
  }

  void update_block(const typename SlottedOptimizer<T>::Block& b) const override {
    const T keep1 = this->in_t(1 - beta1_);
    const T keep2 = this->in_t(1 - beta2_);
    const T eps = this->in_t(epsilon);
    auto m = b.slot(m_);
    auto v = b.slot(v_);
    const auto g = b.grad();
    m += keep1 * (g - m);
    v += keep2 * (g * g - v);
    b.value() -= lr_t_ * m / (v.sqrt() + eps);
  }

 private:
  typename SlottedOptimizer<T>::SlotId m_ = this->add_slot("m");
  typename SlottedOptimizer<T>::SlotId v_ = this->add_slot("v");
  double beta1_;
  double beta2_;
  T lr_t_ = 0;  // of the current step, set by begin_step
};

}  // namespace scratchnet
