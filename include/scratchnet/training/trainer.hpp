// Trainer: epochs of mini-batches over a Dataset, an evaluation after each
// epoch, and a History. The book's Trainer (common/trainer.py), with two
// sampling modes:
//   shuffle (default): a fresh permutation each epoch, floor(N / batch)
//                      batches, the remainder of the permutation left out;
//   book:              each batch drawn with replacement, as the book does.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "scratchnet/core/denormals.hpp"
#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/data/dataset.hpp"
#include "scratchnet/network/multi_layer_net.hpp"
#include "scratchnet/optimizers/optimizer.hpp"
#include "scratchnet/training/history.hpp"

namespace scratchnet {

enum class Sampling { shuffle, book };

struct TrainerOptions {
  int epochs = 20;
  Index batch_size = 100;
  Sampling sampling = Sampling::shuffle;
  // Evaluate on the first K train and test samples only (the book's
  // evaluate_sample_num_per_epoch); 0 = all of them.
  Index evaluate_samples = 0;
  std::uint64_t seed = 0;  // of the batch order
};

template <typename T>
class Trainer {
 public:
  // Called after each epoch's evaluation; returning false stops training.
  using EpochCallback = std::function<bool(const EpochRecord&, const History&)>;
  // Called after each update: (iteration within the epoch, iterations per epoch, loss).
  using IterationCallback = std::function<void(Index, Index, double)>;

  // The trainer refers to all four; they must outlive it.
  Trainer(MultiLayerNet<T>& net, Optimizer<T>& optimizer, const Dataset<T>& train,
          const Dataset<T>& test, const TrainerOptions& options = {})
      : net_(net), optimizer_(optimizer), train_(train), test_(test), options_(options),
        rng_(options.seed) {
    require(options.epochs >= 0, "epochs", "must be >= 0, got " + std::to_string(options.epochs));
    require(options.batch_size > 0, "batch_size",
            "must be positive, got " + std::to_string(options.batch_size));
    require(train.size() > 0, "train data", "is empty");
    require(options.batch_size <= train.size(), "batch_size",
            std::to_string(options.batch_size) + " is larger than the " +
                std::to_string(train.size()) + " training samples");
    require(options.evaluate_samples >= 0, "evaluate_samples", "must be >= 0");
    require(train.features() == net.options().input_size, "train data",
            "has " + std::to_string(train.features()) + " features but the network's input_size is " +
                std::to_string(net.options().input_size));
    require(test.size() == 0 || test.features() == train.features(), "test data",
            "has another number of features than the training data");
  }

  void on_epoch_end(EpochCallback callback) { epoch_callbacks_.push_back(std::move(callback)); }
  void on_iteration(IterationCallback callback) { iteration_callback_ = std::move(callback); }

  Index iterations_per_epoch() const { return train_.size() / options_.batch_size; }

  // Runs the epochs (or until a callback says stop). Throws TrainingDiverged
  // at the first NaN or infinite loss.
  History train() {
    const FlushDenormalsScope flush_denormals;
    History history;
    history.loss.reserve(static_cast<std::size_t>(options_.epochs * iterations_per_epoch()));
    for (int epoch = 1; epoch <= options_.epochs; ++epoch) {
      EpochRecord record = train_epoch(epoch, history);
      evaluate(record);
      history.epochs.push_back(record);
      bool go_on = true;
      for (auto& callback : epoch_callbacks_) go_on = callback(record, history) && go_on;
      if (!go_on) break;
    }
    return history;
  }

 private:
  using Clock = std::chrono::steady_clock;

  static double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  EpochRecord train_epoch(int epoch, History& history) {
    const auto start = Clock::now();
    const Index iterations = iterations_per_epoch();
    const Index batch = options_.batch_size;
    if (options_.sampling == Sampling::shuffle) {
      order_ = detail::random_permutation(train_.size(), rng_);
    } else {
      order_.resize(static_cast<std::size_t>(iterations * batch));
      for (Index& i : order_) i = static_cast<Index>(rng_.below(static_cast<std::uint64_t>(train_.size())));
    }
    double loss_sum = 0;
    for (Index it = 0; it < iterations; ++it) {
      gather_rows(train_, order_, it * batch, batch, x_batch_, labels_batch_);
      const double loss = static_cast<double>(net_.gradient(x_batch_, labels_batch_));
      if (!std::isfinite(loss)) diverged(epoch, it, loss);
      optimizer_.update(net_.params());
      history.loss.push_back(loss);
      loss_sum += loss;
      if (iteration_callback_) iteration_callback_(it + 1, iterations, loss);
    }
    EpochRecord record;
    record.epoch = epoch;
    record.mean_loss = loss_sum / static_cast<double>(iterations);
    record.samples = static_cast<long long>(iterations * batch);
    record.train_seconds = seconds_since(start);
    return record;
  }

  void evaluate(EpochRecord& record) {
    const auto start = Clock::now();
    record.train_accuracy = accuracy_on(train_);
    record.test_accuracy = test_.size() > 0 ? accuracy_on(test_) : 0.0;
    record.eval_seconds = seconds_since(start);
  }

  double accuracy_on(const Dataset<T>& data) {
    const Index n = options_.evaluate_samples > 0 ? std::min(options_.evaluate_samples, data.size())
                                                  : data.size();
    return net_.accuracy(data.x.topRows(n), data.labels.head(n));
  }

  [[noreturn]] void diverged(int epoch, Index iteration, double loss) const {
    std::ostringstream message;
    message << "training diverged: loss is " << loss << " at epoch " << epoch << ", iteration "
            << iteration + 1 << "; try a smaller learning rate (now " << optimizer_.learning_rate()
            << ")";
    throw TrainingDiverged(message.str());
  }

  MultiLayerNet<T>& net_;
  Optimizer<T>& optimizer_;
  const Dataset<T>& train_;
  const Dataset<T>& test_;
  TrainerOptions options_;
  Rng rng_;
  std::vector<Index> order_;
  Matrix<T> x_batch_;
  Labels labels_batch_;
  std::vector<EpochCallback> epoch_callbacks_;
  IterationCallback iteration_callback_;
};

}  // namespace scratchnet
