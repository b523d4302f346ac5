// Bayesian optimisation through the installed package (scratchnet::bayes):
// a Gaussian process fitted to a few points of a parabola predicts its top;
// exits 0 only if it does.
#include <cmath>
#include <iostream>
#include <scratchnet/training/bayesian_optimization.hpp>

int main() {
  Eigen::VectorXd x(6), y(6);
  x << 0.0, 0.2, 0.4, 0.6, 0.8, 1.0;
  y = 1.0 - 4.0 * (x.array() - 0.5).square();
  scratchnet::GaussianProcess process(x, y);
  process.fit(scratchnet::GaussianProcessFitOptions{}, 1);
  const double top = process.predict(Eigen::VectorXd::Constant(1, 0.5)).mean(0);
  std::cout << "consumer bayes: predicted " << top << " at the top of 1 - 4 (x - 0.5)^2\n";
  return std::abs(top - 1.0) < 0.05 ? 0 : 1;
}
