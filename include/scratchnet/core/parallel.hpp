// Element-wise passes shared between Eigen's threads.
//
// Eigen splits only its matrix products between the threads of
// Eigen::setNbThreads (a program compiled with OpenMP). The rest of a training
// step stays on one thread, and in W4 (784-1024-1024-10, docs/performance.md)
// that held two threads to 1.62x of one: the update rule streaming 1.9 M
// weights and the zeroing Eigen does before every product. Both are passes
// over independent parts of memory, and these helpers share them the same
// way when, and only when, Eigen itself runs on more than one thread. Each
// part is computed as one thread computes it, so results do not depend on
// the number of threads.
#pragma once

#include <Eigen/Core>
#include <algorithm>

#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

// body(i) for every i in [0, count), the calls independent of each other:
// split between Eigen's threads when there are several.
template <typename Body>
void parallel_for(Index count, const Body& body) {
#ifdef _OPENMP
  const int threads = Eigen::nbThreads();
  if (threads > 1 && count > 1) {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (Index i = 0; i < count; ++i) body(i);
    return;
  }
#endif
  for (Index i = 0; i < count; ++i) body(i);
}

// body(begin, count) for blocks of rows that cover [0, rows) once, a block
// per Eigen thread: for an element-wise pass over a batch (an activation).
template <typename Body>
void parallel_row_blocks(Index rows, const Body& body) {
  const Index blocks = std::max<Index>(1, std::min<Index>(Eigen::nbThreads(), rows));
  parallel_for(blocks, [&](Index block) {
    const Index begin = block * rows / blocks;
    body(begin, (block + 1) * rows / blocks - begin);
  });
}

// dst = lhs * rhs for a matrix product. Eigen evaluates it as dst = 0 and
// then dst += lhs * rhs, the product on all its threads but the zeroing on
// one; with several threads the zeroing is shared here, by blocks of rows.
template <typename Dst, typename Lhs, typename Rhs>
void assign_product(Dst& dst, const Lhs& lhs, const Rhs& rhs) {
  if (Eigen::nbThreads() <= 1) {
    dst.noalias() = lhs * rhs;
    return;
  }
  constexpr Index kRowsPerPart = 64;
  dst.resize(lhs.rows(), rhs.cols());
  parallel_for((dst.rows() + kRowsPerPart - 1) / kRowsPerPart, [&](Index part) {
    const Index begin = part * kRowsPerPart;
    dst.middleRows(begin, std::min(kRowsPerPart, dst.rows() - begin)).setZero();
  });
  dst.noalias() += lhs * rhs;
}

}  // namespace scratchnet
