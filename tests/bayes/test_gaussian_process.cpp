// GaussianProcess: the Matérn 5/2 kernel and the log marginal likelihood
// against hand computations, interpolation of noise-free points, the
// maximum-likelihood fit (length scales of the right order, an input that
// does not matter found flat, deterministic), and its errors.
#include <catch2/catch.hpp>
#include <cmath>

#include "scratchnet/training/gaussian_process.hpp"

using scratchnet::GaussianProcess;
using scratchnet::GaussianProcessFitOptions;
using scratchnet::GaussianProcessHyperparameters;

namespace {

GaussianProcessHyperparameters hyperparameters(std::vector<double> length_scales,
                                               double signal_variance, double noise_variance) {
  GaussianProcessHyperparameters h;
  h.length_scales = Eigen::Map<Eigen::VectorXd>(length_scales.data(),
                                                static_cast<Eigen::Index>(length_scales.size()));
  h.signal_variance = signal_variance;
  h.noise_variance = noise_variance;
  return h;
}

// n points uniform in [0, 1]^2 and f at each.
template <typename F>
GaussianProcess sampled(int n, std::uint64_t seed, F f) {
  scratchnet::Rng rng(seed);
  Eigen::MatrixXd x(n, 2);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    x(i, 0) = rng.uniform();
    x(i, 1) = rng.uniform();
    y(i) = f(x(i, 0), x(i, 1));
  }
  return GaussianProcess(x, y);
}

}  // namespace

TEST_CASE("The Matérn 5/2 kernel matches its closed form", "[bayes][gaussian_process]") {
  // (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r), by hand at r = 0 and r = 1.
  CHECK(scratchnet::matern52(0.0) == 1.0);
  CHECK(scratchnet::matern52(1.0) == Approx(0.5239941088318203).epsilon(1e-14));
  CHECK(scratchnet::matern52(3.0) < scratchnet::matern52(2.0));

  // Two inputs (0, 0) and (0.3, 0.4) with length scales 0.5 and 1:
  // r = sqrt(0.3^2 / 0.25 + 0.4^2 / 1) = sqrt(0.52); s^2 = 2, noise 0.1.
  Eigen::MatrixXd x(2, 2);
  x << 0, 0, 0.3, 0.4;
  const GaussianProcess process(x, Eigen::Vector2d(0, 1));
  const Eigen::MatrixXd k = process.covariance(hyperparameters({0.5, 1.0}, 2.0, 0.1));
  CHECK(k(0, 1) == Approx(1.3874596795963383).epsilon(1e-14));
  CHECK(k(1, 0) == k(0, 1));
  CHECK(k(0, 0) == Approx(2.1));
}

TEST_CASE("The log marginal likelihood matches a hand computation on three points",
          "[bayes][gaussian_process]") {
  // x = 0, 0.5, 1 with length scale 0.5 (scaled distances 1 and 2), s^2 = 1,
  // noise 0.1, y = -1, 0, 1 (already mean 0, sample standard deviation 1).
  // K = [[a, b, c], [b, a, b], [c, b, a]], a = 1.1, b = k(1), c = k(2):
  //   det K = a^3 - 2 a b^2 + 2 b^2 c - a c^2
  //   y^T K^-1 y = (2 a^2 - 4 b^2 + 2 a c) / det K   (by the adjugate)
  //   log p = -1/2 y^T K^-1 y - 1/2 log det K - 3/2 log(2 pi) = -3.6740424691494065
  const double a = 1.1, b = scratchnet::matern52(1.0), c = scratchnet::matern52(2.0);
  const double det = a * a * a - 2 * a * b * b + 2 * b * b * c - a * c * c;
  const double quadratic = (2 * a * a - 4 * b * b + 2 * a * c) / det;
  const double expected =
      -0.5 * quadratic - 0.5 * std::log(det) - 1.5 * std::log(2 * 3.14159265358979323846);
  CHECK(expected == Approx(-3.6740424691494065).epsilon(1e-13));

  const GaussianProcess process(Eigen::Vector3d(0, 0.5, 1), Eigen::Vector3d(-1, 0, 1));
  CHECK(process.log_marginal_likelihood(hyperparameters({0.5}, 1.0, 0.1)) ==
        Approx(expected).epsilon(1e-12));
  // Standardised: the same points scaled and shifted have the same likelihood.
  const GaussianProcess shifted(Eigen::Vector3d(0, 0.5, 1), Eigen::Vector3d(3, 5, 7));
  CHECK(shifted.log_marginal_likelihood(hyperparameters({0.5}, 1.0, 0.1)) ==
        Approx(expected).epsilon(1e-12));
}

TEST_CASE("Without noise the posterior goes through the points, with variance only between them",
          "[bayes][gaussian_process]") {
  Eigen::VectorXd x(5), y(5);
  x << 0.0, 0.2, 0.45, 0.6, 1.0;
  for (int i = 0; i < 5; ++i) y(i) = 0.7 + 0.2 * std::sin(6 * x(i));
  GaussianProcess process(x, y);
  process.set_hyperparameters(hyperparameters({0.3}, 1.0, 0.0));
  const auto at_points = process.predict(x);
  for (int i = 0; i < 5; ++i) {
    CHECK(at_points.mean(i) == Approx(y(i)).margin(1e-8));
    CHECK(at_points.variance(i) < 1e-10);
  }
  Eigen::VectorXd between(2);
  between << 0.8, 1.5;  // in the widest gap, and beyond the data
  const auto away = process.predict(between);
  CHECK(away.variance(0) > 1e-4);
  CHECK(away.variance(1) > away.variance(0));
  // Far from every point the prior comes back: the mean of y, and s^2 times
  // the variance of y (sample variance of the outputs).
  const double y_variance = (y.array() - y.mean()).square().sum() / 4;
  const auto far = process.predict(Eigen::VectorXd::Constant(1, 50.0));
  CHECK(far.mean(0) == Approx(y.mean()).margin(1e-9));
  CHECK(far.variance(0) == Approx(y_variance).epsilon(1e-9));
}

TEST_CASE("The likelihood fit finds length scales of the right order",
          "[bayes][gaussian_process]") {
  // f varies along the first input only; the faster it varies, the shorter
  // the fitted length scale, and the second input's is long.
  GaussianProcess slow = sampled(40, 1, [](double u, double) { return std::sin(3 * u); });
  GaussianProcess fast = sampled(40, 1, [](double u, double) { return std::sin(12 * u); });
  slow.fit(GaussianProcessFitOptions{}, 7);
  fast.fit(GaussianProcessFitOptions{}, 7);
  const Eigen::VectorXd slow_scales = slow.hyperparameters().length_scales;
  const Eigen::VectorXd fast_scales = fast.hyperparameters().length_scales;
  INFO("slow " << slow_scales.transpose() << ", fast " << fast_scales.transpose());
  CHECK(fast_scales(0) > 0.03);
  CHECK(fast_scales(0) < 0.5);
  CHECK(slow_scales(0) > 2 * fast_scales(0));
  CHECK(fast_scales(1) > 5 * fast_scales(0));
  CHECK(slow.hyperparameters().noise_variance < 1e-3);

  // And it predicts f between the points.
  Eigen::MatrixXd probe(3, 2);
  probe << 0.25, 0.5, 0.5, 0.1, 0.75, 0.9;
  const auto predicted = fast.predict(probe);
  for (int i = 0; i < 3; ++i)
    CHECK(predicted.mean(i) == Approx(std::sin(12 * probe(i, 0))).margin(0.1));
}

TEST_CASE("The fit is deterministic and restarts only improve it", "[bayes][gaussian_process]") {
  const auto f = [](double u, double v) { return std::exp(-8 * ((u - 0.6) * (u - 0.6) + v * v)); };
  GaussianProcess a = sampled(15, 3, f), b = sampled(15, 3, f), one = sampled(15, 3, f);
  a.fit(GaussianProcessFitOptions{}, 42);
  b.fit(GaussianProcessFitOptions{}, 42);
  CHECK(a.hyperparameters().length_scales == b.hyperparameters().length_scales);
  CHECK(a.hyperparameters().noise_variance == b.hyperparameters().noise_variance);
  GaussianProcessFitOptions single;
  single.restarts = 1;
  one.fit(single, 42);
  CHECK(a.log_marginal_likelihood(a.hyperparameters()) >=
        one.log_marginal_likelihood(one.hyperparameters()));
}

TEST_CASE("Repeated inputs are factored with jitter; what cannot be is a clear error",
          "[bayes][gaussian_process]") {
  GaussianProcess twice(Eigen::Vector3d(0.5, 0.5, 0.2), Eigen::Vector3d(1, 1, 0));
  twice.set_hyperparameters(hyperparameters({0.3}, 1.0, 0.0));
  CHECK(twice.predict(Eigen::VectorXd::Constant(1, 0.5)).mean(0) == Approx(1).margin(1e-4));

  CHECK_THROWS_AS(twice.set_hyperparameters(
                      hyperparameters({0.3}, std::numeric_limits<double>::infinity(), 0.0)),
                  scratchnet::GaussianProcessError);
  CHECK_THROWS_WITH((GaussianProcess(Eigen::Vector2d(0, 1), Eigen::Vector3d(0, 1, 2))),
                    Catch::Contains("2 inputs but 3 outputs"));
  CHECK_THROWS_WITH((GaussianProcess(Eigen::Vector2d(0, NAN), Eigen::Vector2d(0, 1))),
                    Catch::Contains("not finite"));
  GaussianProcessFitOptions bad;
  bad.min_length_scale = 0;
  CHECK_THROWS_WITH(twice.fit(bad, 1), Catch::Contains("length scale"));
}
