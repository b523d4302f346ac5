// The training that fuzz_checkpoint resumes from each input, and that the
// seed checkpoints of make_corpus come from: a 4-5-3 network with batch norm
// and dropout, trained by Adam on 24 samples in batches of 8 (3 iterations
// an epoch) for 3 epochs. A seed made here passes every check of
// Trainer::resume, so the fuzzer starts from inputs that reach training.
#pragma once

#include "scratchnet/data/dataset.hpp"
#include "scratchnet/network/multi_layer_net.hpp"
#include "scratchnet/training/trainer.hpp"

namespace fuzz {

inline scratchnet::MultiLayerNetOptions checkpoint_net() {
  scratchnet::MultiLayerNetOptions o;
  o.input_size = 4;
  o.hidden_sizes = {5};
  o.output_size = 3;
  o.use_batchnorm = true;
  o.dropout_ratio = 0.2;
  o.seed = 1;
  return o;
}

inline scratchnet::TrainerOptions checkpoint_training() {
  scratchnet::TrainerOptions o;
  o.epochs = 3;
  o.batch_size = 8;
  o.seed = 2;
  return o;
}

// n samples of 4 features, class i % 3, with a value that tells them apart.
template <typename T = float>
scratchnet::Dataset<T> checkpoint_data(scratchnet::Index n) {
  scratchnet::Dataset<T> d{scratchnet::Matrix<T>(n, 4), scratchnet::Labels(n)};
  for (scratchnet::Index i = 0; i < n; ++i) {
    d.labels(i) = static_cast<int>(i % 3);
    for (scratchnet::Index j = 0; j < 4; ++j) {
      d.x(i, j) = static_cast<T>(static_cast<double>((i * 7 + j * 3) % 11) / 11.0 +
                                 (j == i % 3 ? 1.0 : 0.0));
    }
  }
  return d;
}

}  // namespace fuzz
