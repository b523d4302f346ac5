// Evaluation beyond accuracy: the confusion matrix of a classifier.
#pragma once

#include <Eigen/Core>

#include "scratchnet/network/inference.hpp"
#include "scratchnet/network/multi_layer_net.hpp"

namespace scratchnet {

// counts(true class, predicted class) over the rows of x, in test mode,
// evaluated in chunks so that a whole test set needs no full-size activations.
template <typename T, typename DerivedX>
Eigen::MatrixXi confusion_matrix(Sequential<T>& net, const Eigen::MatrixBase<DerivedX>& x,
                                 const Labels& labels, Index chunk_rows = 1000) {
  require(labels.size() == x.rows(), "labels",
          "has " + std::to_string(labels.size()) + " entries for " + std::to_string(x.rows()) +
              " samples");
  const Index classes = net.output_size();
  Eigen::MatrixXi counts = Eigen::MatrixXi::Zero(classes, classes);
  for (Index begin = 0; begin < x.rows(); begin += chunk_rows) {
    const Index rows = std::min(chunk_rows, x.rows() - begin);
    const Labels predicted = predicted_classes(net, x.middleRows(begin, rows));
    for (Index i = 0; i < rows; ++i) {
      const int truth = labels(begin + i);
      require(truth >= 0 && truth < classes, "labels",
              "entry " + std::to_string(begin + i) + " is outside [0, " + std::to_string(classes) +
                  ")");
      ++counts(truth, predicted(i));
    }
  }
  return counts;
}

}  // namespace scratchnet
