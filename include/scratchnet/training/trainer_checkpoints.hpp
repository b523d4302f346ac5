// A Trainer's checkpoints: the members of Trainer (training/trainer.hpp,
// which declares them and includes this header at its end) that write its
// state to a checkpoint (training/checkpoint.hpp), say what defines its run
// (training/run_settings.hpp) and go on from a checkpoint. Kept apart from
// the training loop so that saving and resuming, which must name the same
// parts, stand side by side, and resume's refusals with them
// (training/checkpoint_fit.hpp): a checkpoint that does not fit is refused,
// naming the file and what differs, before anything of the trainer changes.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/network/model_file.hpp"
#include "scratchnet/training/checkpoint.hpp"
#include "scratchnet/training/checkpoint_fit.hpp"
#include "scratchnet/training/run_settings.hpp"
#include "scratchnet/training/trainer.hpp"

namespace scratchnet {

template <typename T>
void Trainer<T>::save_checkpoint(const std::string& path) const {
  Checkpoint<T> c;
  c.run = run_settings();
  c.model = net_.to_bytes(path);
  c.optimizer = optimizer_.state();
  c.net_rng = net_.rng().snapshot();
  c.batch_rng = rng_.snapshot();
  c.progress = progress_;
  c.history = history_;
  if (early_stopping_) early_stopping_->save(c.policies);
  scheduled_.save(c.policies);
  scratchnet::save_checkpoint(path, c);
}

template <typename T>
RunSettings Trainer<T>::run_settings() const {
  RunSettings out;
  add_network_settings(out, net_);
  add_optimizer_settings(out, optimizer_);
  add_trainer_settings(out, options_);
  scheduled_.describe(out);
  // The CRC-32 of the data is taken once: 0.1 s for MNIST.
  if (data_fingerprints_.empty()) {
    data_fingerprints_ = {data_fingerprint(train_), data_fingerprint(test_)};
    if (validation_) data_fingerprints_.push_back(data_fingerprint(*validation_));
  }
  out.push_back({"train data", data_fingerprints_[0]});
  out.push_back({"test data", data_fingerprints_[1]});
  if (validation_) out.push_back({"validation data", data_fingerprints_[2]});
  return out;
}

template <typename T>
void Trainer<T>::resume(const std::string& path) {
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
  std::optional<EarlyStopping<T>> early_stopping = early_stopping_;
  if (early_stopping) refuse_if(early_stopping->load(c.policies, net_.params()));
  PolicyState schedule_before;
  scheduled_.save(schedule_before);
  refuse_if(scheduled_.load(c.policies));
  try {
    optimizer_.set_state(c.optimizer);
  } catch (const std::invalid_argument& e) {
    scheduled_.load(schedule_before);
    refuse(std::string("optimizer state: ") + e.what());
  }
  assign_weights(net_, saved);
  early_stopping_ = std::move(early_stopping);
  net_.rng().restore(c.net_rng);
  rng_.restore(c.batch_rng);
  progress_ = std::move(c.progress);
  history_ = std::move(c.history);
}

}  // namespace scratchnet
