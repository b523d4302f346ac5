// The loss at the end of a network, by name (model files store the name):
// softmax cross entropy for classes (the default), mean squared error for
// numbers (regression).
#pragma once

#include <stdexcept>
#include <string>

namespace scratchnet {

enum class Loss { softmax_cross_entropy, mean_squared_error };

inline std::string to_string(Loss loss) {
  return loss == Loss::mean_squared_error ? "mean_squared_error" : "softmax_cross_entropy";
}

// Throws std::invalid_argument("loss: unknown 'x' (known: ...)").
inline Loss parse_loss(const std::string& name) {
  for (Loss loss : {Loss::softmax_cross_entropy, Loss::mean_squared_error}) {
    if (to_string(loss) == name) return loss;
  }
  throw std::invalid_argument("loss: unknown '" + name +
                              "' (known: softmax_cross_entropy, mean_squared_error)");
}

}  // namespace scratchnet
