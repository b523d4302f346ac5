// Regression with mean squared error: a small network fits y = sin(3x) + x/2
// from 200 noisy samples on [-2, 2], and is checked on a noiseless grid. The
// figure shows the samples, the function and the fit.
//   regression --out out/regression [--layers "affine(32),tanh,affine(32),tanh,affine(1)"]
#include <cmath>
#include <cstdio>
#include <scratchnet/scratchnet.hpp>
#include <string>

#include "common/chapter6.hpp"

namespace sn = scratchnet;

namespace {

double target_function(double x) {
  return std::sin(3 * x) + x / 2;
}

struct Points {
  sn::Matrix<float> x, y;
};

// n values of x, drawn uniformly on [-2, 2] with noise on y, or (noise = 0)
// evenly spaced.
Points sample(sn::Index n, double noise, sn::Rng& rng) {
  Points p{sn::Matrix<float>(n, 1), sn::Matrix<float>(n, 1)};
  for (sn::Index i = 0; i < n; ++i) {
    const double x = noise > 0 ? -2 + 4 * rng.uniform()
                               : -2 + 4 * static_cast<double>(i) / static_cast<double>(n - 1);
    p.x(i, 0) = static_cast<float>(x);
    p.y(i, 0) = static_cast<float>(target_function(x) + noise * rng.normal());
  }
  return p;
}

struct Settings {
  examples::CommonFlags common;
  std::string layers = "affine(32),tanh,affine(32),tanh,affine(1)";
  int epochs = 2000;
  double lr = 0.01;
};

int run(const Settings& s) {
  const examples::Stopwatch clock;
  const std::filesystem::path dir = examples::prepare_out_dir(s.common.out_dir);
  examples::CsvFile csv(dir / "regression.csv", "set,x,target,prediction");
  sn::Rng rng(examples::derived_seed(s.common.seed, 0));
  const Points train = sample(200, 0.1, rng), grid = sample(101, 0, rng);

  sn::Sequential<float> net(1, examples::derived_seed(s.common.seed, 1));
  sn::add_layers(net, sn::parse_layer_specs(s.layers));
  if (net.output_size() != 1) {
    throw std::invalid_argument("--layers: the last layer gives " +
                                std::to_string(net.output_size()) +
                                " values per row; the fit needs 1 (end with affine(1))");
  }
  net.set_loss(sn::Loss::mean_squared_error);
  net.initialize(sn::WeightInit::xavier());
  sn::Adam<float> adam(s.lr);
  for (int epoch = 1; epoch <= s.epochs; ++epoch) {
    const float loss = net.gradient(train.x, train.y);  // the whole set: 200 rows
    if (!std::isfinite(loss)) {
      throw sn::TrainingDiverged("training diverged at epoch " + std::to_string(epoch) +
                                 "; try a smaller --lr (now " + examples::format("%g", s.lr) + ")");
    }
    adam.update(net.params());
    if (epoch == 1 || epoch % 500 == 0 || epoch == s.epochs) {
      std::printf("epoch %5d  training loss %.5f\n", epoch, static_cast<double>(loss));
    }
  }
  // The loss is 0.5 * mean squared error: twice it is the mean of (y - t)^2.
  const double grid_mse = 2 * static_cast<double>(net.loss(grid.x, grid.y));
  std::printf("test mean squared error %.5f on %ld points of [-2, 2] (noise variance %.5f)\n",
              grid_mse, static_cast<long>(grid.x.rows()), 0.1 * 0.1);

  const sn::Matrix<float> fitted = net.predict(grid.x), on_train = net.predict(train.x);
  for (sn::Index i = 0; i < train.x.rows(); ++i) {
    csv.row("train", train.x(i, 0), train.y(i, 0), on_train(i, 0));
  }
  for (sn::Index i = 0; i < grid.x.rows(); ++i) {
    csv.row("grid", grid.x(i, 0), grid.y(i, 0), fitted(i, 0));
  }
  csv.close();
  examples::draw("regression.gp", dir / "regression.csv", dir / "regression.png",
                 {{"layers", sn::to_string(sn::layer_specs(net))}});
  std::printf("wrote regression.csv in %s (%.1f s)\n", dir.string().c_str(), clock.seconds());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Fit y = sin(3x) + x/2 from noisy samples with mean squared error", "regression"};
  Settings s;
  examples::add_common_flags(app, s.common, "regression", false, false);
  app.add_option("--layers", s.layers, "the network, ending in affine(1)")->capture_default_str();
  app.add_option("--epochs", s.epochs, "Adam steps on the whole training set")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--lr", s.lr, "Adam's learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  return examples::run(app, argc, argv, [&] { return run(s); });
}
