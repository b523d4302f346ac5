// make_optimizer: an update rule chosen by name at run time, for command-line
// flags and configuration files ("adam", {lr}).
#pragma once

#include <cctype>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "scratchnet/optimizers/adagrad.hpp"
#include "scratchnet/optimizers/adam.hpp"
#include "scratchnet/optimizers/momentum.hpp"
#include "scratchnet/optimizers/nesterov.hpp"
#include "scratchnet/optimizers/rmsprop.hpp"
#include "scratchnet/optimizers/sgd.hpp"

namespace scratchnet {

// The hyperparameters of every rule; each rule reads the ones it has and
// ignores the rest. An empty lr (the default) means the rule's own default:
// 0.01 for SGD, Momentum, Nesterov, AdaGrad and RMSProp, 0.001 for Adam. A
// value given, NaN included, is checked by the rule ("lr: ...").
struct OptimizerOptions {
  std::optional<double> lr;
  double momentum = 0.9;  // Momentum, Nesterov
  double decay = 0.99;    // RMSProp
  double beta1 = 0.9;     // Adam
  double beta2 = 0.999;   // Adam
};

// The names make_optimizer knows, in the book's order.
inline std::vector<std::string> optimizer_names() {
  return {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"};
}

// The rule called `name`, compared without regard to case ("Adam", "ADAM",
// "adam"). Throws std::invalid_argument for an unknown name (the message
// lists the known ones) and for an option out of range (the message names
// the option, as the rule's constructor does).
template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name,
                                             const OptimizerOptions& options = {}) {
  std::string key = name;
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto lr = [&](double rule_default) { return options.lr.value_or(rule_default); };
  if (key == "sgd") return std::make_unique<SGD<T>>(lr(SGD<T>::default_lr));
  if (key == "momentum") {
    return std::make_unique<Momentum<T>>(lr(Momentum<T>::default_lr), options.momentum);
  }
  if (key == "nesterov") {
    return std::make_unique<Nesterov<T>>(lr(Nesterov<T>::default_lr), options.momentum);
  }
  if (key == "adagrad") return std::make_unique<AdaGrad<T>>(lr(AdaGrad<T>::default_lr));
  if (key == "rmsprop") {
    return std::make_unique<RMSProp<T>>(lr(RMSProp<T>::default_lr), options.decay);
  }
  if (key == "adam") {
    return std::make_unique<Adam<T>>(lr(Adam<T>::default_lr), options.beta1, options.beta2);
  }
  std::string known;
  for (const std::string& n : optimizer_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("optimizer: unknown name '" + name + "'; the known names are " +
                              known);
}

}  // namespace scratchnet
