// Reads the labels a user passes: class indices (Eigen::VectorXi or any
// integer vector) or one-hot rows (any floating-point matrix), checked against
// the batch size and the number of classes.
#pragma once

#include <string>
#include <type_traits>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

class LabelReader {
 public:
  // The labels as class indices; a reference to the caller's vector when it
  // already is one, else to a buffer this reader keeps.
  template <typename Derived>
  const Labels& read(const Eigen::MatrixBase<Derived>& t, Index rows, Index classes) {
    if constexpr (std::is_integral_v<typename Derived::Scalar>) {
      if (t.cols() != 1) fail("labels", "class indices must be a column vector");
      if (t.rows() != rows) {
        fail("labels", "has " + std::to_string(t.rows()) + " entries for " + std::to_string(rows) +
                           " samples");
      }
      for (Index i = 0; i < rows; ++i) {
        if (t(i, 0) < 0 || t(i, 0) >= classes) {
          fail("labels", "entry " + std::to_string(i) + " is " + std::to_string(t(i, 0)) +
                             ", outside [0, " + std::to_string(classes) + ")");
        }
      }
      if constexpr (std::is_same_v<Derived, Labels>) {
        return t.derived();
      } else {
        buffer_ = t.template cast<int>();
        return buffer_;
      }
    } else {
      require(t.rows() == rows && t.cols() == classes, "labels",
              "one-hot labels must be " + std::to_string(rows) + " x " + std::to_string(classes) +
                  ", got " + std::to_string(t.rows()) + " x " + std::to_string(t.cols()));
      buffer_.resize(rows);
      for (Index i = 0; i < rows; ++i) {
        Index hot = 0;
        const auto row = t.row(i);
        row.maxCoeff(&hot);
        const bool one_hot = row(hot) == 1 && (row.array() == 0).count() == classes - 1;
        require(one_hot, "labels", "row " + std::to_string(i) + " is not one-hot");
        buffer_(i) = static_cast<int>(hot);
      }
      return buffer_;
    }
  }

 private:
  Labels buffer_;
};

}  // namespace scratchnet
