// Batch Normalization against plain training over a range of initial weight
// scales, as the book's ch06/batch_norm_test.py (figure 6-19): 1000 training
// samples, 784-100x5-10 ReLU, SGD lr 0.01, mini-batches of 100 drawn with
// replacement, 20 "epochs" (an evaluation of the training accuracy every 10
// iterations, the first after the first update, as the book's loop), for 16
// weight standard deviations log-spaced from 1 to 1e-4. For each scale the
// two networks start from the same normal draws and see the same batches.
//
//   batch_norm_compare --out out/batch_norm_compare
//
// Writes batch_norm_compare.csv (scale_index,weight_scale,epoch,iteration,
// train_accuracy_plain,train_accuracy_batchnorm), summary.csv (final train
// and test accuracy of each) and batch_norm_compare.png, a grid of curves.
#include <cmath>

#include "common/sgd_experiment.hpp"

namespace {

namespace sn = scratchnet;
using examples::format;

struct Settings {
  examples::CommonFlags common;
  examples::SgdExperimentFlags sgd{1000, 0, 20, 100, 0.01, 5, 100};
  int scales = 16;
  double scale_max = 1;
  double scale_min = 1e-4;
};

struct Run {
  std::vector<double> train_accuracy;  // one per evaluation
  std::vector<sn::Index> iteration;    // the iteration (from 0) of each
  double test_accuracy = 0;
};

int run(const Settings& s) {
  if (s.scales > 1 && !(s.scale_min < s.scale_max)) {
    throw std::invalid_argument("--scale-min " + scratchnet::detail::option_value(s.scale_min) +
                                " is not below --scale-max " +
                                scratchnet::detail::option_value(s.scale_max));
  }
  const examples::Stopwatch clock;
  const auto dir = examples::prepare_out_dir(s.common.out_dir);
  const examples::SgdExperiment experiment = examples::prepare_sgd_experiment(s.sgd, s.common);
  const auto& data = experiment.data;

  // np.logspace(0, -4, 16): scale_max down to scale_min, equal steps in log.
  std::vector<double> scales;
  for (int i = 0; i < s.scales; ++i) {
    const double t = s.scales == 1 ? 0.0 : static_cast<double>(i) / (s.scales - 1);
    scales.push_back(std::pow(
        10.0, std::log10(s.scale_max) + t * (std::log10(s.scale_min) - std::log10(s.scale_max))));
  }

  // Run 2k is scale k without batch norm, 2k + 1 with it.
  std::vector<Run> runs(2 * scales.size());
  examples::parallel_for(static_cast<int>(runs.size()), s.common.jobs, [&](int r) {
    const std::size_t k = static_cast<std::size_t>(r) / 2;
    const bool batchnorm = r % 2 == 1;
    sn::MultiLayerNetOptions options = experiment.network(s.sgd, s.common.seed);
    options.weight_init = sn::WeightInit(scales[k]);
    options.use_batchnorm = batchnorm;
    sn::MultiLayerNet<float> net(options);
    sn::SGD<float> sgd(s.sgd.lr);
    Run& run = runs[static_cast<std::size_t>(r)];
    examples::train_book_loop(
        net, sgd, data.train, experiment.batches, experiment.loop, [&](sn::Index i) {
          if (!examples::is_evaluation_step(i, experiment.per_epoch)) return;
          run.train_accuracy.push_back(net.accuracy(data.train.x, data.train.labels));
          run.iteration.push_back(i);
        });
    run.test_accuracy = net.accuracy(data.test.x, data.test.labels);
  });

  examples::CsvFile csv(dir / "batch_norm_compare.csv",
                        "scale_index,weight_scale,epoch,iteration,train_accuracy_plain,"
                        "train_accuracy_batchnorm");
  examples::Summary summary;
  std::string titles;
  int ahead = 0;
  std::printf("%5s %10s %22s %22s\n", "", "w scale", "plain train / test",
              "batchnorm train / test");
  for (std::size_t k = 0; k < scales.size(); ++k) {
    const Run& plain = runs[2 * k];
    const Run& bn = runs[2 * k + 1];
    for (std::size_t e = 0; e < plain.train_accuracy.size(); ++e) {
      csv.row(k, scales[k], e, plain.iteration[e], plain.train_accuracy[e], bn.train_accuracy[e]);
    }
    const std::string setting = "w=" + format("%.4g", scales[k]);
    summary.add(setting + "/plain", "final_train_accuracy", plain.train_accuracy.back());
    summary.add(setting + "/batchnorm", "final_train_accuracy", bn.train_accuracy.back());
    summary.add(setting + "/plain", "final_test_accuracy", plain.test_accuracy);
    summary.add(setting + "/batchnorm", "final_test_accuracy", bn.test_accuracy);
    ahead += bn.train_accuracy.back() > plain.train_accuracy.back();
    titles += (titles.empty() ? "" : " ") + format("%.4g", scales[k]);
    std::printf("%5zu %10.4g %10.3f / %-9.3f %10.3f / %-9.3f\n", k + 1, scales[k],
                plain.train_accuracy.back(), plain.test_accuracy, bn.train_accuracy.back(),
                bn.test_accuracy);
  }
  summary.add("all", "scales_batchnorm_ahead", ahead);
  csv.close();
  summary.write(dir);
  std::printf("batch norm ahead at %d of %zu scales\n", ahead, scales.size());

  const auto png = dir / "batch_norm_compare.png";
  examples::draw("batch_norm_grid.gp", dir / "batch_norm_compare.csv", png,
                 {{"scales", titles}, {"epochs", std::to_string(s.sgd.epochs)}});
  std::printf("wrote batch_norm_compare.csv and summary.csv in %s (%.1f s)\n", dir.string().c_str(),
              clock.seconds());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Batch Normalization against plain training over initial weight scales (book ch. "
      "6.3.2, figure 6-19)",
      "batch_norm_compare"};
  Settings s;
  examples::add_common_flags(app, s.common, "batch_norm_compare");
  examples::add_sgd_experiment_flags(app, s.sgd, "test samples for the final test accuracy");
  app.add_option("--scales", s.scales, "initial weight scales (panels)")
      ->check(CLI::PositiveNumber)
      ->check(examples::at_most(64, "more panels than the figure can show"))
      ->capture_default_str();
  app.add_option("--scale-max", s.scale_max, "largest weight scale")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--scale-min", s.scale_min, "smallest weight scale")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  return examples::run(app, argc, argv, [&] { return run(s); });
}
