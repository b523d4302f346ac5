// What the Trainer says when the loss stops being a number: where it
// happened and what to try. The advice names what can have caused it. The
// loss of a batch is taken before its update, so a first loss that is not
// finite comes from the initial weights (their scale, or the weight decay
// and L1 terms they give the loss), never from the learning rate.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/network/sequential.hpp"
#include "scratchnet/optimizers/optimizer.hpp"
#include "scratchnet/training/history.hpp"

namespace scratchnet {

template <typename T>
[[noreturn]] void throw_diverged(const Sequential<T>& net, const Optimizer<T>& optimizer,
                                 const History& history, int epoch, Index iteration, double loss) {
  const std::optional<WeightInit>& init = net.initialized_with();
  std::vector<std::string> remedies;
  const auto smaller = [&](const std::string& setting, double now) {
    std::ostringstream remedy;
    remedy << "a smaller " << setting << " (now " << now << ")";
    remedies.push_back(remedy.str());
  };
  if (!history.loss.empty()) {
    smaller("learning rate", optimizer.learning_rate());
  } else if (init && init->kind() == WeightInit::Kind::std_dev) {
    remedies.push_back("a smaller weight_init (now " + init->to_string() + ")");
  }
  if (net.weight_decay() > 0) smaller("weight_decay_lambda", net.weight_decay());
  if (net.l1() > 0) smaller("l1_lambda", net.l1());
  if (remedies.empty()) remedies.push_back("inputs of a smaller scale (features near [0, 1])");
  std::ostringstream message;
  message << "training diverged: loss is " << loss << " at epoch " << epoch << ", iteration "
          << iteration + 1 << "; try " << remedies[0];
  for (std::size_t i = 1; i < remedies.size(); ++i) message << " or " << remedies[i];
  throw TrainingDiverged(message.str());
}

}  // namespace scratchnet
