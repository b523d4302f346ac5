// How well a network does on a data set, in test mode: its mean loss (the
// data loss plus the weight decay term, as the training loss) and the share
// of rows it classifies right. Taken in chunks of rows, so that a whole data
// set never needs activations of its full size, and kept as sums, so that
// processes that each took a share of the rows can add theirs.
#pragma once

#include <algorithm>
#include <cmath>

#include "scratchnet/network/sequential.hpp"

namespace scratchnet {

struct EvaluationSums {
  double loss = 0;     // sum over rows of the loss (a chunk's mean times its rows)
  double correct = 0;  // rows classified right
  double rows = 0;

  double mean_loss() const { return loss / rows; }
  double accuracy() const { return correct / rows; }
};

// Over the rows [begin, begin + count) of x; the loss only when with_loss
// (it costs a second pass over every chunk).
template <typename T, typename DerivedX>
EvaluationSums evaluation_sums(Sequential<T>& net, const Eigen::MatrixBase<DerivedX>& x,
                               const Labels& labels, Index begin, Index count, bool with_loss) {
  EvaluationSums sums;
  const Index chunk = Sequential<T>::kTestBatchRows;
  for (Index at = begin; at < begin + count; at += chunk) {
    const Index rows = std::min(chunk, begin + count - at);
    const auto part = x.middleRows(at, rows);
    const auto part_labels = labels.segment(at, rows);
    const auto n = static_cast<double>(rows);
    if (with_loss) sums.loss += n * static_cast<double>(net.loss(part, part_labels, false));
    sums.correct += std::round(n * net.accuracy(part, part_labels));
    sums.rows += n;
  }
  return sums;
}

}  // namespace scratchnet
