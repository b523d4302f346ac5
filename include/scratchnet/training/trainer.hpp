// Trainer: epochs of mini-batches over a Dataset, an evaluation after each
// epoch, and a History. The book's Trainer (common/trainer.py), with two
// sampling modes:
//   shuffle (default): a fresh permutation each epoch, floor(N / batch)
//                      batches, the remainder of the permutation left out;
//   book:              each batch drawn with replacement, as the book does.
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
#include <stdexcept>
#include <string>
#include <vector>

#include "scratchnet/core/denormals.hpp"
#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/data/dataset.hpp"
#include "scratchnet/network/model_file.hpp"
#include "scratchnet/optimizers/optimizer.hpp"
#include "scratchnet/training/checkpoint.hpp"
#include "scratchnet/training/checkpoint_fit.hpp"
#include "scratchnet/training/communicator.hpp"
#include "scratchnet/training/data_parallel.hpp"
#include "scratchnet/training/history.hpp"
#include "scratchnet/training/run_settings.hpp"

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
  // When set, a checkpoint is written to this file every checkpoint_every
  // epochs and when training stops on request.
  std::string checkpoint_path;
  int checkpoint_every = 1;
  // Set (for example from a SIGINT handler) to stop after the current batch.
  const std::atomic<bool>* stop_request = nullptr;
  // The processes that train this network together (data parallel), or none.
  // Every process runs the same Trainer on the same data and options.
  Communicator* processes = nullptr;
};

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
        rng_(options.seed) {
    if (options.processes != nullptr && options.processes->size() > 1) {
      parallel_.emplace(*options.processes);
    }
    require(options.epochs >= 0, "epochs", "must be >= 0, got " + std::to_string(options.epochs));
    require(options.batch_size > 0, "batch_size",
            "must be positive, got " + std::to_string(options.batch_size));
    require(train.size() > 0, "train data", "is empty");
    require(options.batch_size <= train.size(), "batch_size",
            std::to_string(options.batch_size) + " is larger than the " +
                std::to_string(train.size()) + " training samples");
    require(options.sampling == Sampling::shuffle || options.sampling == Sampling::book, "sampling",
            "must be Sampling::shuffle or Sampling::book, got code " +
                std::to_string(static_cast<int>(options.sampling)));
    require(options.evaluate_samples >= 0, "evaluate_samples", "must be >= 0");
    require(options.checkpoint_every > 0, "checkpoint_every",
            "must be positive, got " + std::to_string(options.checkpoint_every));
    require(train.features() == net.input_size(), "train data",
            "has " + std::to_string(train.features()) +
                " features but the network's input_size is " + std::to_string(net.input_size()));
    require(test.size() == 0 || test.features() == train.features(), "test data",
            "has another number of features than the training data");
    require(!parallel_ || options.batch_size >= parallel_->size(), "batch_size",
            std::to_string(options.batch_size) + " cannot be shared by " +
                std::to_string(parallel_ ? parallel_->size() : 1) + " processes");
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
    stopped_ = false;
    while (progress_.epochs_done < options_.epochs) {
      if (!run_batches()) {
        stopped_ = true;
        if (writes_checkpoints()) save_checkpoint(options_.checkpoint_path);
        break;
      }
      const EpochRecord record = finish_epoch();
      if (parallel_) parallel_->require_same_parameters(net_.params(), record.epoch);
      if (writes_checkpoints() && progress_.epochs_done % options_.checkpoint_every == 0) {
        save_checkpoint(options_.checkpoint_path);
      }
      bool go_on = true;
      for (auto& callback : epoch_callbacks_) go_on = callback(record, history_) && go_on;
      if (!go_on) break;
    }
    return history_;
  }

  // True when the last train() ended on a stop request.
  bool stopped() const { return stopped_; }
  const TrainerProgress& progress() const { return progress_; }
  // Seconds the last epoch spent summing gradients over the processes (0
  // without a communicator of several).
  double communication_seconds() const { return communication_seconds_; }

  void save_checkpoint(const std::string& path) const {
    Checkpoint<T> c;
    c.run = run_settings();
    c.model = net_.to_bytes(path);
    c.optimizer = optimizer_.state();
    c.net_rng = net_.rng().snapshot();
    c.batch_rng = rng_.snapshot();
    c.progress = progress_;
    c.history = history_;
    scratchnet::save_checkpoint(path, c);
  }

  // What defines this run (training/run_settings.hpp): what a checkpoint
  // records and resume() compares. Only epochs and checkpoint_every may
  // differ between a run and its resumption.
  RunSettings run_settings() const {
    RunSettings out;
    add_network_settings(out, net_);
    add_optimizer_settings(out, optimizer_);
    out.push_back({"trainer.batch_size", std::to_string(options_.batch_size)});
    out.push_back(
        {"trainer.sampling", options_.sampling == Sampling::shuffle ? "shuffle" : "book"});
    out.push_back({"trainer.evaluate_samples", std::to_string(options_.evaluate_samples)});
    out.push_back({"trainer.seed", std::to_string(options_.seed)});
    // The CRC-32 of the data is taken once: 0.1 s for MNIST.
    if (data_fingerprints_.empty()) {
      data_fingerprints_ = {data_fingerprint(train_), data_fingerprint(test_)};
    }
    out.push_back({"train data", data_fingerprints_[0]});
    out.push_back({"test data", data_fingerprints_[1]});
    return out;
  }

  // Restores the network, optimizer, generators, progress and history from a
  // checkpoint made by a Trainer of the same run: the same network options,
  // optimizer and its settings, batch size, sampling, seeds and data. Throws
  // CheckpointMismatch naming the first setting that differs, or
  // ModelFormatError naming the file when the checkpoint does not fit this
  // training otherwise; the trainer is then unchanged.
  void resume(const std::string& path) {
    Checkpoint<T> c = load_checkpoint<T>(path);
    Sequential<T> saved = Sequential<T>::from_bytes(c.model, path);
    const auto refuse = [&](const std::string& why) { throw ModelFormatError(path + ": " + why); };
    const auto refuse_if = [&](const std::string& why) {
      if (!why.empty()) refuse(why);
    };
    require_same_run(path, c.run, run_settings());
    refuse_if(architecture_mismatch(saved.params(), net_.params()));
    refuse_if(optimizer_state_mismatch(c.optimizer, net_.params()));
    const Index order_length = options_.sampling == Sampling::shuffle
                                   ? train_.size()
                                   : iterations_per_epoch() * options_.batch_size;
    refuse_if(progress_mismatch(c.progress, iterations_per_epoch(), order_length, train_.size()));
    try {
      optimizer_.set_state(c.optimizer);
    } catch (const std::invalid_argument& e) {
      refuse(std::string("optimizer state: ") + e.what());
    }
    for (std::size_t i = 0; i < saved.params().size(); ++i) {
      *net_.params()[i].value = *saved.params()[i].value;
    }
    for (std::size_t i = 0; i < saved.buffers().size(); ++i) {
      *net_.buffers()[i].value = *saved.buffers()[i].value;
    }
    net_.rng().restore(c.net_rng);
    rng_.restore(c.batch_rng);
    progress_ = std::move(c.progress);
    history_ = std::move(c.history);
  }

 private:
  using Clock = std::chrono::steady_clock;

  static double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
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
    while (progress_.iterations_done < iterations) {
      const Index it = progress_.iterations_done;
      double loss = 0;
      // A process that was asked to stop tells the others with the batch's
      // sum, so that all stop after the same batch: one batch later than alone.
      bool asked_elsewhere = false;
      if (parallel_) {
        const RowShare mine = parallel_->share(batch);
        gather_rows(train_, progress_.order, it * batch + mine.begin, mine.count, x_batch_,
                    labels_batch_);
        parallel_->fork_generator(net_.rng());
        const T local_loss = net_.gradient(x_batch_, labels_batch_);
        parallel_->join_generator(net_.rng());
        const auto step = parallel_->combine(net_, local_loss, mine.count, batch, stop_requested());
        loss = step.loss;
        asked_elsewhere = step.stop;
      } else {
        gather_rows(train_, progress_.order, it * batch, batch, x_batch_, labels_batch_);
        loss = static_cast<double>(net_.gradient(x_batch_, labels_batch_));
      }
      if (!std::isfinite(loss)) diverged(epoch, it, loss);
      optimizer_.update(net_.params());
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
    communication_seconds_ = parallel_ ? parallel_->take_communication_seconds() : 0.0;
    evaluate(record);
    history_.epochs.push_back(record);
    progress_.epochs_done = record.epoch;
    progress_.iterations_done = 0;
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
    if (parallel_) return parallel_->accuracy(net_, data.x.topRows(n), data.labels.head(n));
    return net_.accuracy(data.x.topRows(n), data.labels.head(n));
  }

  // The advice names what can have caused it. The loss of a batch is taken
  // before its update, so a first loss that is not finite comes from the
  // initial weights (their scale, or the weight decay term they give the
  // loss), never from the learning rate.
  [[noreturn]] void diverged(int epoch, Index iteration, double loss) const {
    const std::optional<WeightInit>& init = net_.initialized_with();
    std::vector<std::string> remedies;
    if (!history_.loss.empty()) {
      std::ostringstream lr;
      lr << "a smaller learning rate (now " << optimizer_.learning_rate() << ")";
      remedies.push_back(lr.str());
    } else if (init && init->kind() == WeightInit::Kind::std_dev) {
      remedies.push_back("a smaller weight_init (now " + init->to_string() + ")");
    }
    if (net_.weight_decay() > 0) {
      std::ostringstream decay;
      decay << "a smaller weight_decay_lambda (now " << net_.weight_decay() << ")";
      remedies.push_back(decay.str());
    }
    if (remedies.empty()) remedies.push_back("inputs of a smaller scale (features near [0, 1])");
    std::ostringstream message;
    message << "training diverged: loss is " << loss << " at epoch " << epoch << ", iteration "
            << iteration + 1 << "; try " << remedies[0];
    for (std::size_t i = 1; i < remedies.size(); ++i) message << " or " << remedies[i];
    throw TrainingDiverged(message.str());
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
  std::optional<DataParallel<T>> parallel_;
  double communication_seconds_ = 0;
  Matrix<T> x_batch_;
  Labels labels_batch_;
  std::vector<EpochCallback> epoch_callbacks_;
  IterationCallback iteration_callback_;
};

}  // namespace scratchnet
