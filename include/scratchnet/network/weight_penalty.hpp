// The penalties on a network's weights that enter its loss: L2 weight decay
// (the book's 6.4.1) and L1, over what the layers name for them (every W of
// an affine or convolution layer; no bias, no gamma or beta).
//
//   loss     += 0.5 * l2 * sum W^2  +  l1 * sum |W|
//   gradient += l2 * W              +  l1 * sign(W)
//
// |W| has no derivative at 0; sign(0) = 0 is the subgradient taken there, so
// a weight that is exactly 0 feels no pull from L1. L2 shrinks every weight in
// proportion to its size; L1 pulls each towards 0 by the same amount whatever
// its size, so that small weights reach 0 and stay near it: sparse weights.
#pragma once

#include <cmath>
#include <string>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/param.hpp"

namespace scratchnet {

class WeightPenalty {
 public:
  // Each lambda: finite and >= 0 (0 = off); else std::invalid_argument
  // naming the option.
  void set_l2(double lambda) { l2_ = checked(lambda, "weight_decay_lambda"); }
  void set_l1(double lambda) { l1_ = checked(lambda, "l1_lambda"); }
  double l2() const { return l2_; }
  double l1() const { return l1_; }

  // 0.5 * l2 * sum W^2 + l1 * sum |W|, summed in double.
  template <typename T>
  double loss_term(const ParamList<T>& weights) const {
    double term = 0;
    if (l2_ > 0) {
      double sum_of_squares = 0;
      for (const Param<T>& p : weights)
        sum_of_squares += static_cast<double>(p.value->squaredNorm());
      term += 0.5 * l2_ * sum_of_squares;
    }
    if (l1_ > 0) {
      double sum_of_magnitudes = 0;
      for (const Param<T>& p : weights)
        sum_of_magnitudes += static_cast<double>(p.value->template lpNorm<1>());
      term += l1_ * sum_of_magnitudes;
    }
    return term;
  }

  // dW += l2 * W + l1 * sign(W), after backprop filled dW.
  template <typename T>
  void add_gradient(const ParamList<T>& weights) const {
    if (l2_ > 0) {
      const auto lambda = static_cast<T>(l2_);
      for (const Param<T>& p : weights) *p.grad += lambda * *p.value;
    }
    if (l1_ > 0) {
      const auto lambda = static_cast<T>(l1_);
      for (const Param<T>& p : weights) p.grad->array() += lambda * p.value->array().sign();
    }
  }

 private:
  static double checked(double lambda, const std::string& option) {
    require(std::isfinite(lambda) && lambda >= 0, option,
            "must be a finite number >= 0, got " + detail::option_value(lambda));
    return lambda;
  }

  double l2_ = 0;
  double l1_ = 0;
};

}  // namespace scratchnet
