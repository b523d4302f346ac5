// Overfitting and ways to fight it, as the book's
// ch06/overfit_weight_decay.py and overfit_dropout.py (figures 6-20 to 6-23):
// 300 training samples, 784-100x6-10 ReLU with He init, SGD lr 0.01,
// mini-batches of 100 drawn with replacement, 201 "epochs" (an evaluation of
// train and test accuracy every 3 iterations, the first after the first
// update, as the book's loop), in runs from the same initial weights and on
// the same batches: plain, weight decay lambda 0.1, and dropout 0.2 (the
// book's: units kept with probability 0.8 in training, outputs scaled by 0.8
// in testing), then two the book does not have: L1 (loss + lambda sum |W|)
// and max-norm (each unit's incoming weights scaled back to norm c after
// every update). Each run depends only on its own setting, so the first
// three give the same numbers with or without the other two; --l1 0 or
// --max-norm 0 leaves a run out.
//
//   overfit --out out/overfit
//
// Writes overfit.csv (run,epoch,iteration,train_accuracy,test_accuracy),
// summary.csv (final accuracies and their gap) and overfit.png.
#include "common/sgd_experiment.hpp"

namespace {

namespace sn = scratchnet;
using examples::format;

struct Settings {
  examples::CommonFlags common;
  examples::SgdExperimentFlags sgd{300, 0, 201, 100, 0.01, 6, 100};
  double weight_decay = 0.1;
  double dropout = 0.2;
  double l1 = 0.004;
  double max_norm = 1.1;
};

struct Setup {
  std::string name;
  std::string title;
  double weight_decay = 0;
  double dropout = 0;
  double l1 = 0;
  double max_norm = 0;
};

struct Run {
  std::vector<double> train_accuracy, test_accuracy;
  std::vector<sn::Index> iteration;
  double seconds = 0;
};

int run(const Settings& s) {
  const examples::Stopwatch clock;
  const auto dir = examples::prepare_out_dir(s.common.out_dir);
  const examples::SgdExperiment experiment = examples::prepare_sgd_experiment(s.sgd, s.common);
  const auto& data = experiment.data;

  std::vector<Setup> setups{
      {"plain", "No regularisation", 0, 0},
      {"weight_decay", "Weight decay lambda " + format("%g", s.weight_decay), s.weight_decay, 0},
      {"dropout", "Dropout ratio " + format("%g", s.dropout), 0, s.dropout},
  };
  if (s.l1 > 0) setups.push_back({"l1", "L1 lambda " + format("%g", s.l1), 0, 0, s.l1, 0});
  if (s.max_norm > 0) {
    setups.push_back({"max_norm", "Max-norm c " + format("%g", s.max_norm), 0, 0, 0, s.max_norm});
  }

  std::vector<Run> runs(setups.size());
  examples::parallel_for(static_cast<int>(setups.size()), s.common.jobs, [&](int k) {
    const examples::Stopwatch run_clock;
    const Setup& setup = setups[static_cast<std::size_t>(k)];
    sn::MultiLayerNetOptions options = experiment.network(s.sgd, s.common.seed);
    options.weight_init = sn::WeightInit::he();
    options.weight_decay_lambda = setup.weight_decay;
    options.dropout_ratio = setup.dropout;
    options.l1_lambda = setup.l1;
    options.max_norm = setup.max_norm;
    sn::MultiLayerNet<float> net(options);
    sn::SGD<float> sgd(s.sgd.lr);
    Run& run = runs[static_cast<std::size_t>(k)];
    examples::train_book_loop(
        net, sgd, data.train, experiment.batches, experiment.loop, [&](sn::Index i) {
          if (!examples::is_evaluation_step(i, experiment.per_epoch)) return;
          run.train_accuracy.push_back(net.accuracy(data.train.x, data.train.labels));
          run.test_accuracy.push_back(net.accuracy(data.test.x, data.test.labels));
          run.iteration.push_back(i);
        });
    run.seconds = run_clock.seconds();
    examples::say(setup.name + std::string(13 - std::min<std::size_t>(12, setup.name.size()), ' ') +
                  format("final train acc %.4f", run.train_accuracy.back()) +
                  format("  test acc %.4f", run.test_accuracy.back()) +
                  format("  (%.1f s)", run.seconds));
  });

  examples::CsvFile csv(dir / "overfit.csv", "run,epoch,iteration,train_accuracy,test_accuracy");
  examples::Summary summary;
  std::string names, titles;
  for (std::size_t k = 0; k < setups.size(); ++k) {
    const Run& r = runs[k];
    for (std::size_t e = 0; e < r.train_accuracy.size(); ++e) {
      csv.row(setups[k].name, e, r.iteration[e], r.train_accuracy[e], r.test_accuracy[e]);
    }
    const std::string& setting = setups[k].name;
    summary.add(setting, "final_train_accuracy", r.train_accuracy.back());
    summary.add(setting, "final_test_accuracy", r.test_accuracy.back());
    summary.add(setting, "final_gap", r.train_accuracy.back() - r.test_accuracy.back());
    summary.add(setting, "best_test_accuracy",
                *std::max_element(r.test_accuracy.begin(), r.test_accuracy.end()));
    summary.add(setting, "seconds", r.seconds);
    names += (names.empty() ? "" : " ") + setups[k].name;
    titles += (titles.empty() ? "" : "|") + setups[k].title;
  }
  csv.close();
  summary.write(dir);

  const auto png = dir / "overfit.png";
  examples::draw("overfit.gp", dir / "overfit.csv", png, {{"names", names}, {"titles", titles}});
  std::printf("wrote overfit.csv and summary.csv in %s (%.1f s)\n", dir.string().c_str(),
              clock.seconds());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Overfitting on 300 samples, with weight decay and with dropout (book ch. 6.4, "
      "figures 6-20..6-23), and with L1 and max-norm",
      "overfit"};
  Settings s;
  examples::add_common_flags(app, s.common, "overfit");
  examples::add_sgd_experiment_flags(app, s.sgd, "test samples evaluated each epoch");
  app.add_option("--weight-decay", s.weight_decay, "lambda of the weight decay run")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--dropout", s.dropout, "dropout ratio of the dropout run")
      ->check(CLI::Range(0.0, 0.99))
      ->capture_default_str();
  app.add_option("--l1", s.l1, "lambda of the L1 run (0 = no L1 run)")
      ->check(examples::finite_not_negative())
      ->capture_default_str();
  app.add_option("--max-norm", s.max_norm, "c of the max-norm run (0 = no max-norm run)")
      ->check(examples::finite_not_negative())
      ->capture_default_str();
  return examples::run(app, argc, argv, [&] { return run(s); });
}
