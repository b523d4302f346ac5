// What a training loop does with a learning-rate schedule
// (training/lr_schedule.hpp), in one place for the Trainer and for a loop of
// one's own:
// - before an epoch's first batch, the optimizer takes that epoch's rate;
// - after the epoch, the schedule sees the loss it monitors (the Trainer
//   passes the validation loss when there is a validation set, else the
//   epoch's mean training loss), which reduce-on-plateau learns from;
// - a run is known by its base rate and its schedule, not by the rate of
//   the epoch it stopped in, so a checkpoint resumes under the same command;
// - the schedule's state (reduce-on-plateau's) travels in checkpoints.
// Without a schedule it leaves the optimizer's rate alone and the run's
// settings as they were before schedules existed.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/optimizers/optimizer.hpp"
#include "scratchnet/optimizers/slotted_optimizer.hpp"
#include "scratchnet/training/checkpoint.hpp"
#include "scratchnet/training/lr_schedule.hpp"
#include "scratchnet/training/lr_schedule_spec.hpp"
#include "scratchnet/training/run_settings.hpp"

namespace scratchnet {

class ScheduledRate {
 public:
  // schedule may be null (no schedule); it must outlive this object.
  ScheduledRate(LearningRateSchedule* schedule, double base_rate)
      : schedule_(schedule), base_rate_(checked_learning_rate(base_rate)) {}

  bool active() const { return schedule_ != nullptr; }
  double base_rate() const { return base_rate_; }

  // Sets the rate of `epoch` (from 1) on the optimizer and returns the rate
  // it trains at. Throws std::invalid_argument when the schedule gives no
  // usable rate (cosine with min=0 past its epochs gives 0).
  template <typename T>
  double start_epoch(std::int64_t epoch, Optimizer<T>& optimizer) const {
    if (!schedule_) return optimizer.learning_rate();
    const double rate = schedule_->rate(epoch, base_rate_);
    if (!(std::isfinite(rate) && rate > 0)) {
      fail("lr_schedule", to_string(*schedule_) + " gives epoch " + std::to_string(epoch) +
                              " the rate " + detail::option_value(rate) +
                              ", and a rate must be > 0");
    }
    optimizer.set_learning_rate(rate);
    return rate;
  }

  void end_epoch(double monitored_loss) {
    if (schedule_) schedule_->observe(monitored_loss);
  }

  // optimizer.lr becomes the base rate, and trainer.lr_schedule names the
  // schedule with every setting.
  void describe(RunSettings& settings) const {
    if (!schedule_) return;
    for (RunSetting& s : settings) {
      if (s.name == "optimizer.lr") s.value = detail::exact_number(base_rate_);
    }
    settings.push_back({"trainer.lr_schedule", to_string(*schedule_)});
  }

  // The schedule's state as checkpoint numbers named "lr_schedule.<name>".
  void save(PolicyState& policies) const {
    if (!schedule_) return;
    for (const auto& [name, value] : schedule_->state()) policies.numbers[kPrefix + name] = value;
  }

  // Restores what save() wrote; returns why it does not fit, or "" (the
  // schedule is then unchanged).
  std::string load(const PolicyState& policies) {
    NamedNumbers state;
    for (const auto& [name, value] : policies.numbers) {
      if (name.compare(0, kPrefix.size(), kPrefix) == 0) {
        state.emplace_back(name.substr(kPrefix.size()), value);
      }
    }
    if (!schedule_) {
      return state.empty() ? ""
                           : "it holds a learning-rate schedule's state, and this training "
                             "has no schedule";
    }
    try {
      schedule_->set_state(state);
    } catch (const std::invalid_argument& e) {
      return std::string("its learning-rate schedule's state: ") + e.what();
    }
    return "";
  }

 private:
  inline static const std::string kPrefix = "lr_schedule.";

  LearningRateSchedule* schedule_;
  double base_rate_;
};

}  // namespace scratchnet
