// A labelled data set held in memory, and the ways training walks through
// it: shuffling, the book's validation split, and gathering one mini-batch
// into buffers that are reused from batch to batch.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"
#include "scratchnet/core/rng.hpp"

namespace scratchnet {

template <typename T>
struct Dataset {
  Matrix<T> x;    // one sample per row
  Labels labels;  // the class of each row of x

  Index size() const { return x.rows(); }
  Index features() const { return x.cols(); }
};

template <typename T>
struct ValidationSplit {
  Dataset<T> train;
  Dataset<T> validation;
};

namespace detail {

// The checks build their message only on failure: gather_rows runs once per
// mini-batch and must not allocate a string each time.
template <typename T>
void require_paired(const Dataset<T>& data, const char* what) {
  if (data.x.rows() != data.labels.size()) {
    require(false, what,
            "the dataset has " + std::to_string(data.x.rows()) + " rows of x but " +
                std::to_string(data.labels.size()) + " labels");
  }
}

// A uniformly random permutation of 0..n-1, drawn by the same swaps shuffle()
// applies to rows, so permuting by it equals shuffling with the same Rng.
inline std::vector<Index> random_permutation(Index n, Rng& rng) {
  std::vector<Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  for (Index i = n - 1; i > 0; --i) {
    const auto j = static_cast<std::size_t>(rng.below(static_cast<std::uint64_t>(i) + 1));
    std::swap(order[static_cast<std::size_t>(i)], order[j]);
  }
  return order;
}

template <typename T>
Dataset<T> rows_of(const Dataset<T>& data, const std::vector<Index>& order, Index begin,
                   Index count) {
  Dataset<T> out;
  out.x.resize(count, data.x.cols());
  out.labels.resize(count);
  for (Index r = 0; r < count; ++r) {
    const Index src = order[static_cast<std::size_t>(begin + r)];
    out.x.row(r) = data.x.row(src);
    out.labels[r] = data.labels[src];
  }
  return out;
}

}  // namespace detail

// Shuffles the rows of data.x and data.labels together, in place
// (Fisher-Yates: every permutation equally likely, given a fair rng.below).
template <typename T>
void shuffle(Dataset<T>& data, Rng& rng) {
  detail::require_paired(data, "shuffle");
  for (Index i = data.size() - 1; i > 0; --i) {
    const auto j = static_cast<Index>(rng.below(static_cast<std::uint64_t>(i) + 1));
    if (j == i) continue;
    data.x.row(i).swap(data.x.row(j));
    std::swap(data.labels[i], data.labels[j]);
  }
}

// Splits off a validation set as the book's ch06 hyperparameter_optimization.py
// does: shuffle, then the first int(N * ratio) samples are the validation set
// and the rest the training set. The same seed gives the same split.
template <typename T>
ValidationSplit<T> split_validation(const Dataset<T>& data, double ratio, std::uint64_t seed) {
  detail::require_paired(data, "split_validation");
  require(ratio > 0.0 && ratio < 1.0, "split_validation",
          "ratio must be in (0, 1), got " + detail::option_value(ratio));
  const Index n = data.size();
  // int() in Python truncates toward zero, as the cast does for positives.
  const auto validation_num = static_cast<Index>(static_cast<double>(n) * ratio);
  require(validation_num > 0 && validation_num < n, "split_validation",
          "ratio " + detail::option_value(ratio) + " of " + std::to_string(n) + " samples leaves " +
              std::to_string(validation_num) + " for validation and " +
              std::to_string(n - validation_num) + " for training; both must be non-empty");
  Rng rng(seed);
  const std::vector<Index> order = detail::random_permutation(n, rng);
  ValidationSplit<T> out;
  out.validation = detail::rows_of(data, order, 0, validation_num);
  out.train = detail::rows_of(data, order, validation_num, n - validation_num);
  return out;
}

// The first n samples (all of them if n >= size), like x[:n] in Python.
template <typename T>
Dataset<T> take_first(const Dataset<T>& data, Index n) {
  detail::require_paired(data, "take_first");
  require(n >= 0, "take_first", "n must be >= 0, got " + std::to_string(n));
  const Index keep = std::min(n, data.size());
  return Dataset<T>{data.x.topRows(keep), data.labels.head(keep)};
}

// Copies the rows indices[begin], ..., indices[begin + count - 1] of data into
// x_out and labels_out: one mini-batch, without copying the whole set. The
// outputs are resized only when their shape differs, so a training loop that
// passes the same buffers every batch allocates nothing after the first.
template <typename T>
void gather_rows(const Dataset<T>& data, const std::vector<Index>& indices, Index begin,
                 Index count, Matrix<T>& x_out, Labels& labels_out) {
  detail::require_paired(data, "gather_rows");
  const auto available = static_cast<Index>(indices.size());
  if (begin < 0 || count < 0 || begin > available || count > available - begin) {
    require(false, "gather_rows",
            "rows [" + std::to_string(begin) + ", " + std::to_string(begin) + " + " +
                std::to_string(count) + ") are outside the " + std::to_string(available) +
                " indices");
  }
  if (x_out.rows() != count || x_out.cols() != data.features()) {
    x_out.resize(count, data.features());
  }
  if (labels_out.size() != count) labels_out.resize(count);
  for (Index r = 0; r < count; ++r) {
    const Index src = indices[static_cast<std::size_t>(begin + r)];
    if (src < 0 || src >= data.size()) {
      require(false, "gather_rows",
              "index " + std::to_string(src) + " is outside the dataset of " +
                  std::to_string(data.size()) + " samples");
    }
    x_out.row(r) = data.x.row(src);
    labels_out[r] = data.labels[src];
  }
}

}  // namespace scratchnet
