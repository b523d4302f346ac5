// Random search of hyperparameters on a validation set, as the book's
// ch06/hyperparameter_optimization.py: draw each value from its range on a log
// scale (lr = 10^U(-6, -2)), train a network per trial, and rank the trials
// by validation accuracy. The validation set is held out of the training data
// and is never the test set.
//
//   scratchnet::HyperparameterSearchOptions options;       // the book's search
//   options.trials = 100;
//   scratchnet::HyperparameterSearch<float> search(data.train, options);  // 20% held out
//   search.on_trial_end([](const TrialResult& r, int done, int total) { ... });
//   std::vector<TrialResult> best_first = search.run();
//
// Each trial's network is MultiLayerNet<T>(settings.network) unless
// build_networks_with() gives another recipe, any Sequential.
//
// Trials run in parallel over options.jobs threads. Every trial's values and
// seeds are drawn up front from options.seed, and each trial trains its own
// network with one Eigen thread, so the results are the same for any number
// of jobs; only the order of the on_trial_end calls and the seconds differ.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/data/dataset.hpp"
#include "scratchnet/network/multi_layer_net.hpp"
#include "scratchnet/optimizers/make_optimizer.hpp"
#include "scratchnet/training/trainer.hpp"

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

// Everything one trial trains with, before its values are applied.
struct TrialSettings {
  MultiLayerNetOptions network;
  std::string optimizer = "sgd";
  OptimizerOptions optimizer_options;
  TrainerOptions trainer;
};

// Sets the values whose names it knows: lr, momentum (optimizer),
// weight_decay, dropout (network). Throws std::invalid_argument on any other.
inline void apply_known_values(const Trial& trial, TrialSettings& settings) {
  for (const auto& [name, value] : trial.values) {
    if (name == "lr") {
      settings.optimizer_options.lr = value;
    } else if (name == "momentum") {
      settings.optimizer_options.momentum = value;
    } else if (name == "weight_decay") {
      settings.network.weight_decay_lambda = value;
    } else if (name == "dropout") {
      settings.network.dropout_ratio = value;
    } else {
      throw std::invalid_argument("search range '" + name +
                                  "': not a known hyperparameter (lr, momentum, weight_decay, "
                                  "dropout); set HyperparameterSearchOptions::apply to use it");
    }
  }
}

struct HyperparameterSearchOptions {
  // The book's: lr = 10^U(-6, -2), weight decay = 10^U(-8, -4).
  std::vector<SearchRange> ranges{{"lr", 1e-6, 1e-2, true}, {"weight_decay", 1e-8, 1e-4, true}};
  int trials = 100;
  int jobs = 0;                   // threads; 0 = one per core
  std::uint64_t seed = 0;         // of the split, the values and the trials' seeds
  double validation_ratio = 0.2;  // for the constructor that splits the data
  // The book's trial: 784-100x6-10 ReLU, He init, SGD, 50 epochs of batch 100
  // drawn with replacement. network.seed and trainer.seed are set per trial.
  TrialSettings settings = book_settings();
  // Puts a trial's values into its settings; empty = apply_known_values.
  std::function<void(const Trial&, TrialSettings&)> apply;

  static TrialSettings book_settings() {
    TrialSettings s;
    s.network.hidden_sizes = {100, 100, 100, 100, 100, 100};
    s.trainer.epochs = 50;
    s.trainer.batch_size = 100;
    s.trainer.sampling = Sampling::book;
    return s;
  }
};

template <typename T>
class HyperparameterSearch {
 public:
  // Called once per finished trial, from the thread that ran it, one call at
  // a time: (result, trials finished so far, total trials).
  using TrialCallback = std::function<void(const TrialResult&, int, int)>;
  // Makes a trial's network from its settings: settings.network holds the
  // input size, the trial's seed and the values applied (weight decay,
  // dropout). Called from the trials' threads, one call per trial.
  using NetworkBuilder = std::function<Sequential<T>(const TrialSettings&)>;

  // Holds out options.validation_ratio of data as the validation set (the
  // book's split: shuffle with options.seed, the first part is validation).
  HyperparameterSearch(const Dataset<T>& data, HyperparameterSearchOptions options)
      : options_(std::move(options)),
        split_(split_validation(data, options_.validation_ratio, options_.seed)) {
    prepare();
  }

  // With a validation set of the caller's choosing.
  HyperparameterSearch(Dataset<T> train, Dataset<T> validation, HyperparameterSearchOptions options)
      : options_(std::move(options)), split_{std::move(train), std::move(validation)} {
    prepare();
  }

  void on_trial_end(TrialCallback callback) { callback_ = std::move(callback); }
  void build_networks_with(NetworkBuilder builder) { builder_ = std::move(builder); }

  const Dataset<T>& train_set() const { return split_.train; }
  const Dataset<T>& validation_set() const { return split_.validation; }
  const std::vector<Trial>& trials() const { return trials_; }
  const HyperparameterSearchOptions& options() const { return options_; }

  // Runs every trial and returns the results, best first. Sets Eigen to one
  // thread while it runs (each trial is one thread's work) and restores it.
  std::vector<TrialResult> run() {
    const int total = static_cast<int>(trials_.size());
    int jobs = options_.jobs > 0
                   ? options_.jobs
                   : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    jobs = std::max(1, std::min(jobs, total));
    std::vector<TrialResult> results(trials_.size());
    std::atomic<int> next{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    int finished = 0;
    std::exception_ptr error;

    auto work = [&] {
      for (;;) {
        const int i = next++;
        if (i >= total || failed) return;
        try {
          TrialResult result = run_trial(trials_[static_cast<std::size_t>(i)]);
          std::lock_guard<std::mutex> lock(mutex);
          results[static_cast<std::size_t>(i)] = std::move(result);
          ++finished;
          if (callback_) callback_(results[static_cast<std::size_t>(i)], finished, total);
        } catch (...) {
          std::lock_guard<std::mutex> lock(mutex);
          if (!error) error = std::current_exception();
          failed = true;
          return;
        }
      }
    };

    const int eigen_threads = Eigen::nbThreads();
    Eigen::setNbThreads(1);
    if (jobs == 1) {
      work();
    } else {
      std::vector<std::thread> threads;
      for (int j = 0; j < jobs; ++j) threads.emplace_back(work);
      for (std::thread& t : threads) t.join();
    }
    Eigen::setNbThreads(eigen_threads);
    if (error) std::rethrow_exception(error);
    sort_by_validation_accuracy(results);
    return results;
  }

  // Trains one trial on the calling thread.
  TrialResult run_trial(const Trial& trial) const {
    const auto start = std::chrono::steady_clock::now();
    TrialSettings settings = options_.settings;
    settings.network.input_size = split_.train.features();
    settings.network.seed = trial.network_seed;
    settings.trainer.seed = trial.batch_seed;
    if (options_.apply) {
      options_.apply(trial, settings);
    } else {
      apply_known_values(trial, settings);
    }
    TrialResult result;
    result.trial = trial;
    Sequential<T> net = builder_ ? builder_(settings) : MultiLayerNet<T>(settings.network);
    auto optimizer = make_optimizer<T>(settings.optimizer, settings.optimizer_options);
    Trainer<T> trainer(net, *optimizer, split_.train, split_.validation, settings.trainer);
    try {
      result.history = trainer.train();
      if (!result.history.epochs.empty()) {
        result.validation_accuracy = result.history.epochs.back().test_accuracy;
        result.train_accuracy = result.history.epochs.back().train_accuracy;
      }
    } catch (const TrainingDiverged& e) {
      result.diverged = true;
      result.error = e.what();
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }

 private:
  void prepare() {
    require(options_.jobs >= 0, "jobs",
            "must be >= 0 (0 = one per core), got " + std::to_string(options_.jobs));
    require(split_.train.size() > 0, "search", "the training set is empty");
    require(split_.validation.size() > 0, "search", "the validation set is empty");
    trials_ = sample_trials(options_.ranges, options_.trials, options_.seed);
    if (!options_.apply && !trials_.empty()) {
      TrialSettings check = options_.settings;
      apply_known_values(trials_.front(), check);  // an unknown name fails here, not in a thread
    }
  }

  HyperparameterSearchOptions options_;
  ValidationSplit<T> split_;
  std::vector<Trial> trials_;
  TrialCallback callback_;
  NetworkBuilder builder_;
};

}  // namespace scratchnet
