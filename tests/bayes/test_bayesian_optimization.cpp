// BayesianOptimization: expected improvement against its closed form, the
// unit-cube scaling, that it finds the top of a smooth bump sooner than random
// search, how diverged trials count, and, inside HyperparameterSearch,
// results that depend on the seed alone (not on jobs) with the random
// search's seeds and first trials.
#include <catch2/catch.hpp>
#include <cmath>

#include "../support/blobs.hpp"
#include "../support/thread_processes.hpp"
#include "scratchnet/training/bayesian_optimization.hpp"
#include "scratchnet/training/hyperparameter_search.hpp"

using scratchnet::BayesianOptimization;
using scratchnet::BayesianOptimizationOptions;
using scratchnet::SearchRange;
using scratchnet::Trial;
using scratchnet::TrialResult;

namespace {

// A smooth bump with its top, 1, at x = 0.7 and y = 10^-2.5.
double bump(const Trial& t) {
  const double dx = (t.value("x") - 0.7) / 0.15;
  const double dy = (std::log10(t.value("y")) + 2.5) / 0.6;
  return std::exp(-0.5 * (dx * dx + dy * dy));
}

// Seven trials of a network of 8 hidden units on blobs: a search of a blink.
scratchnet::HyperparameterSearchOptions tiny_blob_search(int jobs, std::uint64_t seed) {
  scratchnet::HyperparameterSearchOptions o;
  o.ranges = {{"lr", 1e-3, 1.0, true}, {"weight_decay", 1e-8, 1e-2, true}};
  o.trials = 7;
  o.jobs = jobs;
  o.seed = seed;
  o.settings.network.hidden_sizes = {8};
  o.settings.network.output_size = 3;
  o.settings.trainer.epochs = 3;
  o.settings.trainer.batch_size = 20;
  return o;
}

// The trials after 3 random ones chosen by Bayesian optimisation, 2 a round.
void propose_by_bayes(scratchnet::HyperparameterSearchOptions& o) {
  BayesianOptimizationOptions b;
  b.random_trials = 3;
  b.round_size = 2;
  b.candidates = 500;
  o.proposer = std::make_shared<BayesianOptimization>(b);
}

const std::vector<SearchRange> bump_ranges{{"x", 0.0, 1.0, false}, {"y", 1e-4, 1.0, true}};

TrialResult scored(const Trial& trial) {
  TrialResult r;
  r.trial = trial;
  r.validation_accuracy = bump(trial);
  return r;
}

// The best of `budget` evaluations of bump: the random search's trials, or
// after the first 5 of them, Bayesian optimisation's, one at a time.
double best_of(int budget, std::uint64_t seed, bool bayes) {
  const std::vector<Trial> drawn = scratchnet::sample_trials(bump_ranges, budget, seed);
  BayesianOptimizationOptions options;
  options.random_trials = 5;
  options.candidates = 2000;
  BayesianOptimization proposer(options);
  std::vector<TrialResult> finished;
  double best = 0;
  for (int i = 0; i < budget; ++i) {
    std::vector<Trial> next{drawn[static_cast<std::size_t>(i)]};
    if (bayes && i >= options.random_trials)
      proposer.propose(bump_ranges, finished, seed + i, next);
    finished.push_back(scored(next.front()));
    best = std::max(best, finished.back().validation_accuracy);
  }
  return best;
}

}  // namespace

TEST_CASE("Expected improvement matches sigma (z Phi(z) + phi(z))", "[bayes]") {
  // Phi(0.5) = 0.691462461274013, phi(0.5) = 0.352065326764300;
  // Phi(-2) = 0.022750131948179, phi(-2) = 0.053990966513188 (tables).
  CHECK(scratchnet::expected_improvement(0.6, 0.04, 0.5) ==
        Approx(0.2 * (0.5 * 0.691462461274013 + 0.352065326764300)).epsilon(1e-12));
  CHECK(scratchnet::expected_improvement(0.3, 0.01, 0.5) ==
        Approx(0.1 * (-2 * 0.022750131948179 + 0.053990966513188)).epsilon(1e-10));
  // Known values (sigma = 0): the improvement itself, or none.
  CHECK(scratchnet::expected_improvement(0.7, 0.0, 0.5) == Approx(0.2));
  CHECK(scratchnet::expected_improvement(0.3, 0.0, 0.5) == 0.0);
  CHECK(scratchnet::expected_improvement(0.3, 1e-20, 0.5) < 1e-300);
  // More uncertainty at the same mean is worth more.
  CHECK(scratchnet::expected_improvement(0.5, 0.09, 0.5) >
        scratchnet::expected_improvement(0.5, 0.04, 0.5));
}

TEST_CASE("Ranges map to the unit interval by the log10 of their values", "[bayes]") {
  const SearchRange lr{"lr", 1e-6, 1e-2, true};
  CHECK(scratchnet::to_unit(lr, 1e-4) == Approx(0.5));
  CHECK(scratchnet::to_unit(lr, 1e-6) == 0.0);
  CHECK(scratchnet::from_unit(lr, 0.25) == Approx(1e-5));
  CHECK(scratchnet::from_unit(lr, 1.0) == 1e-2);
  const SearchRange momentum{"momentum", 0.5, 0.9, false};
  CHECK(scratchnet::to_unit(momentum, 0.6) == Approx(0.25));
  CHECK(scratchnet::from_unit(momentum, scratchnet::to_unit(momentum, 0.77)) == Approx(0.77));
}

TEST_CASE("Bayesian optimisation gets nearer the top of a bump than random search", "[bayes]") {
  // 20 evaluations, 6 seeds: the bump covers about 4% of the square.
  double bayes_gap = 0, random_gap = 0;
  int bayes_ahead = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const double bayes = best_of(20, seed, true), random = best_of(20, seed, false);
    INFO("seed " << seed << ": bayes " << bayes << ", random " << random);
    bayes_gap += 1 - bayes;
    random_gap += 1 - random;
    bayes_ahead += bayes >= random;
  }
  CHECK(bayes_ahead >= 5);
  CHECK(bayes_gap < 0.3 * random_gap);
  CHECK(bayes_gap / 6 < 0.05);
}

TEST_CASE("A diverged trial counts as the worst accuracy of the others", "[bayes]") {
  const std::vector<Trial> drawn = scratchnet::sample_trials(bump_ranges, 7, 3);
  std::vector<TrialResult> finished;
  for (int i = 0; i < 6; ++i) finished.push_back(scored(drawn[static_cast<std::size_t>(i)]));
  double worst = 1;
  for (const TrialResult& r : finished) worst = std::min(worst, r.validation_accuracy);
  std::vector<TrialResult> with_diverged = finished, with_worst = finished;
  with_diverged[2].diverged = true;
  with_diverged[2].validation_accuracy = 0;
  with_worst[2].validation_accuracy = worst;
  std::vector<Trial> a{drawn[6]}, b{drawn[6]};
  BayesianOptimization proposer;
  proposer.propose(bump_ranges, with_diverged, 9, a);
  proposer.propose(bump_ranges, with_worst, 9, b);
  CHECK(a.front().values == b.front().values);

  // All diverged: still a proposal, within the ranges.
  for (TrialResult& r : with_diverged) r.diverged = true;
  proposer.propose(bump_ranges, with_diverged, 9, a);
  CHECK_NOTHROW(scratchnet::require_values_in(bump_ranges, a.front(), "test"));
}

TEST_CASE("A Bayesian search depends on its seed alone, not on jobs, and starts as random search",
          "[bayes]") {
  const scratchnet::Dataset<float> data = scratchnet::test::blobs(120, 6, 0.8, 1.5, 4);
  auto options = [](int jobs) { return tiny_blob_search(jobs, 5); };
  auto bayes = [&](int jobs) {
    scratchnet::HyperparameterSearchOptions o = options(jobs);
    propose_by_bayes(o);
    scratchnet::HyperparameterSearch<float> search(data, o);
    int calls = 0;
    search.on_trial_end([&](const TrialResult&, int done, int total) {
      CHECK(done == ++calls);
      CHECK(total == 7);
    });
    search.run();
    CHECK(calls == 7);
    return search.trials();
  };
  const std::vector<Trial> one = bayes(1), two = bayes(2), again = bayes(2);
  const std::vector<Trial> random = scratchnet::sample_trials(options(1).ranges, 7, 5);
  REQUIRE(one.size() == 7);
  for (std::size_t i = 0; i < one.size(); ++i) {
    CHECK(one[i].values == two[i].values);
    CHECK(two[i].values == again[i].values);
    CHECK(one[i].index == random[i].index);
    CHECK(one[i].network_seed == random[i].network_seed);
    CHECK(one[i].batch_seed == random[i].batch_seed);
    CHECK((one[i].values == random[i].values) == (i < 3));
  }
}

TEST_CASE("Bad Bayesian options are refused with their name", "[bayes]") {
  BayesianOptimizationOptions o;
  o.random_trials = 0;
  CHECK_THROWS_WITH(BayesianOptimization(o), Catch::Contains("random trials"));
  o = {};
  o.round_size = 0;
  CHECK_THROWS_WITH(BayesianOptimization(o), Catch::Contains("round size"));
  o = {};
  o.candidates = 0;
  CHECK_THROWS_WITH(BayesianOptimization(o), Catch::Contains("candidates"));
}

TEST_CASE("A Bayesian search shared by 2 processes proposes and ranks the trials of one",
          "[bayes][data_parallel]") {
  const scratchnet::Dataset<float> data = scratchnet::test::blobs(120, 6, 0.8, 1.5, 4);
  auto options = [] {
    scratchnet::HyperparameterSearchOptions o = tiny_blob_search(1, 8);
    propose_by_bayes(o);
    return o;
  };
  const std::vector<TrialResult> alone =
      scratchnet::HyperparameterSearch<float>(data, options()).run();
  std::vector<std::vector<TrialResult>> shared(2);
  scratchnet::test::run_as_processes(2, [&](scratchnet::Communicator& c) {
    scratchnet::HyperparameterSearchOptions o = options();
    o.processes = &c;
    shared[static_cast<std::size_t>(c.rank())] =
        scratchnet::HyperparameterSearch<float>(data, o).run();
  });
  for (const std::vector<TrialResult>& results : shared) {
    REQUIRE(results.size() == alone.size());
    for (std::size_t i = 0; i < alone.size(); ++i) {
      CHECK(results[i].trial.index == alone[i].trial.index);
      CHECK(results[i].trial.values == alone[i].trial.values);
      CHECK(results[i].validation_accuracy == alone[i].validation_accuracy);
      CHECK(results[i].history.loss == alone[i].history.loss);
    }
  }
}
