// The book's SGD experiments on the first N training samples (ch. 6.3.2,
// batch_norm_compare; ch. 6.4, overfit): their shared flags, and its
// training loop over mini-batches drawn with replacement, drawn once for
// every run of an experiment so that the runs differ only in what they
// compare.
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chapter6.hpp"

namespace examples {

// iterations * batch sample indices drawn with replacement, as the book's
// np.random.choice(train_size, batch_size) once per iteration.
inline std::vector<sn::Index> draw_batches(sn::Index train_size, sn::Index batch,
                                           sn::Index iterations, std::uint64_t seed) {
  sn::Rng rng(seed);
  std::vector<sn::Index> indices(static_cast<std::size_t>(iterations * batch));
  for (sn::Index& i : indices)
    i = static_cast<sn::Index>(rng.below(static_cast<std::uint64_t>(train_size)));
  return indices;
}

// The book's iter_per_epoch = max(train_size / batch_size, 1), a real number,
// and the iterations its loops run to make `epochs` evaluations (at every i
// with i % iter_per_epoch == 0, the first after the first update).
inline double iterations_per_epoch(sn::Index train_size, sn::Index batch) {
  return std::max(static_cast<double>(train_size) / static_cast<double>(batch), 1.0);
}
inline bool is_evaluation_step(sn::Index i, double per_epoch) {
  return std::fmod(static_cast<double>(i), per_epoch) == 0.0;
}
inline sn::Index iterations_for_evaluations(int evaluations, double per_epoch) {
  sn::Index i = 0;
  for (int done = 0;; ++i) {
    if (is_evaluation_step(i, per_epoch) && ++done >= evaluations) return i + 1;
  }
}

// The loop of the book's ch06 scripts: for each iteration, the batch at
// batches[i * batch ...], gradient, update, then (record_loss) the loss on
// the same batch after the update, as the scripts append it; after_update(i)
// runs last. NaN losses are recorded, not thrown: the book's runs diverge
// quietly too.
struct BookLoop {
  sn::Index batch = 100;
  sn::Index iterations = 0;
  bool record_loss = true;
};

template <typename T>
std::vector<double> train_book_loop(sn::MultiLayerNet<T>& net, sn::Optimizer<T>& optimizer,
                                    const sn::Dataset<T>& train,
                                    const std::vector<sn::Index>& batches, const BookLoop& loop,
                                    const std::function<void(sn::Index)>& after_update = {}) {
  const sn::FlushDenormalsScope flush_denormals;
  sn::Matrix<T> x;
  sn::Labels labels;
  std::vector<double> losses;
  if (loop.record_loss) losses.reserve(static_cast<std::size_t>(loop.iterations));
  for (sn::Index i = 0; i < loop.iterations; ++i) {
    sn::gather_rows(train, batches, i * loop.batch, loop.batch, x, labels);
    net.gradient(x, labels);
    optimizer.update(net.params());
    net.apply_max_norm();
    if (loop.record_loss) losses.push_back(static_cast<double>(net.loss(x, labels)));
    if (after_update) after_update(i);
  }
  return losses;
}

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
