// The interface every update rule implements, and the state it keeps.
//
// State (velocity, h, m, v) is created on the first update, one slot per
// parameter, and is keyed by parameter name when read or restored, so a saved
// state fits any network with the same parameter names. During training the
// slots are addressed by position: the parameter list is built once.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "scratchnet/core/param.hpp"

namespace scratchnet {

// What an optimizer remembers between updates: the step count and, per
// "<slot>/<parameter>" key (for example "m/W1"), one matrix.
template <typename T>
struct OptimizerState {
  std::int64_t step = 0;
  std::map<std::string, Matrix<T>> tensors;
};

template <typename T>
class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // One step over every parameter: value -= f(grad, state).
  virtual void update(const ParamList<T>& params) = 0;

  virtual std::string name() const = 0;
  virtual double learning_rate() const = 0;
  virtual void set_learning_rate(double lr) = 0;
  // Every setting of the rule by name, lr first ({"lr", 0.001}, {"beta1",
  // 0.9}, ...): what a checkpoint records, so that a run resumes only under
  // the rule it began with.
  virtual std::vector<std::pair<std::string, double>> hyperparameters() const = 0;

  virtual OptimizerState<T> state() const = 0;
  // Restores what state() returned; throws std::invalid_argument when a
  // tensor does not fit.
  virtual void set_state(const OptimizerState<T>& state) = 0;
};

}  // namespace scratchnet
