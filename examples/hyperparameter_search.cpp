// Random search of the learning rate and the weight decay on a validation
// set, as the book's ch06/hyperparameter_optimization.py (figure 6-24): the
// first 500 training samples, 20% of them held out for validation (never the
// test set), 784-100x6-10 ReLU with He init, SGD, 50 epochs of mini-batches
// of 100 drawn with replacement; lr = 10^U(-6, -2), weight decay =
// 10^U(-8, -4), 100 trials. Trials run in parallel over --jobs threads, each
// with its own seeded network, so the results do not depend on --jobs.
//
//   hyperparameter_search --out out/hyperparameter_search --trials 100
//
// Prints the best 20 and writes hyperparameter_search.csv (every trial, best
// first), hyperparameter_curves.csv (validation and train accuracy per epoch
// of every trial), summary.csv and hyperparameter_search.png (the curves of
// the best 20, as the book's figure).
//
// --method bayes chooses every trial after the first --random-trials by
// Bayesian optimisation (training/bayesian_optimization.hpp) instead: a
// Gaussian process on the log-scaled values, and the next trial where the
// expected improvement is largest. Its trials have the seeds of the random
// search's trials of the same index, and its random trials are the random
// search's first ones.
//
//   mpirun -np 4 hyperparameter_search ...   shares the trials between 4
// processes (trial i on process i mod 4); the results are the same for any
// number of processes, and rank 0 prints and writes them.
#include <cstdio>
#include <scratchnet/training/hyperparameter_search.hpp>
#if defined(SCRATCHNET_HAS_BAYES)
#include <scratchnet/training/bayesian_optimization.hpp>
#endif

#include "common/chapter6.hpp"
#include "common/processes.hpp"

namespace {

namespace sn = scratchnet;
using examples::format;

struct Settings {
  examples::CommonFlags common;
  sn::Index samples = 500;
  double validation = 0.2;
  int trials = 100;
  int epochs = 50;
  sn::Index batch = 100;
  int hidden_layers = 6;
  sn::Index hidden_size = 100;
  std::vector<double> lr_range{1e-6, 1e-2};
  std::vector<double> weight_decay_range{1e-8, 1e-4};
  int best = 20;
  std::string method = "random";
  int random_trials = 10;
  int round_size = 1;
  int candidates = 5000;
};

// Makes options.proposer for --method bayes; returns what to report of it
// after the search (the Gaussian process's last fit), or nothing.
std::function<void(examples::Summary&)> choose_method(const Settings& s,
                                                      sn::HyperparameterSearchOptions& options) {
  if (s.method != "bayes") return {};
#if defined(SCRATCHNET_HAS_BAYES)
  sn::BayesianOptimizationOptions bayes;
  bayes.random_trials = s.random_trials;
  bayes.round_size = s.round_size;
  bayes.candidates = s.candidates;
  auto proposer = std::make_shared<sn::BayesianOptimization>(bayes);
  options.proposer = proposer;
  std::printf(
      "method: Bayesian optimisation, %d random trials, then %d at a time where the "
      "expected improvement of %d random candidates is largest\n",
      s.random_trials, s.round_size, s.candidates);
  return [proposer, ranges = options.ranges](examples::Summary& summary) {
    if (!proposer->last_fit()) return;
    const sn::GaussianProcessHyperparameters& fit = *proposer->last_fit();
    std::printf("Gaussian process at the last proposal:");
    for (std::size_t k = 0; k < ranges.size(); ++k) {
      const double scale = fit.length_scales[static_cast<Eigen::Index>(k)];
      std::printf(" length scale of %s %.3g,", ranges[k].name.c_str(), scale);
      summary.add("gaussian_process", "length_scale_" + ranges[k].name, scale);
    }
    std::printf(" signal variance %.3g, noise variance %.3g (standardised accuracy)\n",
                fit.signal_variance, fit.noise_variance);
    summary.add("gaussian_process", "signal_variance", fit.signal_variance);
    summary.add("gaussian_process", "noise_variance", fit.noise_variance);
  };
#else
  (void)options;
  throw std::invalid_argument(
      "--method: bayes needs NLopt, which this build was made without (scripts/setup-deps.sh "
      "installs libnlopt-cxx-dev; then configure again)");
#endif
}

int run(const Settings& s, examples::Processes& processes) {
  const examples::Stopwatch clock;
  sn::HyperparameterSearchOptions options;
  const auto report_method = choose_method(s, options);
  const auto dir = examples::prepare_out_dir(s.common.out_dir);
  // The test set is not used at all: one test image is read only because
  // load_mnist reads both halves.
  const auto data = examples::load_data(s.common.data_dir, s.samples, 1);

  options.ranges = {{"lr", s.lr_range[0], s.lr_range[1], true},
                    {"weight_decay", s.weight_decay_range[0], s.weight_decay_range[1], true}};
  options.trials = s.trials;
  // Under mpirun the processes share the trials, one job each unless --jobs says.
  options.jobs =
      processes.size() > 1 && s.common.jobs == 0 ? 1 : examples::job_count(s.common.jobs);
  options.processes = processes.processes();
  options.seed = s.common.seed;
  options.validation_ratio = s.validation;
  options.settings.network.hidden_sizes.assign(static_cast<std::size_t>(s.hidden_layers),
                                               s.hidden_size);
  options.settings.trainer.epochs = s.epochs;
  options.settings.trainer.batch_size = s.batch;
  sn::HyperparameterSearch<float> search(data.train, options);
  std::printf(
      "search: %d trials of %d epochs on %ld training / %ld validation samples, %d jobs in each "
      "of %d process(es)\n",
      s.trials, s.epochs, static_cast<long>(search.train_set().size()),
      static_cast<long>(search.validation_set().size()), options.jobs, processes.size());
  search.on_trial_end([](const sn::TrialResult& r, int done, int total) {
    char line[200];
    std::snprintf(line, sizeof line,
                  "trial %3d (%3d/%d)  val acc %.2f  train acc %.4f  lr %.3e  weight decay %.3e  "
                  "%.1f s%s",
                  r.trial.index + 1, done, total, r.validation_accuracy, r.train_accuracy,
                  r.trial.value("lr"), r.trial.value("weight_decay"), r.seconds,
                  r.diverged ? "  diverged" : "");
    examples::say(line);
  });
  const std::vector<sn::TrialResult> results = search.run();
  if (processes.rank() != 0) return 0;  // rank 0 writes for the job

  std::printf("=========== Hyper-Parameter Optimization Result ===========\n");
  const int shown = std::min(s.best, static_cast<int>(results.size()));
  for (int i = 0; i < shown; ++i) {
    const sn::TrialResult& r = results[static_cast<std::size_t>(i)];
    std::printf("Best-%-3d (val acc: %.2f) | lr: %.6e, weight decay: %.6e\n", i + 1,
                r.validation_accuracy, r.trial.value("lr"), r.trial.value("weight_decay"));
  }

  examples::CsvFile table(dir / "hyperparameter_search.csv",
                          "rank,trial,lr,weight_decay,validation_accuracy,train_accuracy,seconds,"
                          "diverged");
  examples::CsvFile curves(dir / "hyperparameter_curves.csv",
                           "rank,trial,epoch,validation_accuracy,train_accuracy");
  examples::Summary summary;
  int above_half = 0;
  double smallest_good_lr = 0;
  double trial_seconds = 0;
  for (std::size_t k = 0; k < results.size(); ++k) {
    const sn::TrialResult& r = results[k];
    table.row(k + 1, r.trial.index + 1, r.trial.value("lr"), r.trial.value("weight_decay"),
              r.validation_accuracy, r.train_accuracy, r.seconds, r.diverged ? 1 : 0);
    for (std::size_t e = 0; e < r.history.epochs.size(); ++e) {
      curves.row(k + 1, r.trial.index + 1, e + 1, r.history.epochs[e].test_accuracy,
                 r.history.epochs[e].train_accuracy);
    }
    if (r.validation_accuracy > 0.5) {
      ++above_half;
      const double lr = r.trial.value("lr");
      smallest_good_lr = smallest_good_lr == 0 ? lr : std::min(smallest_good_lr, lr);
    }
    trial_seconds += r.seconds;
    if (static_cast<int>(k) < std::min(shown, 5)) {
      const std::string setting = "best" + std::to_string(k + 1);
      summary.add(setting, "validation_accuracy", r.validation_accuracy);
      summary.add(setting, "train_accuracy", r.train_accuracy);
      summary.add(setting, "lr", r.trial.value("lr"));
      summary.add(setting, "weight_decay", r.trial.value("weight_decay"));
    }
  }
  summary.add("search", "trials", static_cast<double>(results.size()));
  summary.add("search", "trials_val_acc_above_0.5", above_half);
  if (above_half > 0) summary.add("search", "smallest_lr_val_acc_above_0.5", smallest_good_lr);
  summary.add("search", "seconds_per_trial",
              results.empty() ? 0.0 : trial_seconds / static_cast<double>(results.size()));
  summary.add("search", "seconds", clock.seconds());
  if (report_method) report_method(summary);
  table.close();
  curves.close();
  summary.write(dir);
  std::printf("trials with val acc > 0.5: %d of %zu\n", above_half, results.size());

  std::string titles;
  for (int i = 0; i < shown; ++i) {
    const sn::TrialResult& r = results[static_cast<std::size_t>(i)];
    titles += std::string(i == 0 ? "" : "|") + "Best-" + std::to_string(i + 1) +
              format(" (val %.2f)", r.validation_accuracy) +
              format("\nlr %.1e", r.trial.value("lr")) +
              format(", wd %.1e", r.trial.value("weight_decay"));
  }
  const auto png = dir / "hyperparameter_search.png";
  if (shown > 0) {
    examples::draw("hyperparameter_grid.gp", dir / "hyperparameter_curves.csv", png,
                   {{"count", std::to_string(shown)}, {"titles", titles}});
  }
  std::printf(
      "wrote hyperparameter_search.csv, hyperparameter_curves.csv and summary.csv in %s "
      "(%.1f s)\n",
      dir.string().c_str(), clock.seconds());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Random search of learning rate and weight decay on a validation set (book ch. "
      "6.5, figure 6-24)",
      "hyperparameter_search"};
  Settings s;
  examples::add_common_flags(app, s.common, "hyperparameter_search");
  app.add_option("--samples", s.samples,
                 "the first N training images, split into train and validation")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--validation", s.validation, "fraction held out for validation")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--trials", s.trials, "random trials")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--epochs", s.epochs, "epochs of each trial")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--batch", s.batch, "mini-batch size")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--hidden-layers", s.hidden_layers, "hidden layers")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--hidden-size", s.hidden_size, "units per hidden layer")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--lr-range", s.lr_range, "learning rate range LOW,HIGH, sampled on a log scale")
      ->delimiter(',')
      ->expected(2)
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--weight-decay-range", s.weight_decay_range,
                 "weight decay range LOW,HIGH, sampled on a log scale")
      ->delimiter(',')
      ->expected(2)
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--best", s.best, "how many of the best trials to print and draw")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--method", s.method,
                 "random (the book's) or bayes (Bayesian optimisation: a Gaussian process on the "
                 "log-scaled values chooses each trial after the random ones)")
      ->check(CLI::IsMember({"random", "bayes"}))
      ->capture_default_str();
  const std::vector<CLI::Option*> bayes_flags{
      app.add_option("--random-trials", s.random_trials,
                     "with --method bayes: trials drawn at random before the first proposal")
          ->check(CLI::PositiveNumber)
          ->capture_default_str(),
      app.add_option("--round-size", s.round_size,
                     "with --method bayes: trials proposed at a time and trained in parallel; the "
                     "results depend on it (not on --jobs)")
          ->check(CLI::PositiveNumber)
          ->capture_default_str(),
      app.add_option("--candidates", s.candidates,
                     "with --method bayes: random points the expected improvement is maximised "
                     "over")
          ->check(CLI::PositiveNumber)
          ->check(
              examples::at_most(100000, "a larger count costs memory and time for no better trial"))
          ->capture_default_str()};
  examples::Processes processes(argc, argv);
  examples::speak_from_rank_zero(processes, app);
  return processes.finish(examples::run(app, argc, argv, [&] {
    for (const CLI::Option* flag : bayes_flags) {
      if (flag->count() > 0 && s.method != "bayes") {
        throw std::invalid_argument(flag->get_name() + ": only for --method bayes");
      }
    }
    return run(s, processes);
  }));
}
