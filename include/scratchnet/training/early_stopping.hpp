// Early stopping on the validation loss (the book's section 6.5: judge on
// data held out of the training set, never on the test set). After each
// epoch: a loss below the best so far makes that epoch the best and keeps
// its weights; `patience` epochs in a row without one end training, and the
// network gets the best epoch's weights back, so the model saved is the one
// a run of exactly that many epochs would have saved, bit for bit.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/network/sequential.hpp"
#include "scratchnet/training/checkpoint.hpp"
#include "scratchnet/training/checkpoint_fit.hpp"

namespace scratchnet {

// Every parameter and buffer of `from` into `to`, a network of the same
// layers (checked by the caller).
template <typename T>
void assign_weights(Sequential<T>& to, const Sequential<T>& from) {
  for (std::size_t i = 0; i < from.params().size(); ++i) {
    *to.params()[i].value = *from.params()[i].value;
  }
  for (std::size_t i = 0; i < from.buffers().size(); ++i) {
    *to.buffers()[i].value = *from.buffers()[i].value;
  }
}

template <typename T>
class EarlyStopping {
 public:
  explicit EarlyStopping(int patience) : patience_(patience) {
    require(patience > 0, "early_stopping",
            "needs a patience of at least 1 epoch, got " + std::to_string(patience));
  }

  // After the validation of `epoch`: true when training should stop.
  bool observe(int epoch, double validation_loss, const Sequential<T>& net) {
    if (validation_loss < best_loss_) {
      best_loss_ = validation_loss;
      best_epoch_ = epoch;
      epochs_without_improvement_ = 0;
      best_model_ = net.to_bytes();
    } else {
      ++epochs_without_improvement_;
    }
    return exhausted();
  }

  bool exhausted() const { return epochs_without_improvement_ >= patience_; }
  int best_epoch() const { return best_epoch_; }
  double best_loss() const { return best_loss_; }

  // The best epoch's weights, when there was one.
  void restore_best(Sequential<T>& net) const {
    if (best_model_.empty()) return;
    assign_weights(net, Sequential<T>::from_bytes(best_model_, "early stopping's best model"));
  }

  void save(PolicyState& state) const {
    state.numbers["early_stopping.best_loss"] = best_loss_;
    state.numbers["early_stopping.best_epoch"] = best_epoch_;
    state.numbers["early_stopping.epochs_without_improvement"] = epochs_without_improvement_;
    state.bytes["early_stopping.best_model"] = best_model_;
  }

  // Returns why the state does not fit, or "" (training/checkpoint_fit.hpp).
  std::string load(const PolicyState& state, const ParamList<T>& params) {
    const auto number = [&](const std::string& name, double& out) {
      const auto it = state.numbers.find("early_stopping." + name);
      if (it == state.numbers.end()) return false;
      out = it->second;
      return true;
    };
    double best_epoch = 0, waited = 0;
    const auto model = state.bytes.find("early_stopping.best_model");
    if (!number("best_loss", best_loss_) || !number("best_epoch", best_epoch) ||
        !number("epochs_without_improvement", waited) || model == state.bytes.end()) {
      return "it has no early stopping state (was it made without early stopping?)";
    }
    if (!(best_epoch >= 0 && best_epoch <= 1e9 && waited >= 0 && waited <= 1e9)) {
      return "its early stopping state is out of range";
    }
    best_epoch_ = static_cast<int>(best_epoch);
    epochs_without_improvement_ = static_cast<int>(waited);
    best_model_ = model->second;
    if (!best_model_.empty()) {
      try {
        const Sequential<T> best =
            Sequential<T>::from_bytes(best_model_, "early stopping's best model");
        const std::string why = architecture_mismatch(best.params(), params);
        if (!why.empty()) return "its early stopping's best model " + why;
      } catch (const ModelFormatError& e) {
        return std::string("its early stopping's best model: ") + e.what();
      }
    }
    return "";
  }

 private:
  int patience_;
  double best_loss_ = std::numeric_limits<double>::infinity();
  int best_epoch_ = 0;
  int epochs_without_improvement_ = 0;
  std::vector<unsigned char> best_model_;  // a model file's bytes
};

}  // namespace scratchnet
