// What a training run records: the loss of every iteration and, per epoch,
// the accuracies and the time taken. Written as CSV for plots, saved as a
// model is (core/atomic_file.hpp): whole, and only over a regular file.
#pragma once

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "scratchnet/core/atomic_file.hpp"

namespace scratchnet {

struct EpochRecord {
  int epoch = 0;         // 1-based
  double mean_loss = 0;  // mean of the epoch's iteration losses
  double train_accuracy = 0;
  double test_accuracy = std::numeric_limits<double>::quiet_NaN();  // NaN: not taken
  double train_seconds = 0;  // the epoch's updates, without evaluation
  double eval_seconds = 0;
  long long samples = 0;     // samples trained on in the epoch
  double learning_rate = 0;  // the optimizer's rate during the epoch
  // On the validation set held out of the training data, in test mode; NaN
  // when training has none. The test accuracy is then not taken per epoch.
  double validation_loss = std::numeric_limits<double>::quiet_NaN();
  double validation_accuracy = std::numeric_limits<double>::quiet_NaN();
};

struct History {
  std::vector<double> loss;  // one per iteration, the mini-batch loss before its update
  std::vector<EpochRecord> epochs;

  // epoch,mean_loss,train_accuracy,test_accuracy,train_seconds,eval_seconds,samples,
  // learning_rate,validation_loss,validation_accuracy (the last two empty
  // without a validation set, the test accuracy empty with one)
  void write_csv(const std::string& path) const {
    std::ostringstream out;
    out << "epoch,mean_loss,train_accuracy,test_accuracy,train_seconds,eval_seconds,samples,"
           "learning_rate,validation_loss,validation_accuracy\n";
    out.precision(10);
    const auto value = [](double v) { return std::isnan(v) ? std::string() : number(v); };
    for (const EpochRecord& e : epochs) {
      out << e.epoch << ',' << e.mean_loss << ',' << e.train_accuracy << ','
          << value(e.test_accuracy) << ',' << e.train_seconds << ',' << e.eval_seconds << ','
          << e.samples << ',' << e.learning_rate << ',' << value(e.validation_loss) << ','
          << value(e.validation_accuracy) << '\n';
    }
    write_file_atomically(path, out.str());
  }

  bool has_validation() const {
    return !epochs.empty() && !std::isnan(epochs.front().validation_loss);
  }

  // iteration,loss (iterations counted from 1)
  void write_loss_csv(const std::string& path) const {
    std::ostringstream out;
    out << "iteration,loss\n";
    out.precision(10);
    for (std::size_t i = 0; i < loss.size(); ++i) out << i + 1 << ',' << loss[i] << '\n';
    write_file_atomically(path, out.str());
  }

 private:
  static std::string number(double v) {
    std::ostringstream out;
    out.precision(10);
    out << v;
    return out.str();
  }
};

}  // namespace scratchnet
