// Activation statistics: how the values a layer outputs are distributed, as in
// the book's weight_init_activation_histogram.py (figures 6-10 to 6-14).
//
//   scratchnet::HistogramOptions bins = scratchnet::histogram_range_for(Activation::tanh);
//   for (const ActivationStats& layer : scratchnet::hidden_activation_stats(net, x, bins))
//     std::cout << layer.mean << " " << layer.stddev << " " << layer.near_high << "\n";
//
// For each hidden layer: a histogram of `bins` equal bins over [low, high]
// (numpy's rule: each bin is [left, right) except the last, which also holds
// `high`; values outside the range are counted in below / above), the mean,
// the standard deviation (population, as numpy's std), min and max, and the
// fraction of values near each end of the range: v < low + margin and
// v > high - margin. For sigmoid on [0, 1] with margin 0.05 these are the
// saturated units (v < 0.05, v > 0.95); for tanh on [-1, 1] v < -0.95 and
// v > 0.95. exact_zero counts dead ReLU units.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"
#include "scratchnet/network/multi_layer_net.hpp"

namespace scratchnet {

struct HistogramOptions {
  int bins = 30;
  double low = 0;
  double high = 1;
  double margin = 0.05;  // "near an end": within margin of low or of high

  void validate() const {
    require(bins > 0, "bins", "must be positive, got " + std::to_string(bins));
    require(
        std::isfinite(low) && std::isfinite(high) && low < high, "histogram range",
        "needs finite low < high, got [" + std::to_string(low) + ", " + std::to_string(high) + "]");
    require(std::isfinite(margin) && margin >= 0, "margin",
            "must be a finite number >= 0, got " + std::to_string(margin));
  }
};

// The range the book draws each activation's histogram on: (0, 1) for sigmoid
// and ReLU (the book uses range=(0,1) for all of its figures), (-1, 1) for tanh.
inline HistogramOptions histogram_range_for(Activation activation, int bins = 30) {
  HistogramOptions options;
  options.bins = bins;
  if (activation == Activation::tanh) options.low = -1;
  return options;
}

struct ActivationStats {
  std::vector<long long> counts;  // one per bin
  double low = 0, high = 1;       // the histogram's range
  long long below = 0;            // values < low (not in any bin)
  long long above = 0;            // values > high
  long long total = 0;            // every value, in range or not
  double mean = 0;
  double stddev = 0;  // population standard deviation (divides by total), numpy's std
  double min = 0;
  double max = 0;
  double near_low = 0;    // fraction with v < low + margin
  double near_high = 0;   // fraction with v > high - margin
  double exact_zero = 0;  // fraction with v == 0

  // The left edge of bin i; bin_edge(bins) == high.
  double bin_edge(int i) const {
    return low + (high - low) * static_cast<double>(i) / static_cast<double>(counts.size());
  }
};

// The statistics of every value of m. A NaN is in no bin and in neither
// fraction, but makes the mean and std NaN.
template <typename Derived>
ActivationStats activation_stats(const Eigen::MatrixBase<Derived>& m,
                                 const HistogramOptions& options = {}) {
  options.validate();
  ActivationStats s;
  s.counts.assign(static_cast<std::size_t>(options.bins), 0);
  s.low = options.low;
  s.high = options.high;
  s.total = static_cast<long long>(m.size());
  require(s.total > 0, "activation_stats", "the matrix is empty");
  const double scale = options.bins / (options.high - options.low);
  const double low_edge = options.low + options.margin;
  const double high_edge = options.high - options.margin;
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -min;
  long long near_low = 0, near_high = 0, zeros = 0;
  const auto& values = m.derived();
  for (Index r = 0; r < values.rows(); ++r) {
    for (Index c = 0; c < values.cols(); ++c) {
      const auto v = static_cast<double>(values(r, c));
      sum += v;
      min = std::min(min, v);
      max = std::max(max, v);
      near_low += v < low_edge;
      near_high += v > high_edge;
      zeros += v == 0.0;
      if (v < options.low) {
        ++s.below;
      } else if (v > options.high) {
        ++s.above;
      } else if (v >= options.low) {  // false for NaN
        int bin = std::min(static_cast<int>((v - options.low) * scale), options.bins - 1);
        // As numpy: move across an edge the rounding put v on the wrong side of.
        if (bin > 0 && v < s.bin_edge(bin)) --bin;
        if (bin < options.bins - 1 && v >= s.bin_edge(bin + 1)) ++bin;
        ++s.counts[static_cast<std::size_t>(bin)];
      }
    }
  }
  const auto n = static_cast<double>(s.total);
  s.mean = sum / n;
  // Two passes, as numpy: the squared deviations from the mean.
  double squares = 0;
  for (Index r = 0; r < values.rows(); ++r) {
    for (Index c = 0; c < values.cols(); ++c) {
      const double d = static_cast<double>(values(r, c)) - s.mean;
      squares += d * d;
    }
  }
  s.stddev = std::sqrt(squares / n);
  s.min = min;
  s.max = max;
  s.near_low = static_cast<double>(near_low) / n;
  s.near_high = static_cast<double>(near_high) / n;
  s.exact_zero = static_cast<double>(zeros) / n;
  return s;
}

// Runs all of x through net in test mode in one pass (forward_all) and returns
// the statistics of each hidden layer's activation output, first hidden layer first.
template <typename T, typename Derived>
std::vector<ActivationStats> hidden_activation_stats(Sequential<T>& net,
                                                     const Eigen::MatrixBase<Derived>& x,
                                                     const HistogramOptions& options = {}) {
  options.validate();
  net.forward_all(x);
  std::vector<ActivationStats> out;
  for (const Matrix<T>* activation : net.hidden_activations()) {
    out.push_back(activation_stats(*activation, options));
  }
  return out;
}

}  // namespace scratchnet
