// Weight initialisers: the scale of W's normal distribution.
//   std s:  W ~ N(0, s^2)
//   Xavier: W ~ N(0, 1 / n_in)   (the book's rule, not Glorot's 2 / (n_in + n_out))
//   He:     W ~ N(0, 2 / n_in)
// Biases start at 0, BatchNorm's gamma at 1 and beta at 0.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"

namespace scratchnet {

class WeightInit {
 public:
  enum class Kind { std_dev, xavier, he };

  // A plain number is a standard deviation: weight_init = 0.01.
  WeightInit(double std_dev)
      : kind_(Kind::std_dev), std_dev_(std_dev) {  // NOLINT: implicit on purpose
    require(std::isfinite(std_dev) && std_dev > 0, "weight_init",
            "a standard deviation must be a finite positive number, got " +
                detail::option_value(std_dev));
  }
  static WeightInit xavier() { return WeightInit(Kind::xavier); }
  static WeightInit he() { return WeightInit(Kind::he); }

  // "he", "xavier" (also "relu" and "sigmoid", the book's aliases) or a number.
  static WeightInit parse(const std::string& text) {
    if (text == "he" || text == "relu") return he();
    if (text == "xavier" || text == "sigmoid") return xavier();
    std::size_t used = 0;
    double value = 0;
    try {
      value = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    require(used > 0 && used == text.size(), "weight_init",
            "expected he, xavier or a standard deviation, got '" + text + "'");
    return WeightInit(value);
  }

  Kind kind() const { return kind_; }

  double stddev(Index fan_in) const {
    const auto n = static_cast<double>(fan_in);
    switch (kind_) {
      case Kind::xavier:
        return std::sqrt(1.0 / n);
      case Kind::he:
        return std::sqrt(2.0 / n);
      case Kind::std_dev:
        break;
    }
    return std_dev_;
  }

  std::string to_string() const {
    switch (kind_) {
      case Kind::xavier:
        return "xavier";
      case Kind::he:
        return "he";
      case Kind::std_dev:
        break;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", std_dev_);
    return text;
  }

  // The standard deviation of the std_dev kind.
  double std_dev() const { return std_dev_; }

 private:
  explicit WeightInit(Kind kind) : kind_(kind) {}
  Kind kind_;
  double std_dev_ = 0;
};

// Fills W (fan_in x fan_out) from rng by the rule.
template <typename T>
void init_weights(Matrix<T>& W, const WeightInit& rule, Rng& rng) {
  rng.fill_normal(W, rule.stddev(W.rows()));
}

}  // namespace scratchnet
