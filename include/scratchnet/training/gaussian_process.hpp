// Gaussian-process regression for Bayesian optimisation: a prior over smooth
// functions on inputs scaled to the unit cube [0, 1]^d, conditioned on noisy
// observations y_i = f(x_i) + N(0, noise). Outputs are standardised (mean 0,
// standard deviation 1) before the fit and scaled back in predict(), so that
// the bounds of the hyperparameters mean the same for any data.
//
// Kernel: Matérn 5/2 with one length scale per input dimension (ARD), a signal
// and a noise variance; the three fitted by maximising the log marginal
// likelihood with NLopt's BOBYQA (bounded, derivative free: four numbers for
// two inputs, each evaluation one Cholesky of an n x n matrix) in log space,
// from a fixed start and restarts drawn from a seed. Linear algebra: Eigen's
// LLT. Rasmussen & Williams, Gaussian Processes for Machine Learning (2006),
// chapters 2 and 5, and eq. 4.17 for the kernel.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlopt.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"

namespace scratchnet {

// Matérn 5/2 correlation at the scaled distance r = sqrt(sum_k (a_k - b_k)^2 / l_k^2):
//   k(r) = (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r)
inline double matern52(double r) {
  const double s = std::sqrt(5.0) * r;
  return (1.0 + s + s * s / 3.0) * std::exp(-s);
}

// The covariance matrix cannot be factored, even with jitter.
class GaussianProcessError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct GaussianProcessHyperparameters {
  Eigen::VectorXd length_scales;  // one per input dimension, in units of the unit cube
  double signal_variance = 1;     // of the standardised outputs
  double noise_variance = 1e-2;   // likewise
};

// Bounds and effort of the maximum-likelihood fit. A length scale below the
// smallest is a function that changes within 1% of a range; above the
// largest, one that is flat along that input.
struct GaussianProcessFitOptions {
  double min_length_scale = 0.01, max_length_scale = 10;
  double min_signal_variance = 0.01, max_signal_variance = 100;
  double min_noise_variance = 1e-6, max_noise_variance = 1;
  int restarts = 5;  // the fixed start, then restarts - 1 drawn from the seed
  int evaluations_per_restart = 300;

  void validate() const {
    const auto bounds = [](double low, double high, const char* what) {
      require(low > 0 && low <= high && std::isfinite(high), what,
              "needs 0 < low <= high, got [" + detail::option_value(low) + ", " +
                  detail::option_value(high) + "]");
    };
    bounds(min_length_scale, max_length_scale, "Gaussian process length scale");
    bounds(min_signal_variance, max_signal_variance, "Gaussian process signal variance");
    bounds(min_noise_variance, max_noise_variance, "Gaussian process noise variance");
    require(restarts >= 1, "Gaussian process restarts",
            "must be >= 1, got " + std::to_string(restarts));
    require(evaluations_per_restart >= 10, "Gaussian process evaluations per restart",
            "must be >= 10, got " + std::to_string(evaluations_per_restart));
  }
};

// The posterior of f at some points, in the units of the observations.
struct GaussianProcessPrediction {
  Eigen::VectorXd mean;
  Eigen::VectorXd variance;  // of f itself, without the observation noise
};

class GaussianProcess {
 public:
  using Hyperparameters = GaussianProcessHyperparameters;

  // x: one input per row (n x d), y: the n observations. Starts with length
  // scales 0.3, signal variance 1, noise variance 0.01; fit() or
  // set_hyperparameters() changes them.
  GaussianProcess(Eigen::MatrixXd x, const Eigen::VectorXd& y) : x_(std::move(x)) {
    require(x_.rows() >= 1 && x_.cols() >= 1, "Gaussian process",
            "needs at least one observation of at least one input");
    require(y.size() == x_.rows(), "Gaussian process",
            std::to_string(x_.rows()) + " inputs but " + std::to_string(y.size()) + " outputs");
    require(x_.allFinite() && y.allFinite(), "Gaussian process",
            "an input or output is not finite");
    // Standardised with the sample standard deviation; constant outputs keep scale 1.
    y_mean_ = y.mean();
    const double n = static_cast<double>(y.size());
    const double spread =
        y.size() > 1 ? std::sqrt((y.array() - y_mean_).square().sum() / (n - 1)) : 0;
    y_scale_ = spread > 0 ? spread : 1.0;
    y_ = (y.array() - y_mean_) / y_scale_;
    Hyperparameters start;
    start.length_scales = Eigen::VectorXd::Constant(x_.cols(), 0.3);
    set_hyperparameters(start);
  }

  Eigen::Index dimensions() const { return x_.cols(); }
  const Hyperparameters& hyperparameters() const { return hyper_; }

  // K_ij = s^2 k(r_ij) + noise * [i == j], r_ij the scaled distance of rows i and j.
  Eigen::MatrixXd covariance(const Hyperparameters& h) const {
    Eigen::MatrixXd k = cross_covariance(h, x_, x_);
    k.diagonal().array() += h.noise_variance;
    return k;
  }

  // log p(y | X, h) = -1/2 y^T K^-1 y - 1/2 log|K| - n/2 log(2 pi), of the
  // standardised y, with log|K| = 2 sum_i log L_ii for K = L L^T.
  double log_marginal_likelihood(const Hyperparameters& h) const {
    const Eigen::LLT<Eigen::MatrixXd> llt = factor(covariance(h));
    const Eigen::VectorXd alpha = llt.solve(y_);
    const double log_det = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
    const double n = static_cast<double>(y_.size());
    const double two_pi = 2.0 * 3.14159265358979323846;
    return -0.5 * y_.dot(alpha) - 0.5 * log_det - 0.5 * n * std::log(two_pi);
  }

  // Factors K once for predict(): alpha = K^-1 y.
  void set_hyperparameters(const Hyperparameters& h) {
    require(h.length_scales.size() == x_.cols(), "Gaussian process",
            std::to_string(h.length_scales.size()) + " length scales for " +
                std::to_string(x_.cols()) + " inputs");
    require((h.length_scales.array() > 0).all() && h.signal_variance > 0 && h.noise_variance >= 0,
            "Gaussian process", "length scales and signal variance must be > 0, noise >= 0");
    llt_ = factor(covariance(h));
    alpha_ = llt_.solve(y_);
    hyper_ = h;
  }

  // Maximises the log marginal likelihood over log l_k, log s^2, log noise
  // within options' bounds; the best of all restarts is kept and set.
  // Deterministic: the same data, options and seed give the same result.
  void fit(const GaussianProcessFitOptions& options, std::uint64_t seed) {
    options.validate();
    const auto d = static_cast<std::size_t>(x_.cols());
    std::vector<double> low(d + 2), high(d + 2), start(d + 2);
    for (std::size_t k = 0; k < d; ++k) {
      low[k] = std::log(options.min_length_scale);
      high[k] = std::log(options.max_length_scale);
      start[k] = std::clamp(std::log(0.3), low[k], high[k]);
    }
    low[d] = std::log(options.min_signal_variance);
    high[d] = std::log(options.max_signal_variance);
    start[d] = std::clamp(0.0, low[d], high[d]);
    low[d + 1] = std::log(options.min_noise_variance);
    high[d + 1] = std::log(options.max_noise_variance);
    start[d + 1] = std::clamp(std::log(1e-2), low[d + 1], high[d + 1]);

    Search search{this, {}, -std::numeric_limits<double>::infinity()};
    Rng rng(seed);
    for (int restart = 0; restart < options.restarts; ++restart) {
      if (restart > 0) {
        for (std::size_t k = 0; k < start.size(); ++k) start[k] = rng.uniform(low[k], high[k]);
      }
      nlopt::opt optimizer(nlopt::LN_BOBYQA, static_cast<unsigned>(d + 2));
      optimizer.set_lower_bounds(low);
      optimizer.set_upper_bounds(high);
      optimizer.set_max_objective(&Search::objective, &search);
      optimizer.set_maxeval(options.evaluations_per_restart);
      optimizer.set_xtol_rel(1e-4);
      std::vector<double> point = start;
      double value = 0;
      try {
        optimizer.optimize(point, value);
      } catch (const std::runtime_error&) {
        // BOBYQA stops on round-off; the best point it saw is kept anyway.
      }
    }
    if (search.best_point.empty()) {
      throw GaussianProcessError(
          "Gaussian process: no hyperparameters within the bounds give a covariance matrix that "
          "can be factored");
    }
    set_hyperparameters(from_log(search.best_point));
  }

  // mean(x*) = y_mean + y_scale k*^T alpha
  // var(x*)  = y_scale^2 (s^2 - |L^-1 k*|^2), with k* = K(X, x*)
  GaussianProcessPrediction predict(const Eigen::MatrixXd& points) const {
    require(points.cols() == x_.cols(), "Gaussian process",
            "points of " + std::to_string(points.cols()) + " inputs, fitted on " +
                std::to_string(x_.cols()));
    const Eigen::MatrixXd k_star = cross_covariance(hyper_, x_, points);
    const Eigen::MatrixXd v = llt_.matrixL().solve(k_star);
    GaussianProcessPrediction out;
    out.mean = (k_star.transpose() * alpha_).array() * y_scale_ + y_mean_;
    out.variance = ((hyper_.signal_variance - v.colwise().squaredNorm().array()).max(0.0) *
                    (y_scale_ * y_scale_))
                       .matrix()
                       .transpose();
    return out;
  }

 private:
  // The state of one fit: the best log likelihood and its point, in log space.
  struct Search {
    const GaussianProcess* process;
    std::vector<double> best_point;
    double best_value;

    static double objective(const std::vector<double>& point, std::vector<double>& /*gradient*/,
                            void* data) {
      auto& search = *static_cast<Search*>(data);
      double value = 0;
      try {
        value = search.process->log_marginal_likelihood(search.process->from_log(point));
      } catch (const GaussianProcessError&) {
        return -1e300;  // a matrix that cannot be factored: the worst likelihood
      }
      if (value > search.best_value) {
        search.best_value = value;
        search.best_point = point;
      }
      return value;
    }
  };

  Hyperparameters from_log(const std::vector<double>& point) const {
    const auto d = static_cast<std::size_t>(x_.cols());
    Hyperparameters h;
    h.length_scales.resize(x_.cols());
    for (std::size_t k = 0; k < d; ++k)
      h.length_scales[static_cast<Eigen::Index>(k)] = std::exp(point[k]);
    h.signal_variance = std::exp(point[d]);
    h.noise_variance = std::exp(point[d + 1]);
    return h;
  }

  // s^2 k(r(a_i, b_j)) for every row a_i of a and b_j of b.
  static Eigen::MatrixXd cross_covariance(const Hyperparameters& h, const Eigen::MatrixXd& a,
                                          const Eigen::MatrixXd& b) {
    const Eigen::RowVectorXd inverse_scale = h.length_scales.cwiseInverse().transpose();
    const Eigen::MatrixXd as = a.array().rowwise() * inverse_scale.array();
    const Eigen::MatrixXd bs = b.array().rowwise() * inverse_scale.array();
    Eigen::MatrixXd k(a.rows(), b.rows());
    for (Eigen::Index j = 0; j < b.rows(); ++j) {
      for (Eigen::Index i = 0; i < a.rows(); ++i) {
        k(i, j) = h.signal_variance * matern52((as.row(i) - bs.row(j)).norm());
      }
    }
    return k;
  }

  // K = L L^T by Eigen's LLT. Round-off can leave a near-singular K (two
  // inputs close together, tiny noise) with a pivot <= 0: then jitter from
  // 1e-10 to 1e-4 times the mean diagonal is added, tenfold each time.
  static Eigen::LLT<Eigen::MatrixXd> factor(const Eigen::MatrixXd& k) {
    const std::string size = std::to_string(k.rows()) + " x " + std::to_string(k.cols());
    if (!k.allFinite()) {
      throw GaussianProcessError("Gaussian process: the " + size +
                                 " covariance matrix has a value that is not finite");
    }
    Eigen::LLT<Eigen::MatrixXd> llt(k);
    const double scale = k.diagonal().mean();
    for (double jitter = 1e-10; llt.info() != Eigen::Success; jitter *= 10) {
      if (jitter > 1.0001e-4) {
        throw GaussianProcessError("Gaussian process: the " + size +
                                   " covariance matrix is not positive definite, even with 1e-4 "
                                   "of its mean diagonal added (inputs repeated with no noise?)");
      }
      Eigen::MatrixXd jittered = k;
      jittered.diagonal().array() += jitter * scale;
      llt.compute(jittered);
    }
    return llt;
  }

  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;  // standardised
  double y_mean_ = 0, y_scale_ = 1;
  Hyperparameters hyper_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::VectorXd alpha_;
};

}  // namespace scratchnet
