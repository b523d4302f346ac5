// The Trainer with a learning-rate schedule, L1 and max-norm: each epoch's
// rate set and recorded, reduce-on-plateau fed the validation loss or else
// the training loss, max-norm after every update, and the run settings that
// name them. Resuming such a run is in test_checkpoint.cpp.
#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <string>
#include <vector>

#include "scratchnet/optimizers/optimizers.hpp"
#include "scratchnet/training/lr_schedule_spec.hpp"
#include "scratchnet/training/trainer.hpp"
#include "support/blobs.hpp"
#include "support/unit_norms.hpp"

using scratchnet::Dataset;

namespace {

struct ScheduleData {
  Dataset<float> train = scratchnet::test::blobs(120, 5, 1.0, 1.5, 21);
  Dataset<float> validation = scratchnet::test::blobs(60, 5, 1.0, 1.5, 22);
  Dataset<float> test = scratchnet::test::blobs(60, 5, 1.0, 1.5, 23);
};

scratchnet::MultiLayerNetOptions schedule_net() {
  scratchnet::MultiLayerNetOptions o;
  o.input_size = 5;
  o.hidden_sizes = {16};
  o.output_size = 3;
  o.seed = 8;
  return o;
}

scratchnet::TrainerOptions schedule_options(int epochs, scratchnet::LearningRateSchedule* s) {
  scratchnet::TrainerOptions o;
  o.epochs = epochs;
  o.batch_size = 20;
  o.seed = 9;
  o.lr_schedule = s;
  return o;
}

std::vector<double> rates_of(const scratchnet::History& history) {
  std::vector<double> rates;
  for (const auto& e : history.epochs) rates.push_back(e.learning_rate);
  return rates;
}

std::string setting_value(const scratchnet::RunSettings& settings, const std::string& name) {
  for (const auto& s : settings) {
    if (s.name == name) return s.value;
  }
  return "(absent)";
}

}  // namespace

TEST_CASE("The Trainer trains each epoch at its scheduled rate and records it",
          "[trainer][lr_schedule]") {
  const ScheduleData d;
  scratchnet::StepDecay halving(2, 0.5);
  scratchnet::MultiLayerNet<float> net(schedule_net());
  scratchnet::SGD<float> sgd(0.4);
  scratchnet::Trainer<float> trainer(net, sgd, d.train, d.test, schedule_options(5, &halving));
  const scratchnet::History history = trainer.train();
  // 0.4 * 0.5^floor((e - 1) / 2) for e = 1..5
  CHECK(rates_of(history) == std::vector<double>{0.4, 0.4, 0.2, 0.2, 0.1});
  CHECK(sgd.learning_rate() == 0.1);
  // The run is its base rate and its schedule, not the last epoch's rate.
  const scratchnet::RunSettings settings = trainer.run_settings();
  CHECK(setting_value(settings, "optimizer.lr") == "0.4");
  CHECK(setting_value(settings, "trainer.lr_schedule") == "step:every=2:gamma=0.5");

  // The rate takes effect: an epoch at cosine warm-up's base * 1 / 2 is,
  // bit for bit, an epoch of plain SGD at half the rate.
  scratchnet::CosineDecay warming(3, 1);
  scratchnet::MultiLayerNet<float> warmed(schedule_net()), halved(schedule_net());
  scratchnet::SGD<float> warm_sgd(0.4), half_sgd(0.2);
  scratchnet::Trainer<float>(warmed, warm_sgd, d.train, d.test, schedule_options(1, &warming))
      .train();
  scratchnet::Trainer<float>(halved, half_sgd, d.train, d.test, schedule_options(1, nullptr))
      .train();
  CHECK(warmed.to_bytes() == halved.to_bytes());
  CHECK(warm_sgd.learning_rate() == 0.2);

  // Without a schedule, the optimizer's rate throughout and no new setting.
  scratchnet::MultiLayerNet<float> plain(schedule_net());
  scratchnet::SGD<float> plain_sgd(0.3);
  scratchnet::Trainer<float> plain_trainer(plain, plain_sgd, d.train, d.test,
                                           schedule_options(2, nullptr));
  CHECK(rates_of(plain_trainer.train()) == std::vector<double>{0.3, 0.3});
  CHECK(setting_value(plain_trainer.run_settings(), "trainer.lr_schedule") == "(absent)");
}

TEST_CASE("Reduce on plateau watches the validation loss, else the training loss",
          "[trainer][lr_schedule][plateau]") {
  const ScheduleData d;
  for (const bool with_validation : {true, false}) {
    INFO("validation set: " << with_validation);
    // patience 1, threshold 0.02: the rate halves after every epoch whose
    // loss is not below the best before it by more than 0.02.
    const double threshold = 0.02;
    scratchnet::ReduceOnPlateau plateau(1, 0.5, threshold);
    scratchnet::MultiLayerNet<float> net(schedule_net());
    scratchnet::Adam<float> adam(0.05);  // large: the losses go up and down
    scratchnet::Trainer<float> trainer(net, adam, d.train, d.test, schedule_options(12, &plateau));
    if (with_validation) trainer.validate_on(d.validation);
    const scratchnet::History history = trainer.train();
    double best = std::numeric_limits<double>::infinity();
    int stalls = 0;
    for (std::size_t e = 0; e + 1 < history.epochs.size(); ++e) {
      const auto& epoch = history.epochs[e];
      const double watched = with_validation ? epoch.validation_loss : epoch.mean_loss;
      const bool improved = watched < best - threshold;
      if (improved) best = watched;
      stalls += improved ? 0 : 1;
      INFO("epoch " << epoch.epoch << " loss " << watched);
      CHECK(history.epochs[e + 1].learning_rate ==
            (improved ? epoch.learning_rate : epoch.learning_rate * 0.5));
    }
    const auto& last = history.epochs.back();
    const double last_watched = with_validation ? last.validation_loss : last.mean_loss;
    if (last_watched < best - threshold) best = last_watched;
    CHECK(stalls > 0);  // the test saw both branches
    CHECK(plateau.best_loss() == best);
  }
}

TEST_CASE("The Trainer applies max-norm after every update", "[trainer][max_norm]") {
  const ScheduleData d;
  auto options = schedule_net();
  options.weight_init = scratchnet::WeightInit(1.0);  // columns start far beyond c
  options.max_norm = 0.75;
  options.l1_lambda = 1e-3;
  scratchnet::MultiLayerNet<float> net(options);
  REQUIRE(scratchnet::test::largest_unit_norm(net) > 0.75);
  scratchnet::Adam<float> adam(0.05);
  scratchnet::Trainer<float> trainer(net, adam, d.train, d.test, schedule_options(3, nullptr));
  double largest = 0;
  trainer.on_iteration([&](scratchnet::Index, scratchnet::Index, double) {
    largest = std::max(largest, scratchnet::test::largest_unit_norm(net));
  });
  trainer.train();
  CHECK(largest <= 0.75);
  const scratchnet::RunSettings settings = trainer.run_settings();
  CHECK(setting_value(settings, "network.max_norm") == "0.75");
  CHECK(setting_value(settings, "network.l1_lambda") == "0.001");
}

TEST_CASE("A schedule that gives a rate of 0 stops training with its name",
          "[trainer][lr_schedule][errors]") {
  const ScheduleData d;
  const auto schedule = scratchnet::parse_lr_schedule("cosine:2");  // min 0 from epoch 3 on
  scratchnet::MultiLayerNet<float> net(schedule_net());
  scratchnet::SGD<float> sgd(0.1);
  scratchnet::Trainer<float> trainer(net, sgd, d.train, d.test,
                                     schedule_options(3, schedule.get()));
  CHECK_THROWS_WITH(trainer.train(),
                    "lr_schedule: cosine:epochs=2:warmup=0:min=0 gives epoch 3 the rate 0, and a "
                    "rate must be > 0");
}
