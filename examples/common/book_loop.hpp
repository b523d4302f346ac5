// The training loop of the book's ch06 scripts: mini-batches drawn with
// replacement, an evaluation whenever i % iter_per_epoch == 0, the loss
// recorded after each update.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "chapter6.hpp"

namespace examples {

// iterations * batch sample indices drawn with replacement, as the book's
// np.random.choice(train_size, batch_size) once per iteration.
inline std::vector<sn::Index> draw_batches(sn::Index train_size, sn::Index batch,
                                           sn::Index iterations, std::uint64_t seed) {
  sn::Rng rng(seed);
  std::vector<sn::Index> indices(static_cast<std::size_t>(iterations * batch));
  for (sn::Index& i : indices)
    i = static_cast<sn::Index>(rng.below(static_cast<std::uint64_t>(train_size)));
  return indices;
}

// The book's iter_per_epoch = max(train_size / batch_size, 1), a real number,
// and the iterations its loops run to make `epochs` evaluations (at every i
// with i % iter_per_epoch == 0, the first after the first update).
inline double iterations_per_epoch(sn::Index train_size, sn::Index batch) {
  return std::max(static_cast<double>(train_size) / static_cast<double>(batch), 1.0);
}
inline bool is_evaluation_step(sn::Index i, double per_epoch) {
  return std::fmod(static_cast<double>(i), per_epoch) == 0.0;
}
inline sn::Index iterations_for_evaluations(int evaluations, double per_epoch) {
  sn::Index i = 0;
  for (int done = 0;; ++i) {
    if (is_evaluation_step(i, per_epoch) && ++done >= evaluations) return i + 1;
  }
}

// The loop of the book's ch06 scripts: for each iteration, the batch at
// batches[i * batch ...], gradient, update, then (record_loss) the loss on
// the same batch after the update, as the scripts append it; after_update(i)
// runs last. NaN losses are recorded, not thrown: the book's runs diverge
// quietly too.
struct BookLoop {
  sn::Index batch = 100;
  sn::Index iterations = 0;
  bool record_loss = true;
};

template <typename T>
std::vector<double> train_book_loop(sn::MultiLayerNet<T>& net, sn::Optimizer<T>& optimizer,
                                    const sn::Dataset<T>& train,
                                    const std::vector<sn::Index>& batches, const BookLoop& loop,
                                    const std::function<void(sn::Index)>& after_update = {}) {
  const sn::FlushDenormalsScope flush_denormals;
  sn::Matrix<T> x;
  sn::Labels labels;
  std::vector<double> losses;
  if (loop.record_loss) losses.reserve(static_cast<std::size_t>(loop.iterations));
  for (sn::Index i = 0; i < loop.iterations; ++i) {
    sn::gather_rows(train, batches, i * loop.batch, loop.batch, x, labels);
    net.gradient(x, labels);
    optimizer.update(net.params());
    net.apply_max_norm();
    if (loop.record_loss) losses.push_back(static_cast<double>(net.loss(x, labels)));
    if (after_update) after_update(i);
  }
  return losses;
}

}  // namespace examples
