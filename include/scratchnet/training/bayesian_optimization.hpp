// Bayesian optimisation of hyperparameters: a TrialProposer for
// HyperparameterSearch that, after the first trials drawn at random, chooses
// each next trial where the expected improvement on the best validation
// accuracy so far is largest, under a Gaussian process fitted to every
// finished trial (training/gaussian_process.hpp). Snoek, Larochelle & Adams,
// "Practical Bayesian Optimization of Machine Learning Algorithms" (2012).
//
//   scratchnet::HyperparameterSearchOptions options;           // the book's search
//   options.proposer = std::make_shared<scratchnet::BayesianOptimization>();
//   scratchnet::HyperparameterSearch<float> search(data.train, options);
//
// The Gaussian process sees each range scaled to [0, 1]: a log-scale range by
// the log10 of its values, so lr from 1e-6 to 1e-2 is as smooth per decade as
// the random search draws it. The expected improvement is maximised over
// options.candidates points drawn uniformly in the unit cube. A round of more
// than one trial is chosen one trial at a time, each after the previous
// pick's predicted mean is taken as if observed (the "kriging believer"), so
// that a round spreads out. Everything random comes from the seed the search
// gives each round: the same search seed gives the same trials.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/training/gaussian_process.hpp"
#include "scratchnet/training/search_trials.hpp"

namespace scratchnet {

// The expected improvement over best of f ~ N(mean, variance), for maximising:
//   EI = E[max(f - best, 0)] = (mean - best) Phi(z) + sigma phi(z) = sigma (z Phi(z) + phi(z)),
//   z = (mean - best) / sigma, Phi and phi the standard normal CDF and density.
// With sigma = 0, f is known: EI = max(mean - best, 0).
inline double expected_improvement(double mean, double variance, double best) {
  const double sigma = std::sqrt(std::max(variance, 0.0));
  if (!(sigma > 0)) return std::max(mean - best, 0.0);
  const double z = (mean - best) / sigma;
  const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  const double density = std::exp(-0.5 * z * z) / std::sqrt(2.0 * 3.14159265358979323846);
  return std::max(sigma * (z * cdf + density), 0.0);
}

// value's place in range as a number in [0, 1]: on a log scale
// (log10 value - log10 low) / (log10 high - log10 low), else linear.
inline double to_unit(const SearchRange& range, double value) {
  const auto place = [](double v, double low, double high) {
    return high > low ? std::clamp((v - low) / (high - low), 0.0, 1.0) : 0.0;
  };
  if (!range.log_scale) return place(value, range.low, range.high);
  return place(std::log10(value), std::log10(range.low), std::log10(range.high));
}

// The value at place u in [0, 1] of range, the inverse of to_unit.
inline double from_unit(const SearchRange& range, double u) {
  if (!range.log_scale) return range.low + u * (range.high - range.low);
  const double exponent =
      std::log10(range.low) + u * (std::log10(range.high) - std::log10(range.low));
  // Clamped: 10^log10(x) may round just outside [low, high].
  return std::clamp(std::pow(10.0, exponent), range.low, range.high);
}

struct BayesianOptimizationOptions {
  int random_trials = 10;  // drawn at random before the first proposal
  int round_size = 1;      // trials chosen at a time (and trained in parallel)
  int candidates = 5000;   // random points the expected improvement is maximised over
  GaussianProcessFitOptions fit;

  void validate() const {
    require(random_trials >= 1, "random trials",
            "Bayesian optimisation needs at least 1, got " + std::to_string(random_trials));
    require(round_size >= 1, "round size", "must be >= 1, got " + std::to_string(round_size));
    require(candidates >= 1, "candidates", "must be >= 1, got " + std::to_string(candidates));
    fit.validate();
  }
};

class BayesianOptimization : public TrialProposer {
 public:
  explicit BayesianOptimization(BayesianOptimizationOptions options = {})
      : options_(std::move(options)) {
    options_.validate();
  }

  int random_trials() const override { return options_.random_trials; }
  int round_size() const override { return options_.round_size; }
  const BayesianOptimizationOptions& options() const { return options_; }

  // The Gaussian process's hyperparameters at the last proposal, if any.
  const std::optional<GaussianProcessHyperparameters>& last_fit() const { return last_fit_; }

  void propose(const std::vector<SearchRange>& ranges, const std::vector<TrialResult>& finished,
               std::uint64_t seed, std::vector<Trial>& next) override {
    require(!finished.empty(), "Bayesian optimisation", "needs a finished trial to propose from");
    const auto n = static_cast<Eigen::Index>(finished.size());
    const auto d = static_cast<Eigen::Index>(ranges.size());
    Eigen::MatrixXd x(n, d);
    Eigen::VectorXd y(n);
    const double diverged = worst_accuracy(finished);
    for (Eigen::Index i = 0; i < n; ++i) {
      const TrialResult& result = finished[static_cast<std::size_t>(i)];
      require_values_in(ranges, result.trial, "Bayesian optimisation");
      for (Eigen::Index k = 0; k < d; ++k) {
        const std::size_t r = static_cast<std::size_t>(k);
        x(i, k) = to_unit(ranges[r], result.trial.values[r].second);
      }
      y(i) = result.diverged ? diverged : result.validation_accuracy;
    }

    Rng rng(seed);
    GaussianProcess process(x, y);
    process.fit(options_.fit, rng.next_u64());
    last_fit_ = process.hyperparameters();
    const double best = y.maxCoeff();
    Eigen::MatrixXd candidates(options_.candidates, d);
    for (std::size_t t = 0; t < next.size(); ++t) {
      for (Eigen::Index i = 0; i < candidates.size(); ++i) candidates.data()[i] = rng.uniform();
      const GaussianProcessPrediction prediction = process.predict(candidates);
      Eigen::Index chosen = 0;
      double most = -1;
      for (Eigen::Index c = 0; c < candidates.rows(); ++c) {
        const double ei = expected_improvement(prediction.mean(c), prediction.variance(c), best);
        if (ei > most) {
          most = ei;
          chosen = c;
        }
      }
      next[t].values.clear();
      for (Eigen::Index k = 0; k < d; ++k) {
        const SearchRange& range = ranges[static_cast<std::size_t>(k)];
        next[t].values.emplace_back(range.name, from_unit(range, candidates(chosen, k)));
      }
      if (t + 1 < next.size()) {
        // The kriging believer: the pick's predicted mean as its observation,
        // with the hyperparameters of the fit.
        x.conservativeResize(x.rows() + 1, Eigen::NoChange);
        y.conservativeResize(y.size() + 1);
        x.row(x.rows() - 1) = candidates.row(chosen);
        y(y.size() - 1) = prediction.mean(chosen);
        process = GaussianProcess(x, y);
        process.set_hyperparameters(*last_fit_);
      }
    }
  }

 private:
  // A diverged trial counts as the worst accuracy of the others (0 when all
  // diverged): bad, but not so far below the rest that the Gaussian process
  // bends its whole surface to fit one cliff.
  static double worst_accuracy(const std::vector<TrialResult>& finished) {
    double worst = std::numeric_limits<double>::infinity();
    for (const TrialResult& r : finished) {
      if (!r.diverged) worst = std::min(worst, r.validation_accuracy);
    }
    return std::isfinite(worst) ? worst : 0.0;
  }

  BayesianOptimizationOptions options_;
  std::optional<GaussianProcessHyperparameters> last_fit_;
};

}  // namespace scratchnet
