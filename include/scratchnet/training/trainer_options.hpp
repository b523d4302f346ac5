// How a Trainer trains (training/trainer.hpp): epochs, batches and their
// order, evaluation, checkpoints, stops, processes, early stopping and the
// learning-rate schedule.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"
#include "scratchnet/training/communicator.hpp"
#include "scratchnet/training/lr_schedule.hpp"
#include "scratchnet/training/run_settings.hpp"

namespace scratchnet {

// shuffle (default): a fresh permutation each epoch, floor(N / batch)
//                    batches, the remainder of the permutation left out;
// book:              each batch drawn with replacement, as the book does.
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
  // Stop when the validation loss has not improved for this many epochs and
  // give the network the best epoch's weights back (training/early_stopping.hpp);
  // 0 = off. Needs a validation set (Trainer::validate_on).
  int early_stopping = 0;
  // The rate of each epoch from the optimizer's rate at construction
  // (training/lr_schedule.hpp, training/scheduled_rate.hpp); none = that
  // rate throughout. Reduce-on-plateau watches the validation loss when there
  // is a validation set, else the epoch's mean training loss. It must outlive
  // the trainer; its state goes into checkpoints.
  LearningRateSchedule* lr_schedule = nullptr;
};

// Throws std::invalid_argument naming the first option that cannot train
// `samples` training samples on `processes` processes.
inline void check_trainer_options(const TrainerOptions& options, Index samples, int processes) {
  require(options.epochs >= 0, "epochs", "must be >= 0, got " + std::to_string(options.epochs));
  require(options.batch_size > 0, "batch_size",
          "must be positive, got " + std::to_string(options.batch_size));
  require(samples > 0, "train data", "is empty");
  require(options.batch_size <= samples, "batch_size",
          std::to_string(options.batch_size) + " is larger than the " + std::to_string(samples) +
              " training samples");
  require(options.sampling == Sampling::shuffle || options.sampling == Sampling::book, "sampling",
          "must be Sampling::shuffle or Sampling::book, got code " +
              std::to_string(static_cast<int>(options.sampling)));
  require(options.evaluate_samples >= 0, "evaluate_samples", "must be >= 0");
  require(options.checkpoint_every > 0, "checkpoint_every",
          "must be positive, got " + std::to_string(options.checkpoint_every));
  require(options.early_stopping >= 0, "early_stopping",
          "must be >= 0 (0 = off), got " + std::to_string(options.early_stopping));
  require(options.batch_size >= processes, "batch_size",
          std::to_string(options.batch_size) + " cannot be shared by " + std::to_string(processes) +
              " processes");
}

// The options that define a run (training/run_settings.hpp): what a
// checkpoint records and resume compares.
inline void add_trainer_settings(RunSettings& out, const TrainerOptions& options) {
  out.push_back({"trainer.batch_size", std::to_string(options.batch_size)});
  out.push_back({"trainer.sampling", options.sampling == Sampling::shuffle ? "shuffle" : "book"});
  out.push_back({"trainer.evaluate_samples", std::to_string(options.evaluate_samples)});
  out.push_back({"trainer.seed", std::to_string(options.seed)});
  if (options.early_stopping > 0) {
    out.push_back({"trainer.early_stopping", std::to_string(options.early_stopping)});
  }
}

}  // namespace scratchnet
