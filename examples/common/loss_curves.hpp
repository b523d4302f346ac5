// The experiment behind optimizer_compare and weight_init_compare (the book's
// ch06/optimizer_compare_mnist.py and weight_init_compare.py): several
// networks trained on the same mini-batches, drawn with replacement, each
// recording its loss on the batch right after the update; then the book's
// smoothed curves in one figure and each network's final accuracies.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "book_loop.hpp"
#include "chapter6.hpp"

namespace examples {

// One curve: a network and the update rule that trains it.
struct CurveSetup {
  std::string name;  // the curve's label in the CSV and the figure
  sn::MultiLayerNetOptions network;
  std::string optimizer = "sgd";
  sn::OptimizerOptions optimizer_options;
};

struct CurveResult {
  std::vector<double> loss;      // after the update of each iteration
  std::vector<double> smoothed;  // smooth_curve(loss)
  double learning_rate = 0;
  double test_accuracy = 0;
  double train_accuracy = 0;
  double seconds = 0;
};

struct CurveSettings {
  sn::Index iterations = 2000;
  sn::Index batch = 128;
  sn::Index train_size = 0;  // 0 = all
  sn::Index test_size = 0;
  bool double_precision = false;  // float64 networks, as the book's numpy
};

inline void add_curve_flags(CLI::App& app, CurveSettings& s) {
  app.add_option("--iterations", s.iterations, "updates of each network")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--batch", s.batch, "mini-batch size (drawn with replacement, as the book)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--train-size", s.train_size, "use the first N training images (0 = all)")
      ->check(examples::not_negative())
      ->capture_default_str();
  app.add_option("--test-size", s.test_size, "use the first N test images (0 = all)")
      ->check(examples::not_negative())
      ->capture_default_str();
  app.add_flag("--double", s.double_precision,
               "train in double precision, as the book's numpy (about 2x slower)");
}

// Trains every setup on the same batches (one thread per network, up to
// jobs) and prints a line per network as it finishes.
template <typename T>
std::vector<CurveResult> run_curves(const std::vector<CurveSetup>& setups, const CurveSettings& s,
                                    const CommonFlags& common, const sn::MnistData<T>& data) {
  const std::vector<sn::Index> batches =
      draw_batches(data.train.size(), s.batch, s.iterations, derived_seed(common.seed, 1));
  std::vector<CurveResult> results(setups.size());
  parallel_for(static_cast<int>(setups.size()), common.jobs, [&](int k) {
    const Stopwatch clock;
    const CurveSetup& setup = setups[static_cast<std::size_t>(k)];
    sn::MultiLayerNetOptions options = setup.network;
    options.input_size = data.train.features();
    sn::MultiLayerNet<T> net(options);
    auto optimizer = sn::make_optimizer<T>(setup.optimizer, setup.optimizer_options);
    CurveResult& r = results[static_cast<std::size_t>(k)];
    r.learning_rate = optimizer->learning_rate();
    BookLoop loop;
    loop.batch = s.batch;
    loop.iterations = s.iterations;
    r.loss = train_book_loop(net, *optimizer, data.train, batches, loop);
    r.smoothed = smooth_curve(r.loss);
    r.test_accuracy = net.accuracy(data.test.x, data.test.labels);
    r.train_accuracy = net.accuracy(data.train.x, data.train.labels);
    r.seconds = clock.seconds();
    char line[200];
    std::snprintf(line, sizeof line,
                  "%-12s lr %-7g final loss %.4f  train acc %.4f  test acc %.4f  (%.1f s)",
                  setup.name.c_str(), r.learning_rate, r.loss.back(), r.train_accuracy,
                  r.test_accuracy, r.seconds);
    say(line);
  });
  return results;
}

// Loads the data in the precision asked for and runs the curves.
inline std::vector<CurveResult> load_and_run_curves(const std::vector<CurveSetup>& setups,
                                                    const CurveSettings& s,
                                                    const CommonFlags& common) {
  if (s.double_precision) {
    return run_curves(setups, s, common,
                      load_data<double>(common.data_dir, s.train_size, s.test_size));
  }
  return run_curves(setups, s, common,
                    load_data<float>(common.data_dir, s.train_size, s.test_size));
}

// <name>.csv (name,iteration,loss,smoothed_loss, iterations from 0 as the
// book's x axis) and summary.csv; returns the curves' names, space separated,
// for the plot script.
inline std::string write_curves(const std::filesystem::path& dir, const std::string& csv_name,
                                const std::vector<CurveSetup>& setups,
                                const std::vector<CurveResult>& results) {
  CsvFile csv(dir / csv_name, "name,iteration,loss,smoothed_loss");
  Summary summary;
  std::string names;
  for (std::size_t k = 0; k < setups.size(); ++k) {
    const CurveResult& r = results[k];
    for (std::size_t i = 0; i < r.loss.size(); ++i) {
      csv.row(setups[k].name, i, r.loss[i], r.smoothed[i]);
    }
    const std::size_t n = r.loss.size();
    summary.add(setups[k].name, "final_test_accuracy", r.test_accuracy);
    summary.add(setups[k].name, "final_train_accuracy", r.train_accuracy);
    summary.add(setups[k].name, "last100_mean_loss", mean_of(r.loss, n > 100 ? n - 100 : 0, n));
    summary.add(setups[k].name, "learning_rate", r.learning_rate);
    summary.add(setups[k].name, "seconds", r.seconds);
    names += (names.empty() ? "" : " ") + setups[k].name;
  }
  csv.close();
  summary.write(dir);
  return names;
}

}  // namespace examples
