// What a training run records: the loss of every iteration and, per epoch,
// the accuracies and the time taken. Written as CSV for plots, saved as a
// model is (core/atomic_file.hpp): whole, and only over a regular file.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "scratchnet/core/atomic_file.hpp"

namespace scratchnet {

struct EpochRecord {
  int epoch = 0;         // 1-based
  double mean_loss = 0;  // mean of the epoch's iteration losses
  double train_accuracy = 0;
  double test_accuracy = 0;
  double train_seconds = 0;  // the epoch's updates, without evaluation
  double eval_seconds = 0;
  long long samples = 0;  // samples trained on in the epoch
};

struct History {
  std::vector<double> loss;  // one per iteration, the mini-batch loss before its update
  std::vector<EpochRecord> epochs;

  // epoch,mean_loss,train_accuracy,test_accuracy,train_seconds,eval_seconds,samples
  void write_csv(const std::string& path) const {
    std::ostringstream out;
    out << "epoch,mean_loss,train_accuracy,test_accuracy,train_seconds,eval_seconds,samples\n";
    out.precision(10);
    for (const EpochRecord& e : epochs) {
      out << e.epoch << ',' << e.mean_loss << ',' << e.train_accuracy << ',' << e.test_accuracy
          << ',' << e.train_seconds << ',' << e.eval_seconds << ',' << e.samples << '\n';
    }
    write_file_atomically(path, out.str());
  }

  // iteration,loss (iterations counted from 1)
  void write_loss_csv(const std::string& path) const {
    std::ostringstream out;
    out << "iteration,loss\n";
    out.precision(10);
    for (std::size_t i = 0; i < loss.size(); ++i) out << i + 1 << ',' << loss[i] << '\n';
    write_file_atomically(path, out.str());
  }
};

}  // namespace scratchnet
