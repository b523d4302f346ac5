// Trainer: epochs of mini-batches over a Dataset, an evaluation after each
// epoch, and a History. The book's Trainer (common/trainer.py), with two
// sampling modes (training/trainer_options.hpp): a fresh shuffle each epoch,
// or each batch drawn with replacement, as the book does.
// With a communicator of several processes (training/communicator.hpp, e.g.
// MPI's), each process trains on its share of every batch and the gradients
// are summed (training/data_parallel.hpp): every process holds the same
// weights, evaluates a share of the data, and only rank 0 writes checkpoints.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "scratchnet/core/denormals.hpp"
#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/data/dataset.hpp"
#include "scratchnet/optimizers/optimizer.hpp"
#include "scratchnet/training/checkpoint.hpp"
#include "scratchnet/training/communicator.hpp"
#include "scratchnet/training/data_parallel.hpp"
#include "scratchnet/training/divergence.hpp"
#include "scratchnet/training/early_stopping.hpp"
#include "scratchnet/training/evaluation.hpp"
#include "scratchnet/training/history.hpp"
#include "scratchnet/training/run_settings.hpp"
#include "scratchnet/training/scheduled_rate.hpp"
#include "scratchnet/training/trainer_options.hpp"

namespace scratchnet {

template <typename T>
class Trainer {
 public:
  // Called after each epoch's evaluation; returning false stops training.
  using EpochCallback = std::function<bool(const EpochRecord&, const History&)>;
  // Called after each update: (iteration within the epoch, iterations per epoch, loss).
  using IterationCallback = std::function<void(Index, Index, double)>;

  // The trainer refers to all four; they must outlive it.
  Trainer(Sequential<T>& net, Optimizer<T>& optimizer, const Dataset<T>& train,
          const Dataset<T>& test, const TrainerOptions& options = {})
      : net_(net),
        optimizer_(optimizer),
        train_(train),
        test_(test),
        options_(options),
        rng_(options.seed),
        scheduled_(options.lr_schedule, optimizer.learning_rate()) {
    if (options.processes != nullptr && options.processes->size() > 1) {
      parallel_.emplace(*options.processes);
    }
    check_trainer_options(options, train.size(), parallel_ ? parallel_->size() : 1);
    if (options.early_stopping > 0) early_stopping_.emplace(options.early_stopping);
    require(train.features() == net.input_size(), "train data",
            "has " + std::to_string(train.features()) +
                " features but the network's input_size is " + std::to_string(net.input_size()));
    require(test.size() == 0 || test.features() == train.features(), "test data",
            "has another number of features than the training data");
  }

  // Judges each epoch on `validation`, data held out of the training set
  // (data/dataset.hpp split_validation): its loss and accuracy go into the
  // History, early stopping watches its loss, and the test set is no longer
  // evaluated per epoch (the caller tests once, at the end). It must outlive
  // the trainer.
  void validate_on(const Dataset<T>& validation) {
    require(validation.size() > 0, "validation data", "is empty");
    require(validation.features() == train_.features(), "validation data",
            "has another number of features than the training data");
    validation_ = &validation;
    data_fingerprints_.clear();
  }

  void on_epoch_end(EpochCallback callback) { epoch_callbacks_.push_back(std::move(callback)); }
  void on_iteration(IterationCallback callback) { iteration_callback_ = std::move(callback); }

  Index iterations_per_epoch() const { return train_.size() / options_.batch_size; }

  // Runs the epochs up to options.epochs, or until a callback says stop, or
  // until a stop is requested (then stopped() is true and a checkpoint is
  // written when a path is set). Throws TrainingDiverged at the first NaN or
  // infinite loss. Called after resume(), it goes on from the checkpoint.
  History train() {
    const FlushDenormalsScope flush_denormals;
    require(!early_stopping_ || validation_ != nullptr, "early_stopping",
            "needs a validation set (Trainer::validate_on)");
    stopped_ = false;
    if (early_stopping_ && early_stopping_->exhausted()) return stop_early();
    while (progress_.epochs_done < options_.epochs) {
      if (!run_batches()) {
        stopped_ = true;
        if (writes_checkpoints()) save_checkpoint(options_.checkpoint_path);
        break;
      }
      const EpochRecord record = finish_epoch();
      if (parallel_) parallel_->require_same_parameters(net_.params(), record.epoch);
      const bool no_better =
          early_stopping_ && early_stopping_->observe(record.epoch, record.validation_loss, net_);
      if (writes_checkpoints() && progress_.epochs_done % options_.checkpoint_every == 0) {
        save_checkpoint(options_.checkpoint_path);
      }
      bool go_on = true;
      for (auto& callback : epoch_callbacks_) go_on = callback(record, history_) && go_on;
      if (no_better) return stop_early();
      if (!go_on) break;
    }
    return history_;
  }

  // True when the last train() ended by early stopping; the network then
  // holds the weights of best_epoch().
  bool stopped_early() const { return stopped_early_; }
  int best_epoch() const { return early_stopping_ ? early_stopping_->best_epoch() : 0; }

  // True when the last train() ended on a stop request.
  bool stopped() const { return stopped_; }
  const TrainerProgress& progress() const { return progress_; }
  // Seconds the last epoch spent summing gradients over the processes (0
  // without a communicator of several).
  double communication_seconds() const { return communication_seconds_; }

  void save_checkpoint(const std::string& path) const;

  // What defines this run (training/run_settings.hpp): what a checkpoint
  // records and resume() compares. Only epochs and checkpoint_every may
  // differ between a run and its resumption.
  RunSettings run_settings() const;

  // Restores the network, optimizer, generators, progress and history from a
  // checkpoint made by a Trainer of the same run: the same network options,
  // optimizer and its settings, batch size, sampling, seeds and data. Throws
  // CheckpointMismatch naming the first setting that differs, or
  // ModelFormatError naming the file when the checkpoint does not fit this
  // training otherwise; the trainer is then unchanged.
  void resume(const std::string& path);

 private:
  using Clock = std::chrono::steady_clock;

  static double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  History stop_early() {
    early_stopping_->restore_best(net_);
    stopped_early_ = true;
    return history_;
  }

  bool stop_requested() const {
    return options_.stop_request != nullptr && options_.stop_request->load();
  }
  bool writes_checkpoints() const {
    return !options_.checkpoint_path.empty() && (!parallel_ || parallel_->rank() == 0);
  }

  // The batches of the epoch under way, from where it stands. Returns false
  // when a stop was requested.
  bool run_batches() {
    const Index iterations = iterations_per_epoch();
    const Index batch = options_.batch_size;
    if (progress_.iterations_done == 0) {
      progress_.loss_sum = 0;
      progress_.seconds = 0;
      if (options_.sampling == Sampling::shuffle) {
        progress_.order = detail::random_permutation(train_.size(), rng_);
      } else {
        progress_.order.resize(static_cast<std::size_t>(iterations * batch));
        for (Index& i : progress_.order) {
          i = static_cast<Index>(rng_.below(static_cast<std::uint64_t>(train_.size())));
        }
      }
    }
    // Room for this epoch's losses before its first batch, so that no batch
    // allocates; growing by doubling, not for every epoch up front, where a
    // huge epoch count asked for memory no machine has.
    const auto needed = history_.loss.size() + static_cast<std::size_t>(iterations);
    if (history_.loss.capacity() < needed) {
      history_.loss.reserve(std::max(needed, 2 * history_.loss.capacity()));
    }
    const auto start = Clock::now();
    const int epoch = progress_.epochs_done + 1;
    // Again when a resumed run starts mid-epoch: the same epoch and state
    // give the same rate.
    scheduled_.start_epoch(epoch, optimizer_);
    while (progress_.iterations_done < iterations) {
      const Index it = progress_.iterations_done;
      double loss = 0;
      // A process that was asked to stop tells the others with the batch's
      // sum, so that all stop after the same batch: one batch later than alone.
      bool asked_elsewhere = false;
      if (parallel_) {
        const auto step = parallel_->gradient(net_, train_, progress_.order, it * batch, batch,
                                              stop_requested(), x_batch_, labels_batch_);
        loss = step.loss;
        asked_elsewhere = step.stop;
      } else {
        gather_rows(train_, progress_.order, it * batch, batch, x_batch_, labels_batch_);
        loss = static_cast<double>(net_.gradient(x_batch_, labels_batch_));
      }
      if (!std::isfinite(loss)) throw_diverged(net_, optimizer_, history_, epoch, it, loss);
      optimizer_.update(net_.params());
      net_.apply_max_norm();
      history_.loss.push_back(loss);
      progress_.loss_sum += loss;
      progress_.iterations_done = it + 1;
      if (iteration_callback_) iteration_callback_(it + 1, iterations, loss);
      if (parallel_ ? asked_elsewhere : stop_requested()) {
        progress_.seconds += seconds_since(start);
        return false;
      }
    }
    progress_.seconds += seconds_since(start);
    return true;
  }

  EpochRecord finish_epoch() {
    const Index iterations = iterations_per_epoch();
    EpochRecord record;
    record.epoch = progress_.epochs_done + 1;
    record.mean_loss = progress_.loss_sum / static_cast<double>(iterations);
    record.samples = static_cast<long long>(iterations * options_.batch_size);
    record.train_seconds = progress_.seconds;
    record.learning_rate = optimizer_.learning_rate();
    communication_seconds_ = parallel_ ? parallel_->take_communication_seconds() : 0.0;
    evaluate(record);
    scheduled_.end_epoch(validation_ != nullptr ? record.validation_loss : record.mean_loss);
    history_.epochs.push_back(record);
    progress_.epochs_done = record.epoch;
    progress_.iterations_done = 0;
    return record;
  }

  void evaluate(EpochRecord& record) {
    const auto start = Clock::now();
    const auto first = [this](const Dataset<T>& data) {
      return options_.evaluate_samples > 0 ? std::min(options_.evaluate_samples, data.size())
                                           : data.size();
    };
    record.train_accuracy = evaluate_on(train_, first(train_), false).accuracy();
    if (validation_ != nullptr) {
      const EvaluationSums v = evaluate_on(*validation_, validation_->size(), true);
      record.validation_loss = v.mean_loss();
      record.validation_accuracy = v.accuracy();
    } else if (test_.size() > 0) {
      record.test_accuracy = evaluate_on(test_, first(test_), false).accuracy();
    }
    record.eval_seconds = seconds_since(start);
  }

  // Over the first `rows` of data; each process takes a share of them.
  EvaluationSums evaluate_on(const Dataset<T>& data, Index rows, bool with_loss) {
    if (parallel_) return parallel_->evaluate(net_, data.x.topRows(rows), data.labels, with_loss);
    return evaluation_sums(net_, data.x, data.labels, 0, rows, with_loss);
  }

  Sequential<T>& net_;
  Optimizer<T>& optimizer_;
  const Dataset<T>& train_;
  const Dataset<T>& test_;
  TrainerOptions options_;
  Rng rng_;
  mutable std::vector<std::string> data_fingerprints_;  // of train_ and test_, once asked for
  TrainerProgress progress_;
  History history_;
  bool stopped_ = false;
  bool stopped_early_ = false;
  const Dataset<T>* validation_ = nullptr;
  std::optional<EarlyStopping<T>> early_stopping_;
  ScheduledRate scheduled_;
  std::optional<DataParallel<T>> parallel_;
  double communication_seconds_ = 0;
  Matrix<T> x_batch_;
  Labels labels_batch_;
  std::vector<EpochCallback> epoch_callbacks_;
  IterationCallback iteration_callback_;
};

}  // namespace scratchnet

// save_checkpoint, run_settings and resume: a header of their own.
#include "scratchnet/training/trainer_checkpoints.hpp"
