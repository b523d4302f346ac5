// A History as bytes, for checkpoints (training/checkpoint.hpp) and for
// trials that travel between processes (the distributed search):
// u64 count + f64 losses, u64 count + per epoch i64 epoch, f64 mean loss,
// train and test accuracy, train and eval seconds, i64 samples, then f64
// learning rate, validation loss and accuracy (the last three not in
// checkpoints of version 2).
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "scratchnet/core/binary_reader.hpp"
#include "scratchnet/core/binary_writer.hpp"
#include "scratchnet/training/history.hpp"

namespace scratchnet {

enum class HistoryLayout { before_validation, current };

// An epoch number: an i64 in bytes, an int in memory.
inline int read_epoch_number(BinaryReader& in, const std::string& what) {
  const std::int64_t n = in.i64(what);
  if (n < 0 || n > std::numeric_limits<int>::max()) {
    in.fail(what + ": " + std::to_string(n) + " is out of range");
  }
  return static_cast<int>(n);
}

inline void write_history(BinaryWriter& out, const History& history) {
  out.u64(history.loss.size());
  for (double loss : history.loss) out.f64(loss);
  out.u64(history.epochs.size());
  for (const EpochRecord& e : history.epochs) {
    out.i64(e.epoch);
    for (double v :
         {e.mean_loss, e.train_accuracy, e.test_accuracy, e.train_seconds, e.eval_seconds}) {
      out.f64(v);
    }
    out.i64(e.samples);
    for (double v : {e.learning_rate, e.validation_loss, e.validation_accuracy}) out.f64(v);
  }
}

// Throws ModelFormatError (through in) on what does not fit.
inline History read_history(BinaryReader& in, HistoryLayout layout) {
  History history;
  const std::uint64_t losses = in.u64("loss count");
  in.need_items(losses, 8, "losses");
  history.loss.resize(static_cast<std::size_t>(losses));
  for (double& loss : history.loss) loss = in.f64("loss");
  const std::uint64_t epochs = in.u64("epoch count");
  const bool current = layout == HistoryLayout::current;
  in.need_items(epochs, (current ? 10 : 7) * 8, "epoch records");
  history.epochs.resize(static_cast<std::size_t>(epochs));
  for (EpochRecord& e : history.epochs) {
    e.epoch = read_epoch_number(in, "epoch");
    for (double* v :
         {&e.mean_loss, &e.train_accuracy, &e.test_accuracy, &e.train_seconds, &e.eval_seconds}) {
      *v = in.f64("epoch record");
    }
    e.samples = in.i64("epoch samples");
    if (current) {
      for (double* v : {&e.learning_rate, &e.validation_loss, &e.validation_accuracy}) {
        *v = in.f64("epoch record");
      }
    }
  }
  return history;
}

}  // namespace scratchnet
