// The largest norm of a unit's incoming weights in a network: a column of an
// affine W, a filter (row) of a convolution's W. What max-norm bounds, shared
// by the regulariser and Trainer tests.
#pragma once

#include <algorithm>

#include "scratchnet/layers/weighted_layer.hpp"
#include "scratchnet/network/sequential.hpp"

namespace scratchnet::test {

template <typename T>
double largest_unit_norm(const Sequential<T>& net) {
  double largest = 0;
  for (const auto& layer : net.layers()) {
    const auto* weighted = dynamic_cast<const WeightedLayer<T>*>(layer.get());
    if (weighted == nullptr) continue;
    const bool filters = layer->kind() == "conv";
    const Index units = filters ? weighted->W.rows() : weighted->W.cols();
    for (Index u = 0; u < units; ++u) {
      const T norm = filters ? weighted->W.row(u).norm() : weighted->W.col(u).norm();
      largest = std::max(largest, static_cast<double>(norm));
    }
  }
  return largest;
}

}  // namespace scratchnet::test
