// What a hyperparameter search is made of: the ranges it draws from, a trial
// (one point of the search with its seeds), the random draw of trials from a
// seed, and what a trained trial gave. HyperparameterSearch
// (training/hyperparameter_search.hpp) trains them; a TrialProposer such as
// BayesianOptimization chooses later trials from earlier results.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/training/history.hpp"

namespace scratchnet {

// One hyperparameter's range. On a log scale a value is 10^U(log10 low,
// log10 high), so each decade is as likely as any other; otherwise U(low, high).
struct SearchRange {
  std::string name;
  double low = 0;
  double high = 0;
  bool log_scale = true;

  void validate() const {
    const std::string what = "search range '" + name + "'";
    require(std::isfinite(low) && std::isfinite(high) && low <= high, what,
            "needs finite low <= high, got [" + std::to_string(low) + ", " + std::to_string(high) +
                "]");
    require(!log_scale || low > 0, what,
            "on a log scale needs low > 0, got " + std::to_string(low));
  }
};

// A value drawn from range.
inline double sample(const SearchRange& range, Rng& rng) {
  if (!range.log_scale) return rng.uniform(range.low, range.high);
  const double exponent = rng.uniform(std::log10(range.low), std::log10(range.high));
  // Clamped: 10^log10(x) may round just outside [low, high].
  return std::clamp(std::pow(10.0, exponent), range.low, range.high);
}

// One point of the search: its values and the seeds of its network and of
// its mini-batches.
struct Trial {
  int index = 0;  // 0-based, the order in which trials were drawn
  std::uint64_t network_seed = 0;
  std::uint64_t batch_seed = 0;
  std::vector<std::pair<std::string, double>> values;  // in the order of the ranges

  double value(const std::string& name) const {
    for (const auto& [key, v] : values) {
      if (key == name) return v;
    }
    throw std::invalid_argument("trial: no hyperparameter named '" + name + "'");
  }
};

// count trials drawn from one Rng(seed): for each trial, a value of every
// range in order, then its two seeds.
inline std::vector<Trial> sample_trials(const std::vector<SearchRange>& ranges, int count,
                                        std::uint64_t seed) {
  require(count >= 0, "trials", "must be >= 0, got " + std::to_string(count));
  for (const SearchRange& range : ranges) range.validate();
  Rng rng(seed);
  std::vector<Trial> trials(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    Trial& trial = trials[static_cast<std::size_t>(i)];
    trial.index = i;
    for (const SearchRange& range : ranges)
      trial.values.emplace_back(range.name, sample(range, rng));
    trial.network_seed = rng.next_u64();
    trial.batch_seed = rng.next_u64();
  }
  return trials;
}

// Throws std::invalid_argument("<who>: ...") unless trial has one value per
// range, named as the range, in its order, and within [low, high].
inline void require_values_in(const std::vector<SearchRange>& ranges, const Trial& trial,
                              const std::string& who) {
  require(trial.values.size() == ranges.size(), who,
          "gave trial " + std::to_string(trial.index) + " " + std::to_string(trial.values.size()) +
              " values for " + std::to_string(ranges.size()) + " ranges");
  for (std::size_t r = 0; r < ranges.size(); ++r) {
    const auto& [name, value] = trial.values[r];
    require(name == ranges[r].name && value >= ranges[r].low && value <= ranges[r].high, who,
            "gave '" + name + "' = " + detail::option_value(value) + " where range '" +
                ranges[r].name + "' is [" + detail::option_value(ranges[r].low) + ", " +
                detail::option_value(ranges[r].high) + "]");
  }
}

// What one trial gave. history.epochs[k].test_accuracy is the validation
// accuracy after epoch k + 1 (the Trainer's test set is the validation set).
struct TrialResult {
  Trial trial;
  double validation_accuracy = 0;  // after the last epoch
  double train_accuracy = 0;
  History history;
  double seconds = 0;
  bool diverged = false;  // the loss became NaN or infinite; accuracies are 0
  std::string error;      // why, when diverged

  std::vector<double> validation_curve() const {
    std::vector<double> out;
    for (const EpochRecord& e : history.epochs) out.push_back(e.test_accuracy);
    return out;
  }
  std::vector<double> train_curve() const {
    std::vector<double> out;
    for (const EpochRecord& e : history.epochs) out.push_back(e.train_accuracy);
    return out;
  }
};

// Best first: by validation accuracy, diverged trials last, ties in trial order.
inline void sort_by_validation_accuracy(std::vector<TrialResult>& results) {
  std::stable_sort(results.begin(), results.end(), [](const TrialResult& a, const TrialResult& b) {
    if (a.diverged != b.diverged) return b.diverged;
    if (a.validation_accuracy != b.validation_accuracy) {
      return a.validation_accuracy > b.validation_accuracy;
    }
    return a.trial.index < b.trial.index;
  });
}

// Chooses the values of later trials from the results of earlier ones. Without
// one, the search is random: every trial as sample_trials drew it.
class TrialProposer {
 public:
  virtual ~TrialProposer() = default;
  // How many trials run as drawn before the first proposal.
  virtual int random_trials() const = 0;
  // How many trials one proposal chooses; they train in parallel, and the
  // next round is chosen when they have all finished.
  virtual int round_size() const = 0;
  // Sets the values of every trial of next (one per range, in the ranges'
  // order) from the finished trials, in index order, drawing any random
  // numbers from seed. The search keeps only the values.
  virtual void propose(const std::vector<SearchRange>& ranges,
                       const std::vector<TrialResult>& finished, std::uint64_t seed,
                       std::vector<Trial>& next) = 0;
};

}  // namespace scratchnet
