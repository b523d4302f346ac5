// Whether a checkpoint fits the training that resumes from it. A checkpoint
// that loads is well formed, but it may come from another network, another
// data set or a damaged writer: Trainer::resume refuses it before anything
// changes, rather than let training stop later at an update or a batch
// (what fuzzing the checkpoint loader found: fuzz/fuzz_checkpoint.cpp).
// Each check returns why it fails, or "" when it passes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "scratchnet/core/param.hpp"
#include "scratchnet/optimizers/optimizer.hpp"
#include "scratchnet/training/checkpoint.hpp"

namespace scratchnet {

// The saved parameters are the current ones by name and shape, in order.
template <typename T>
std::string architecture_mismatch(const ParamList<T>& saved, const ParamList<T>& current) {
  const std::string why = "holds a network of another architecture";
  if (saved.size() != current.size()) return why;
  for (std::size_t i = 0; i < saved.size(); ++i) {
    if (saved[i].name != current[i].name || !same_shape(*saved[i].value, *current[i].value)) {
      return why + " (" + saved[i].name + " differs)";
    }
  }
  return "";
}

// An optimizer state holds no tensor (no update yet), or "<slot>/<parameter>"
// tensors of each parameter's shape for every parameter. (Which slots a rule
// needs is its own check: Optimizer::set_state.)
template <typename T>
std::string optimizer_state_mismatch(const OptimizerState<T>& state, const ParamList<T>& params) {
  std::vector<bool> covered(params.size(), false);
  for (const auto& [key, tensor] : state.tensors) {
    const std::string name = key.substr(key.find('/') + 1);
    const auto it = std::find_if(params.begin(), params.end(),
                                 [&](const Param<T>& p) { return p.name == name; });
    if (it == params.end()) return "optimizer tensor '" + key + "' is of no parameter";
    if (!same_shape(tensor, *it->value)) {
      return "optimizer tensor '" + key + "' is " + shape_of(tensor) + ", its parameter " +
             shape_of(*it->value);
    }
    covered[static_cast<std::size_t>(it - params.begin())] = true;
  }
  for (std::size_t i = 0; i < params.size() && !state.tensors.empty(); ++i) {
    if (!covered[i]) return "the optimizer state has nothing for " + params[i].name;
  }
  return "";
}

// The epoch under way stopped after one of an epoch's `iterations` batches
// (after the last one too: a stop requested then comes before the epoch's
// evaluation), and its batch order (needed only within an epoch) is as long
// as the one Trainer draws and holds only indices of the `samples` training
// samples. The range is checked first: nothing is multiplied by a wild count.
inline std::string progress_mismatch(const TrainerProgress& p, Index iterations, Index order_length,
                                     Index samples) {
  const bool fits =
      p.epochs_done >= 0 && p.iterations_done >= 0 && p.iterations_done <= iterations &&
      (p.iterations_done == 0 || (static_cast<Index>(p.order.size()) == order_length &&
                                  std::all_of(p.order.begin(), p.order.end(),
                                              [&](Index i) { return i >= 0 && i < samples; })));
  return fits ? "" : "its progress does not fit this training data and batch size";
}

}  // namespace scratchnet
