// HyperparameterSearch: log-uniform sampling, the validation split, the
// per-trial callback, sorting, and results that do not depend on the number
// of threads.
#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "scratchnet/network/layer_spec.hpp"
#include "scratchnet/training/hyperparameter_search.hpp"
#include "support/blobs.hpp"
#include "support/thread_processes.hpp"

using scratchnet::Dataset;
using scratchnet::HyperparameterSearch;
using scratchnet::HyperparameterSearchOptions;
using scratchnet::Index;
using scratchnet::TrialResult;

namespace {

// One blob per class in 6 dimensions: easy to learn, not trivial.
Dataset<float> search_data(Index n, std::uint64_t seed) {
  return scratchnet::test::blobs(n, 6, 0.8, 1.5, seed);
}

HyperparameterSearchOptions small_search(int trials, int jobs) {
  HyperparameterSearchOptions o;
  o.ranges = {{"lr", 1e-3, 1.0, true}, {"weight_decay", 1e-8, 1e-2, true}};
  o.trials = trials;
  o.jobs = jobs;
  o.seed = 11;
  o.settings.network.hidden_sizes = {8, 8};
  o.settings.network.output_size = 3;
  o.settings.trainer.epochs = 4;
  o.settings.trainer.batch_size = 10;
  return o;
}

}  // namespace

TEST_CASE("Log-uniform samples stay in range and are uniform in the exponent", "[search]") {
  scratchnet::Rng rng(5);
  const scratchnet::SearchRange range{"lr", 1e-6, 1e-2, true};
  int per_decade[4] = {0, 0, 0, 0};
  const int n = 20000;
  int outside = 0;
  for (int i = 0; i < n; ++i) {
    const double v = scratchnet::sample(range, rng);
    outside += v < 1e-6 || v > 1e-2;
    const int decade = std::min(3, static_cast<int>(std::floor(std::log10(v) + 6)));
    ++per_decade[decade];
  }
  CHECK(outside == 0);
  for (int count : per_decade) CHECK(std::abs(count / double(n) - 0.25) < 0.02);

  const scratchnet::SearchRange linear{"momentum", 0.5, 0.9, false};
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const double v = scratchnet::sample(linear, rng);
    outside += v < 0.5 || v > 0.9;
    sum += v;
  }
  CHECK(outside == 0);
  CHECK(sum / n == Approx(0.7).epsilon(0.01));
}

TEST_CASE("Bad ranges are rejected with their name", "[search]") {
  CHECK_THROWS_WITH(scratchnet::sample_trials({{"lr", 0.0, 1.0, true}}, 3, 0),
                    Catch::Contains("'lr'") && Catch::Contains("log scale"));
  CHECK_THROWS_WITH(scratchnet::sample_trials({{"wd", 2.0, 1.0, true}}, 3, 0),
                    Catch::Contains("'wd'"));
  CHECK_THROWS_WITH(scratchnet::sample_trials({}, -1, 0), Catch::Contains("trials"));
}

TEST_CASE("Trials are drawn from the seed alone", "[search]") {
  const std::vector<scratchnet::SearchRange> ranges{{"lr", 1e-6, 1e-2, true},
                                                    {"weight_decay", 1e-8, 1e-4, true}};
  const auto a = scratchnet::sample_trials(ranges, 10, 3);
  const auto b = scratchnet::sample_trials(ranges, 10, 3);
  const auto c = scratchnet::sample_trials(ranges, 10, 4);
  REQUIRE(a.size() == 10);
  std::set<std::uint64_t> seeds;
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].index == static_cast<int>(i));
    CHECK(a[i].values == b[i].values);
    CHECK(a[i].network_seed == b[i].network_seed);
    CHECK(a[i].values != c[i].values);
    REQUIRE(a[i].values.size() == 2);
    CHECK(a[i].values[0].first == "lr");
    CHECK(a[i].value("weight_decay") == a[i].values[1].second);
    seeds.insert(a[i].network_seed);
    seeds.insert(a[i].batch_seed);
  }
  CHECK(seeds.size() == 20);
  CHECK_THROWS_WITH(a[0].value("dropout"), Catch::Contains("dropout"));
}

TEST_CASE("Results sort by validation accuracy, diverged last, ties in trial order", "[search]") {
  std::vector<TrialResult> r(5);
  const double accuracy[5] = {0.5, 0.9, 0.5, 0.0, 0.7};
  for (int i = 0; i < 5; ++i) {
    r[static_cast<std::size_t>(i)].trial.index = i;
    r[static_cast<std::size_t>(i)].validation_accuracy = accuracy[i];
  }
  r[3].diverged = true;
  std::swap(r[0], r[2]);  // the input order must not matter for ties
  scratchnet::sort_by_validation_accuracy(r);
  std::vector<int> order;
  for (const TrialResult& t : r) order.push_back(t.trial.index);
  CHECK(order == std::vector<int>{1, 4, 0, 2, 3});
}

TEST_CASE("A search gives the same results with 1, 2 or 3 jobs", "[search]") {
  const Dataset<float> data = search_data(150, 1);
  auto run = [&](int jobs) {
    HyperparameterSearch<float> search(data, small_search(7, jobs));
    std::vector<int> finished;
    search.on_trial_end([&](const TrialResult& r, int done, int total) {
      CHECK(total == 7);
      CHECK(r.history.epochs.size() == 4);
      finished.push_back(done);
    });
    auto results = search.run();
    CHECK(finished == std::vector<int>{1, 2, 3, 4, 5, 6, 7});
    return results;
  };
  const auto one = run(1);
  const auto two = run(2);
  const auto three = run(3);
  REQUIRE(one.size() == 7);
  for (std::size_t i = 0; i < one.size(); ++i) {
    CHECK(one[i].trial.index == two[i].trial.index);
    CHECK(one[i].trial.index == three[i].trial.index);
    CHECK(one[i].validation_accuracy == two[i].validation_accuracy);
    CHECK(one[i].train_accuracy == three[i].train_accuracy);
    CHECK(one[i].history.loss == two[i].history.loss);
    CHECK(one[i].history.loss == three[i].history.loss);
    CHECK(one[i].validation_curve() == two[i].validation_curve());
    if (i > 0) CHECK(one[i - 1].validation_accuracy >= one[i].validation_accuracy);
  }
  // With lr up to 1 on easy data, the best trial learns (chance is 1/3).
  CHECK(one.front().validation_accuracy > 0.6);
  CHECK(one.front().validation_accuracy == one.front().validation_curve().back());
}

TEST_CASE("A search shared by 2 or 3 processes gives the results of one, trial by trial",
          "[search][data_parallel]") {
  const Dataset<float> data = search_data(150, 1);
  const auto alone = HyperparameterSearch<float>(data, small_search(7, 1)).run();
  for (const int processes : {2, 3}) {
    CAPTURE(processes);
    // What each process returns, and the trials each announced.
    std::vector<std::vector<TrialResult>> results(static_cast<std::size_t>(processes));
    std::vector<std::vector<int>> announced(static_cast<std::size_t>(processes));
    scratchnet::test::run_as_processes(processes, [&](scratchnet::Communicator& c) {
      HyperparameterSearchOptions options = small_search(7, 1);
      options.processes = &c;
      HyperparameterSearch<float> search(data, options);
      const auto rank = static_cast<std::size_t>(c.rank());
      search.on_trial_end(
          [&](const TrialResult& r, int, int) { announced[rank].push_back(r.trial.index); });
      results[rank] = search.run();
    });
    for (std::size_t rank = 0; rank < results.size(); ++rank) {
      CHECK(announced[rank].size() == 7);
      REQUIRE(results[rank].size() == alone.size());
      for (std::size_t i = 0; i < alone.size(); ++i) {
        const TrialResult& shared = results[rank][i];
        CHECK(shared.trial.index == alone[i].trial.index);
        CHECK(shared.trial.values == alone[i].trial.values);
        CHECK(shared.validation_accuracy == alone[i].validation_accuracy);
        CHECK(shared.train_accuracy == alone[i].train_accuracy);
        CHECK(shared.history.loss == alone[i].history.loss);
        CHECK(shared.validation_curve() == alone[i].validation_curve());
        CHECK(shared.diverged == alone[i].diverged);
      }
    }
  }
}

TEST_CASE("The search holds out the validation share of the data", "[search]") {
  const Dataset<float> data = search_data(100, 2);
  HyperparameterSearchOptions o = small_search(1, 1);
  o.validation_ratio = 0.3;
  HyperparameterSearch<float> search(data, o);
  CHECK(search.validation_set().size() == 30);
  CHECK(search.train_set().size() == 70);
  // Every sample lands in exactly one part: compare the sums of all pixels.
  const double total = static_cast<double>(data.x.sum());
  const double parts = static_cast<double>(search.train_set().x.sum()) +
                       static_cast<double>(search.validation_set().x.sum());
  CHECK(parts == Approx(total).epsilon(1e-5));

  // A caller's own validation set is used as given.
  HyperparameterSearch<float> given(search_data(50, 3), search_data(20, 4), o);
  CHECK(given.validation_set().size() == 20);
  const TrialResult r = given.run().front();
  CHECK(r.history.epochs.size() == 4);
  CHECK(r.validation_accuracy * 20 == Approx(std::round(r.validation_accuracy * 20)));
}

TEST_CASE("Unknown hyperparameters need an apply function", "[search]") {
  const Dataset<float> data = search_data(60, 5);
  HyperparameterSearchOptions o = small_search(2, 1);
  o.ranges.push_back({"width", 4, 16, false});
  CHECK_THROWS_WITH((HyperparameterSearch<float>(data, o)), Catch::Contains("'width'"));
  o.apply = [](const scratchnet::Trial& trial, scratchnet::TrialSettings& s) {
    s.optimizer_options.lr = trial.value("lr");
    const auto width = static_cast<Index>(trial.value("width"));
    s.network.hidden_sizes = {width};
  };
  HyperparameterSearch<float> search(data, o);
  const auto results = search.run();
  REQUIRE(results.size() == 2);
  CHECK(results[0].history.epochs.size() == 4);
}

TEST_CASE("A diverging trial is reported, ranked last, and does not stop the search", "[search]") {
  const Dataset<float> data = search_data(60, 6);
  HyperparameterSearchOptions o = small_search(3, 2);
  o.ranges = {{"lr", 1e-2, 1e-1, true}};
  o.apply = [](const scratchnet::Trial& trial, scratchnet::TrialSettings& s) {
    // The last trial gets a learning rate that overflows float.
    s.optimizer_options.lr = trial.index == 2 ? 1e30 : trial.value("lr");
  };
  HyperparameterSearch<float> search(data, o);
  const auto results = search.run();
  REQUIRE(results.size() == 3);
  CHECK(results.back().trial.index == 2);
  CHECK(results.back().diverged);
  CHECK_THAT(results.back().error, Catch::Contains("diverged"));
  CHECK_FALSE(results.front().diverged);
}

TEST_CASE("A network builder trains any stack; the recipe's layers by hand give the same trials",
          "[search]") {
  const Dataset<float> data = search_data(120, 4);
  HyperparameterSearch<float> recipe(data, small_search(3, 1));
  const std::vector<TrialResult> expected = recipe.run();

  // The recipe of small_search (8-8 ReLU, He) built as a layer list.
  HyperparameterSearch<float> by_hand(data, small_search(3, 1));
  int built = 0;
  by_hand.build_networks_with([&](const scratchnet::TrialSettings& s) {
    ++built;
    scratchnet::Sequential<float> net(s.network.input_size, s.network.seed);
    scratchnet::add_layers(net, scratchnet::parse_layer_specs("affine(8),relu,affine(8),relu,"
                                                              "affine(3)"));
    net.initialize(scratchnet::WeightInit::he());
    net.set_weight_decay(s.network.weight_decay_lambda);
    return net;
  });
  const std::vector<TrialResult> results = by_hand.run();
  CHECK(built == 3);
  REQUIRE(results.size() == expected.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    CHECK(results[i].trial.index == expected[i].trial.index);
    CHECK(results[i].validation_accuracy == expected[i].validation_accuracy);
    CHECK(results[i].history.loss == expected[i].history.loss);
  }

  // Another stack trains too, and gives other results.
  HyperparameterSearch<float> other(data, small_search(3, 1));
  other.build_networks_with([](const scratchnet::TrialSettings& s) {
    scratchnet::Sequential<float> net(s.network.input_size, s.network.seed);
    scratchnet::add_layers(net, scratchnet::parse_layer_specs("affine(16),tanh,affine(3)"));
    net.initialize(scratchnet::WeightInit::xavier());
    return net;
  });
  const std::vector<TrialResult> tanh_results = other.run();
  REQUIRE(tanh_results.size() == 3);
  CHECK(tanh_results[0].history.loss != expected[0].history.loss);
  CHECK(tanh_results[0].validation_accuracy > 0.5);
}
