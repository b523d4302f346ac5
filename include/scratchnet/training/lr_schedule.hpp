// Learning-rate schedules: the rate of each epoch from the optimizer's base
// rate. Any update rule takes it through Optimizer::set_learning_rate at the
// start of the epoch (the Trainer does this); Adam's bias-corrected step
// lr_t is then computed from the scheduled rate.
//
// Epochs count from 1. A schedule is a small object: the fixed ones (step,
// exponential, cosine) are a formula of the epoch; reduce-on-plateau also
// learns from the loss of each finished epoch (observe), and its state is a
// few named numbers, so that a checkpoint carries it and a resumed run goes
// on with the same rates. Their text form is in training/lr_schedule_spec.hpp.
//
//   scratchnet::StepDecay step(10, 0.5);
//   step.rate(11, 0.1);   // 0.1 * 0.5^floor(10 / 10) = 0.05
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "scratchnet/core/errors.hpp"

namespace scratchnet {

// A schedule's settings or its state, by name and in a fixed order.
using NamedNumbers = std::vector<std::pair<std::string, double>>;

class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;

  // "constant", "step", "exponential", "cosine", "plateau".
  virtual std::string kind() const = 0;
  // Every setting by name, in the order the text form takes them by position.
  virtual NamedNumbers settings() const = 0;

  // The rate of epoch `epoch` (>= 1) for the base rate `base_rate`.
  virtual double rate(std::int64_t epoch, double base_rate) const = 0;

  // The monitored loss of a finished epoch; only reduce-on-plateau uses it.
  virtual void observe(double /*loss*/) {}
  // What the schedule has learnt so far (empty for the fixed formulas), and
  // its restoration; set_state throws std::invalid_argument naming the first
  // value that is missing, unknown or out of range.
  virtual NamedNumbers state() const { return {}; }
  virtual void set_state(const NamedNumbers& state) {
    require(state.empty(), "lr_schedule state",
            kind() + " keeps none, got '" + state.front().first + "'");
  }
};

// The base rate in every epoch: what training without a schedule does.
class ConstantRate : public LearningRateSchedule {
 public:
  std::string kind() const override { return "constant"; }
  NamedNumbers settings() const override { return {}; }
  double rate(std::int64_t /*epoch*/, double base_rate) const override { return base_rate; }
};

// Step decay: the rate falls by the factor gamma every `every` epochs.
class StepDecay : public LearningRateSchedule {
 public:
  StepDecay(std::int64_t every, double gamma) : every_(every), gamma_(gamma) {
    require(every >= 1, "every", "must be a whole number >= 1, got " + std::to_string(every));
    require(gamma > 0 && gamma <= 1, "gamma",
            "must be in (0, 1], got " + detail::option_value(gamma));
  }
  std::string kind() const override { return "step"; }
  NamedNumbers settings() const override {
    return {{"every", static_cast<double>(every_)}, {"gamma", gamma_}};
  }
  // rate = base * gamma^floor((e - 1) / every)
  double rate(std::int64_t epoch, double base_rate) const override {
    const std::int64_t decays = (epoch - 1) / every_;
    return base_rate * std::pow(gamma_, static_cast<double>(decays));
  }

 private:
  std::int64_t every_;
  double gamma_;
};

// Exponential decay: the rate falls by the factor gamma every epoch.
class ExponentialDecay : public LearningRateSchedule {
 public:
  explicit ExponentialDecay(double gamma) : gamma_(gamma) {
    require(gamma > 0 && gamma <= 1, "gamma",
            "must be in (0, 1], got " + detail::option_value(gamma));
  }
  std::string kind() const override { return "exponential"; }
  NamedNumbers settings() const override { return {{"gamma", gamma_}}; }
  // rate = base * gamma^(e - 1)
  double rate(std::int64_t epoch, double base_rate) const override {
    return base_rate * std::pow(gamma_, static_cast<double>(epoch - 1));
  }

 private:
  double gamma_;
};

// Cosine annealing over `epochs` epochs, after `warmup` of them rising
// linearly. Warm-up epoch e of W has base * e / (W + 1), a line that reaches
// the base rate at epoch W + 1, where the cosine begins; from there the rate
// falls along half a cosine towards min_rate over the T = epochs - W epochs
// left, reaching it just after the last one (as PyTorch's
// CosineAnnealingLR with T_max = T), so that no epoch of the run trains at
// min_rate = 0. Epochs beyond `epochs` keep min_rate.
class CosineDecay : public LearningRateSchedule {
 public:
  CosineDecay(std::int64_t epochs, std::int64_t warmup = 0, double min_rate = 0)
      : epochs_(epochs), warmup_(warmup), min_rate_(min_rate) {
    require(epochs >= 1, "epochs", "must be a whole number >= 1, got " + std::to_string(epochs));
    require(warmup >= 0 && warmup < epochs, "warmup",
            "must be a whole number >= 0 and below epochs (" + std::to_string(epochs) + "), got " +
                std::to_string(warmup));
    require(std::isfinite(min_rate) && min_rate >= 0, "min",
            "must be a finite number >= 0, got " + detail::option_value(min_rate));
  }
  std::string kind() const override { return "cosine"; }
  NamedNumbers settings() const override {
    return {{"epochs", static_cast<double>(epochs_)},
            {"warmup", static_cast<double>(warmup_)},
            {"min", min_rate_}};
  }
  double rate(std::int64_t epoch, double base_rate) const override {
    // warm-up: rate = base * e / (W + 1)
    if (epoch <= warmup_) {
      return base_rate * static_cast<double>(epoch) / static_cast<double>(warmup_ + 1);
    }
    if (epoch > epochs_) return min_rate_;
    // rate = min + (base - min)(1 + cos(pi t / T)) / 2,  t = e - W - 1, T = epochs - W
    const double pi = std::acos(-1.0);
    const double t = static_cast<double>(epoch - warmup_ - 1);
    const double span = static_cast<double>(epochs_ - warmup_);
    return min_rate_ + (base_rate - min_rate_) * (1 + std::cos(pi * t / span)) / 2;
  }

 private:
  std::int64_t epochs_;
  std::int64_t warmup_;
  double min_rate_;
};

// Reduce on plateau: the rate is multiplied by `factor` when the monitored
// loss has not improved on the best so far by more than `threshold` for
// `patience` epochs in a row, and never goes below min_rate (nor rises to
// it: a base rate below min_rate is kept). An epoch improves when
// loss < best - threshold; then it becomes the best and the count restarts.
// After a reduction the count restarts too, so the next one needs another
// `patience` epochs without improvement.
class ReduceOnPlateau : public LearningRateSchedule {
 public:
  explicit ReduceOnPlateau(std::int64_t patience = 3, double factor = 0.5, double threshold = 1e-4,
                           double min_rate = 0)
      : patience_(patience), factor_(factor), threshold_(threshold), min_rate_(min_rate) {
    require(patience >= 1, "patience",
            "must be a whole number >= 1, got " + std::to_string(patience));
    require(factor > 0 && factor < 1, "factor",
            "must be in (0, 1), got " + detail::option_value(factor));
    require(std::isfinite(threshold) && threshold >= 0, "threshold",
            "must be a finite number >= 0, got " + detail::option_value(threshold));
    require(std::isfinite(min_rate) && min_rate >= 0, "min",
            "must be a finite number >= 0, got " + detail::option_value(min_rate));
  }
  std::string kind() const override { return "plateau"; }
  NamedNumbers settings() const override {
    return {{"patience", static_cast<double>(patience_)},
            {"factor", factor_},
            {"threshold", threshold_},
            {"min", min_rate_}};
  }

  // rate = max(base * factor^reductions, min(min_rate, base))
  double rate(std::int64_t /*epoch*/, double base_rate) const override {
    const double reduced = base_rate * std::pow(factor_, static_cast<double>(reductions_));
    return std::max(reduced, std::min(min_rate_, base_rate));
  }

  // A NaN loss is no improvement.
  void observe(double loss) override {
    if (loss < best_loss_ - threshold_) {
      best_loss_ = loss;
      epochs_without_improvement_ = 0;
      return;
    }
    if (++epochs_without_improvement_ < patience_) return;
    ++reductions_;
    epochs_without_improvement_ = 0;
  }

  double best_loss() const { return best_loss_; }
  std::int64_t epochs_without_improvement() const { return epochs_without_improvement_; }
  std::int64_t reductions() const { return reductions_; }

  NamedNumbers state() const override {
    return {{"best_loss", best_loss_},
            {"epochs_without_improvement", static_cast<double>(epochs_without_improvement_)},
            {"reductions", static_cast<double>(reductions_)}};
  }
  void set_state(const NamedNumbers& state) override {
    double best = std::numeric_limits<double>::quiet_NaN();
    double waiting = -1;
    double reductions = -1;
    for (const auto& [name, value] : state) {
      double* slot = name == "best_loss"                    ? &best
                     : name == "epochs_without_improvement" ? &waiting
                     : name == "reductions"                 ? &reductions
                                                            : nullptr;
      require(
          slot != nullptr, "lr_schedule state",
          "plateau keeps best_loss, epochs_without_improvement and reductions, got '" + name + "'");
      *slot = value;
    }
    require(!std::isnan(best), "lr_schedule state", "best_loss is missing or NaN");
    require(is_count(waiting) && waiting < static_cast<double>(patience_), "lr_schedule state",
            "epochs_without_improvement must be a whole number in [0, patience), got " +
                detail::option_value(waiting));
    require(is_count(reductions), "lr_schedule state",
            "reductions must be a whole number >= 0, got " + detail::option_value(reductions));
    best_loss_ = best;
    epochs_without_improvement_ = static_cast<std::int64_t>(waiting);
    reductions_ = static_cast<std::int64_t>(reductions);
  }

 private:
  static bool is_count(double x) { return x >= 0 && x < 9e15 && x == std::floor(x); }

  std::int64_t patience_;
  double factor_;
  double threshold_;
  double min_rate_;
  double best_loss_ = std::numeric_limits<double>::infinity();
  std::int64_t epochs_without_improvement_ = 0;
  std::int64_t reductions_ = 0;
};

}  // namespace scratchnet
