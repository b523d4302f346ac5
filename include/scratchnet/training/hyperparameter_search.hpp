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
//
// With options.proposer (Bayesian optimisation, training/bayesian_optimization.hpp)
// the first trials run as drawn, and the values of the later ones are chosen
// round by round from the results before them; a trial keeps the index and
// seeds it was drawn with. Rounds have the proposer's size, not the number of
// jobs, so the results again do not depend on jobs.
//
// With options.processes (MPI's, distributed/mpi.hpp) the processes share
// the trials: trial i runs on process i mod N, each over its own jobs, and
// every process gets every result after each round (training/trial_exchange.hpp);
// proposed values are rank 0's. The results are the same for any number of
// processes; on_trial_end sees the other processes' trials as they arrive.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
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
#include "scratchnet/training/search_options.hpp"
#include "scratchnet/training/search_trials.hpp"
#include "scratchnet/training/trainer.hpp"
#include "scratchnet/training/trial_exchange.hpp"

namespace scratchnet {

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
  // Every trial in index order. With a proposer, the values of the trials
  // after its random ones are the proposed ones only once run() has run.
  const std::vector<Trial>& trials() const { return trials_; }
  const HyperparameterSearchOptions& options() const { return options_; }

  // Runs every trial and returns the results, best first. Sets Eigen to one
  // thread while it runs (each trial is one thread's work) and restores it.
  std::vector<TrialResult> run() {
    const OneEigenThread one_eigen_thread;
    const int total = static_cast<int>(trials_.size());
    std::vector<TrialResult> results(trials_.size());
    int finished = 0;
    const TrialProposer* proposer = options_.proposer.get();
    const int drawn = proposer ? std::min(total, proposer->random_trials()) : total;
    run_trials(0, drawn, results, finished);
    for (int begin = drawn; begin < total; begin += proposer->round_size()) {
      const int end = std::min(total, begin + proposer->round_size());
      propose_trials(begin, end, results);
      run_trials(begin, end, results, finished);
    }
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
  // Eigen's thread count set to one for the scope, and restored after it.
  class OneEigenThread {
   public:
    OneEigenThread() : saved_(Eigen::nbThreads()) { Eigen::setNbThreads(1); }
    ~OneEigenThread() { Eigen::setNbThreads(saved_); }
    OneEigenThread(const OneEigenThread&) = delete;
    OneEigenThread& operator=(const OneEigenThread&) = delete;

   private:
    int saved_;
  };

  // Trains trials [begin, end) over the jobs into results[begin, end);
  // finished counts the trials done in the whole search, for the callback.
  void run_trials(int begin, int end, std::vector<TrialResult>& results, int& finished) const {
    const int total = static_cast<int>(trials_.size());
    int jobs = options_.jobs > 0
                   ? options_.jobs
                   : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // This process's trials of the round: all of them, or every N-th of N.
    std::vector<int> mine;
    for (int i = begin; i < end; ++i) {
      if (!distributed() || i % options_.processes->size() == options_.processes->rank()) {
        mine.push_back(i);
      }
    }
    jobs = std::max(1, std::min(jobs, static_cast<int>(mine.size())));
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::exception_ptr error;

    auto work = [&] {
      for (;;) {
        const std::size_t k = next++;
        if (k >= mine.size() || failed) return;
        const int i = mine[k];
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

    if (jobs == 1) {
      work();
    } else {
      std::vector<std::thread> threads;
      for (int j = 0; j < jobs; ++j) threads.emplace_back(work);
      for (std::thread& t : threads) t.join();
    }
    if (error) std::rethrow_exception(error);
    if (distributed()) share_round(mine, results, finished);
  }

  bool distributed() const {
    return options_.processes != nullptr && options_.processes->size() > 1;
  }

  // Gives every process the results of the trials `mine` ran here and takes
  // theirs, announcing each to on_trial_end.
  void share_round(const std::vector<int>& mine, std::vector<TrialResult>& results,
                   int& finished) const {
    std::vector<TrialResult> own;
    for (const int i : mine) own.push_back(results[static_cast<std::size_t>(i)]);
    const int total = static_cast<int>(trials_.size());
    for (TrialResult& r : exchange_results(*options_.processes, own)) {
      const int i = r.trial.index;
      require(i >= 0 && i < total, "processes",
              "sent the result of trial " + std::to_string(i) + " of a search of " +
                  std::to_string(total));
      if (i % options_.processes->size() == options_.processes->rank()) continue;
      results[static_cast<std::size_t>(i)] = std::move(r);
      ++finished;
      if (callback_) callback_(results[static_cast<std::size_t>(i)], finished, total);
    }
  }

  // Asks the proposer for the values of trials [begin, end), given the
  // results of the trials before them, and checks what it gives.
  void propose_trials(int begin, int end, const std::vector<TrialResult>& results) {
    const auto first = trials_.begin() + begin;
    std::vector<Trial> next(first, trials_.begin() + end);
    const std::vector<TrialResult> finished(results.begin(), results.begin() + begin);
    // A seed of the search's and the round's alone (splitmix64 inside Rng).
    const std::uint64_t seed =
        Rng(options_.seed ^ (0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(begin))).next_u64();
    if (!distributed() || options_.processes->rank() == 0) {
      options_.proposer->propose(options_.ranges, finished, seed, next);
    }
    if (distributed()) share_rank_zero_values(*options_.processes, next);
    require(next.size() == static_cast<std::size_t>(end - begin), "proposer",
            "gave " + std::to_string(next.size()) + " trials for " + std::to_string(end - begin));
    for (std::size_t k = 0; k < next.size(); ++k) {
      require_values_in(options_.ranges, next[k], "proposer");
      first[static_cast<std::ptrdiff_t>(k)].values = next[k].values;
    }
  }

  void prepare() {
    require(options_.jobs >= 0, "jobs",
            "must be >= 0 (0 = one per core), got " + std::to_string(options_.jobs));
    require(split_.train.size() > 0, "search", "the training set is empty");
    require(split_.validation.size() > 0, "search", "the validation set is empty");
    if (options_.proposer) {
      require(options_.proposer->random_trials() >= 1, "proposer",
              "needs at least one random trial before its first proposal, got " +
                  std::to_string(options_.proposer->random_trials()));
      require(options_.proposer->round_size() >= 1, "proposer",
              "must propose at least one trial a round, got " +
                  std::to_string(options_.proposer->round_size()));
    }
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
