// Console output shared by mnist_train and mnist_predict: the data set loaded
// and the confusion matrix with the closing accuracy line scripts read.
#pragma once

#include <cstdio>
#include <iostream>
#include <scratchnet/scratchnet.hpp>
#include <scratchnet/training/metrics.hpp>

namespace examples {

template <typename T>
void print_data_summary(const std::string& dir, const scratchnet::MnistData<T>& data) {
  std::cout << "data: " << dir << "\n  train " << data.train.size() << " images ("
            << data.train_images_path << ")\n  test  " << data.test.size() << " images ("
            << data.test_images_path << "), " << data.train.features() << " pixels each\n";
}

// Prints the confusion matrix of net on the test set and, as the very last
// line, "test accuracy: 0.XXXX".
template <typename T>
void print_test_report(scratchnet::Sequential<T>& net, const scratchnet::Dataset<T>& test) {
  const Eigen::MatrixXi counts = scratchnet::confusion_matrix(net, test.x, test.labels);
  std::cout << "confusion matrix (rows: true class, columns: predicted)\n     ";
  for (Eigen::Index c = 0; c < counts.cols(); ++c) std::printf("%6ld", static_cast<long>(c));
  std::printf("\n");
  for (Eigen::Index r = 0; r < counts.rows(); ++r) {
    std::printf("%5ld", static_cast<long>(r));
    for (Eigen::Index c = 0; c < counts.cols(); ++c) std::printf("%6d", counts(r, c));
    std::printf("\n");
  }
  const double accuracy =
      static_cast<double>(counts.diagonal().sum()) / static_cast<double>(counts.sum());
  std::printf("test accuracy: %.4f\n", accuracy);
  std::fflush(stdout);
}

}  // namespace examples
