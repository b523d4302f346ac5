// The book's SGD experiments on the first N training samples (ch. 6.3.2,
// batch_norm_compare; ch. 6.4, overfit): their shared flags, and the data,
// batches and loop (book_loop.hpp) set up once for every run of an
// experiment, so that the runs differ only in what they compare.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "book_loop.hpp"
#include "chapter6.hpp"

namespace examples {

// --train-size, --test-size, --epochs, --batch, --lr, --hidden-layers and
// --hidden-size; the defaults are the program's.
struct SgdExperimentFlags {
  sn::Index train_size = 1000;
  sn::Index test_size = 0;
  int epochs = 20;
  sn::Index batch = 100;
  double lr = 0.01;
  int hidden_layers = 5;
  sn::Index hidden_size = 100;
};

inline void add_sgd_experiment_flags(CLI::App& app, SgdExperimentFlags& flags,
                                     const std::string& test_size_help) {
  app.add_option("--train-size", flags.train_size, "training samples (the first N)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--test-size", flags.test_size, test_size_help + " (0 = all)")
      ->check(not_negative())
      ->capture_default_str();
  app.add_option("--epochs", flags.epochs,
                 "evaluations, one per epoch of train-size / batch updates")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--batch", flags.batch, "mini-batch size")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--lr", flags.lr, "SGD learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--hidden-layers", flags.hidden_layers, "hidden layers")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--hidden-size", flags.hidden_size, "units per hidden layer")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

// The data, and the batches and loop every run of the experiment trains on.
struct SgdExperiment {
  sn::MnistData<float> data;
  double per_epoch = 1;
  BookLoop loop;
  std::vector<sn::Index> batches;

  // A network of the flags' hidden layers for this data, seeded from the
  // experiment's seed: every run starts from the same draw.
  sn::MultiLayerNetOptions network(const SgdExperimentFlags& flags, std::uint64_t seed) const {
    sn::MultiLayerNetOptions options;
    options.input_size = data.train.features();
    options.hidden_sizes.assign(static_cast<std::size_t>(flags.hidden_layers), flags.hidden_size);
    options.seed = derived_seed(seed, 0);
    return options;
  }
};

inline SgdExperiment prepare_sgd_experiment(const SgdExperimentFlags& flags,
                                            const CommonFlags& common) {
  SgdExperiment e;
  e.data = load_data(common.data_dir, flags.train_size, flags.test_size);
  e.per_epoch = iterations_per_epoch(e.data.train.size(), flags.batch);
  e.loop.batch = flags.batch;
  e.loop.iterations = iterations_for_evaluations(flags.epochs, e.per_epoch);
  e.loop.record_loss = false;
  e.batches = draw_batches(e.data.train.size(), flags.batch, e.loop.iterations,
                           derived_seed(common.seed, 1));
  return e;
}

}  // namespace examples
