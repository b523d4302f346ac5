// What a hyperparameter search runs (training/hyperparameter_search.hpp):
// the settings every trial starts from, how a trial's values go into them,
// and the search's own options: ranges, trials, jobs, seed, the split, and
// optionally a proposer (Bayesian optimisation) and processes (MPI).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "scratchnet/network/options.hpp"
#include "scratchnet/optimizers/make_optimizer.hpp"
#include "scratchnet/training/communicator.hpp"
#include "scratchnet/training/search_trials.hpp"
#include "scratchnet/training/trainer_options.hpp"

namespace scratchnet {

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
  // Chooses the later trials from the earlier ones; empty = random search.
  std::shared_ptr<TrialProposer> proposer;
  // The processes that share the trials (a distributed search), or none.
  // Every process runs the same search on the same data and options.
  Communicator* processes = nullptr;

  static TrialSettings book_settings() {
    TrialSettings s;
    s.network.hidden_sizes = {100, 100, 100, 100, 100, 100};
    s.trainer.epochs = 50;
    s.trainer.batch_size = 100;
    s.trainer.sampling = Sampling::book;
    return s;
  }
};

}  // namespace scratchnet
