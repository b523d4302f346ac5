// Small classification data that a net learns in a few epochs: one Gaussian
// blob per class. Shared by the Trainer and hyperparameter-search tests.
#pragma once

#include <cstdint>

#include "scratchnet/core/rng.hpp"
#include "scratchnet/data/dataset.hpp"

namespace scratchnet::test {

// n samples of 3 classes in `features` dimensions, drawn from seed: each
// feature is noise * N(0, 1), plus shift in the dimension of the sample's class.
inline Dataset<float> blobs(Index n, Index features, double noise, double shift,
                            std::uint64_t seed) {
  Rng rng(seed);
  Dataset<float> d{Matrix<float>(n, features), Labels(n)};
  for (Index i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng.below(3));
    d.labels(i) = label;
    for (Index j = 0; j < features; ++j) {
      d.x(i, j) = static_cast<float>(rng.normal() * noise + (j == label ? shift : 0.0));
    }
  }
  return d;
}

}  // namespace scratchnet::test
