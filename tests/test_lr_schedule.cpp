// Learning-rate schedules: each formula against rates worked out by hand,
// reduce-on-plateau's state machine step by step and its saved state, the
// text form and its refusals, and set_learning_rate of every update rule
// against a first and second step computed by hand.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "scratchnet/optimizers/optimizers.hpp"
#include "scratchnet/training/lr_schedule.hpp"
#include "scratchnet/training/lr_schedule_spec.hpp"
#include "scratchnet/training/scheduled_rate.hpp"

namespace {

namespace sn = scratchnet;
using Catch::Matchers::Equals;

const double kPi = std::acos(-1.0);

// The message of the std::invalid_argument that parsing text throws.
std::string schedule_refusal(const std::string& text) {
  try {
    sn::parse_lr_schedule(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

// One parameter W = 1 with the constant gradient 0.5.
struct OneWeight {
  sn::Matrix<double> value = sn::Matrix<double>::Constant(1, 1, 1.0);
  sn::Matrix<double> grad = sn::Matrix<double>::Constant(1, 1, 0.5);
  sn::ParamList<double> params{{"W", &value, &grad}};
};

}  // namespace

TEST_CASE("Step decay halves the rate every 3 epochs", "[lr_schedule]") {
  const sn::StepDecay step(3, 0.5);
  // rate = 0.1 * 0.5^floor((e - 1) / 3)
  CHECK(step.rate(1, 0.1) == 0.1);
  CHECK(step.rate(3, 0.1) == 0.1);
  CHECK(step.rate(4, 0.1) == Approx(0.05));
  CHECK(step.rate(6, 0.1) == Approx(0.05));
  CHECK(step.rate(7, 0.1) == Approx(0.025));
  CHECK(step.rate(10, 0.1) == Approx(0.0125));
}

TEST_CASE("Exponential decay multiplies by gamma every epoch", "[lr_schedule]") {
  const sn::ExponentialDecay exponential(0.9);
  CHECK(exponential.rate(1, 0.2) == 0.2);
  CHECK(exponential.rate(2, 0.2) == Approx(0.2 * 0.9));
  CHECK(exponential.rate(3, 0.2) == Approx(0.162));
  CHECK(exponential.rate(5, 0.2) == Approx(0.2 * 0.9 * 0.9 * 0.9 * 0.9));
}

TEST_CASE("Cosine decay warms up linearly, then follows half a cosine", "[lr_schedule]") {
  // 10 epochs, 2 of warm-up, min 0.01, base 0.1: the cosine spans T = 8.
  const sn::CosineDecay cosine(10, 2, 0.01);
  CHECK(cosine.rate(1, 0.1) == Approx(0.1 / 3));
  CHECK(cosine.rate(2, 0.1) == Approx(0.2 / 3));
  CHECK(cosine.rate(3, 0.1) == Approx(0.1));  // t = 0
  // t = 2: cos(pi/4) = sqrt(2)/2
  CHECK(cosine.rate(5, 0.1) == Approx(0.01 + 0.09 * (1 + std::sqrt(2.0) / 2) / 2));
  CHECK(cosine.rate(7, 0.1) == Approx(0.01 + 0.09 / 2));  // t = 4: cos(pi/2) = 0
  // t = 7: cos(7 pi / 8) = -cos(pi / 8)
  CHECK(cosine.rate(10, 0.1) == Approx(0.01 + 0.09 * (1 - std::cos(kPi / 8)) / 2));
  CHECK(cosine.rate(11, 0.1) == 0.01);
  CHECK(cosine.rate(500, 0.1) == 0.01);

  // No warm-up, min 0: 1, (1 + cos(pi/4))/2, 1/2, (1 - cos(pi/4))/2; never 0.
  const sn::CosineDecay plain(4);
  CHECK(plain.rate(1, 1.0) == 1.0);
  CHECK(plain.rate(2, 1.0) == Approx(0.8535533906));
  CHECK(plain.rate(3, 1.0) == Approx(0.5));
  CHECK(plain.rate(4, 1.0) == Approx(0.1464466094));
}

TEST_CASE("Constant keeps the base rate", "[lr_schedule]") {
  const sn::ConstantRate constant;
  CHECK(constant.rate(1, 0.3) == 0.3);
  CHECK(constant.rate(1000, 0.3) == 0.3);
}

TEST_CASE("Reduce on plateau, step by step", "[lr_schedule][plateau]") {
  sn::ReduceOnPlateau plateau(2, 0.5, 0.1, 0.02);
  const double base = 0.1;
  CHECK(plateau.rate(1, base) == base);
  plateau.observe(1.0);  // first loss: the best
  CHECK(plateau.best_loss() == 1.0);
  CHECK(plateau.epochs_without_improvement() == 0);
  plateau.observe(0.95);  // not below 1.0 - 0.1
  CHECK(plateau.epochs_without_improvement() == 1);
  CHECK(plateau.rate(3, base) == base);
  plateau.observe(0.85);  // below 0.9: improves, the count restarts
  CHECK(plateau.best_loss() == 0.85);
  CHECK(plateau.epochs_without_improvement() == 0);
  plateau.observe(0.80);  // not below 0.75
  plateau.observe(0.79);  // the second in a row: halve
  CHECK(plateau.reductions() == 1);
  CHECK(plateau.epochs_without_improvement() == 0);
  CHECK(plateau.rate(6, base) == Approx(0.05));
  CHECK(plateau.best_loss() == 0.85);
  plateau.observe(0.70);  // below 0.75
  CHECK(plateau.best_loss() == 0.70);
  plateau.observe(0.70);
  CHECK(plateau.rate(8, base) == Approx(0.05));  // one epoch is not yet patience 2
  plateau.observe(0.70);
  CHECK(plateau.rate(9, base) == Approx(0.025));
  plateau.observe(0.70);
  plateau.observe(0.70);  // 0.0125 would be below min 0.02
  CHECK(plateau.reductions() == 3);
  CHECK(plateau.rate(11, base) == 0.02);
  plateau.observe(std::numeric_limits<double>::quiet_NaN());  // no improvement
  CHECK(plateau.epochs_without_improvement() == 1);
  // A base rate already below the minimum is kept, not raised.
  CHECK(plateau.rate(12, 0.01) == 0.01);
}

TEST_CASE("Reduce on plateau's state is named numbers that resume it exactly",
          "[lr_schedule][plateau]") {
  sn::ReduceOnPlateau first(3, 0.5);
  for (double loss : {1.0, 0.9, 0.95, 0.96, 0.97, 0.99}) first.observe(loss);
  const sn::NamedNumbers saved = first.state();
  CHECK(saved ==
        sn::NamedNumbers{{"best_loss", 0.9}, {"epochs_without_improvement", 1}, {"reductions", 1}});

  sn::ReduceOnPlateau resumed(3, 0.5);
  resumed.set_state(saved);
  for (double loss : {0.98, 0.97, 0.5, 0.6}) {
    first.observe(loss);
    resumed.observe(loss);
    CHECK(resumed.state() == first.state());
    CHECK(resumed.rate(1, 0.1) == first.rate(1, 0.1));
  }

  sn::ReduceOnPlateau target(3, 0.5);
  const auto refusal = [&](const sn::NamedNumbers& state) {
    try {
      target.set_state(state);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK_THAT(
      refusal(
          {{"best_loss", 1}, {"epochs_without_improvement", 0}, {"reductions", 0}, {"wait", 1}}),
      Equals("lr_schedule state: plateau keeps best_loss, epochs_without_improvement and "
             "reductions, got 'wait'"));
  CHECK_THAT(refusal({{"epochs_without_improvement", 0}, {"reductions", 0}}),
             Equals("lr_schedule state: best_loss is missing or NaN"));
  CHECK_THAT(refusal({{"best_loss", 1}, {"epochs_without_improvement", 3}, {"reductions", 0}}),
             Equals("lr_schedule state: epochs_without_improvement must be a whole number in "
                    "[0, patience), got 3"));
  CHECK_THAT(refusal({{"best_loss", 1}, {"epochs_without_improvement", 0}, {"reductions", 1.5}}),
             Equals("lr_schedule state: reductions must be a whole number >= 0, got 1.5"));
  CHECK(target.reductions() == 0);  // nothing changed by a refused state
  CHECK_THROWS_WITH(sn::StepDecay(2, 0.5).set_state({{"reductions", 1}}),
                    "lr_schedule state: step keeps none, got 'reductions'");
}

TEST_CASE("Schedules from their text form", "[lr_schedule][spec]") {
  CHECK(sn::to_string(*sn::parse_lr_schedule("constant")) == "constant");
  CHECK(sn::to_string(*sn::parse_lr_schedule("step:10:0.5")) == "step:every=10:gamma=0.5");
  CHECK(sn::to_string(*sn::parse_lr_schedule("step:gamma=0.5:every=10")) ==
        "step:every=10:gamma=0.5");
  CHECK(sn::to_string(*sn::parse_lr_schedule("exponential:0.95")) == "exponential:gamma=0.95");
  CHECK(sn::to_string(*sn::parse_lr_schedule("cosine:50")) == "cosine:epochs=50:warmup=0:min=0");
  CHECK(sn::to_string(*sn::parse_lr_schedule("cosine:50:warmup=5:min=1e-5")) ==
        "cosine:epochs=50:warmup=5:min=1e-05");
  CHECK(sn::to_string(*sn::parse_lr_schedule("cosine:50:5")) == "cosine:epochs=50:warmup=5:min=0");
  CHECK(sn::to_string(*sn::parse_lr_schedule("plateau")) ==
        "plateau:patience=3:factor=0.5:threshold=0.0001:min=0");
  CHECK(sn::to_string(*sn::parse_lr_schedule("plateau:patience=2:factor=0.1")) ==
        "plateau:patience=2:factor=0.1:threshold=0.0001:min=0");
  // The text a schedule writes reads back to the same schedule.
  for (const char* text : {"step:4:0.25", "cosine:7:warmup=2:min=0.001", "plateau:5:0.3:0.01"}) {
    const std::string written = sn::to_string(*sn::parse_lr_schedule(text));
    CHECK(sn::to_string(*sn::parse_lr_schedule(written)) == written);
  }
  // The parsed schedule computes: step:2:0.5 at epoch 3 is 0.1 * 0.5.
  CHECK(sn::parse_lr_schedule("step:2:0.5")->rate(3, 0.1) == Approx(0.05));
}

TEST_CASE("A bad schedule text names the setting and the fault", "[lr_schedule][spec]") {
  CHECK_THAT(schedule_refusal("linear"),
             Equals("lr_schedule: unknown schedule 'linear' (known: constant, step, exponential, "
                    "cosine, plateau)"));
  CHECK_THAT(schedule_refusal(""), Equals("lr_schedule: unknown schedule '' (known: constant, "
                                          "step, exponential, cosine, plateau)"));
  CHECK_THAT(schedule_refusal("step:10"),
             Equals("lr_schedule: step: missing setting 'gamma' (step:EVERY:GAMMA)"));
  CHECK_THAT(
      schedule_refusal("step:10:0.5:3"),
      Equals(
          "lr_schedule: step: takes at most 2 settings, got '3' beyond them (step:EVERY:GAMMA)"));
  CHECK_THAT(
      schedule_refusal("step:gamma=0.5:10"),
      Equals("lr_schedule: step: setting 2 ('10') has no name, but a named one came before it "
             "(step:EVERY:GAMMA)"));
  CHECK_THAT(schedule_refusal("cosine:50:warmup=5:warmup=3"),
             Equals("lr_schedule: cosine: setting 'warmup' given twice"));
  CHECK_THAT(schedule_refusal("cosine:abc"),
             Equals("lr_schedule: cosine: epochs: expected a number, got 'abc'"));
  CHECK_THAT(schedule_refusal("cosine:"),
             Equals("lr_schedule: cosine: epochs: expected a number, got ''"));
  CHECK_THAT(
      schedule_refusal("cosine:50:size=3"),
      Equals("lr_schedule: cosine: unknown setting 'size' (cosine:EPOCHS[:warmup=W][:min=M])"));
  CHECK_THAT(schedule_refusal("step:2.5:0.5"),
             Equals("lr_schedule: step: argument 'every': must be a whole number in [1, "
                    "2147483647], got 2.5"));
  CHECK_THAT(schedule_refusal("exponential:1.5"),
             Equals("lr_schedule: exponential: gamma: must be in (0, 1], got 1.5"));
  CHECK_THAT(schedule_refusal("exponential:-0.5"),
             Equals("lr_schedule: exponential: gamma: must be in (0, 1], got -0.5"));
  CHECK_THAT(
      schedule_refusal("cosine:5:warmup=5"),
      Equals(
          "lr_schedule: cosine: warmup: must be a whole number >= 0 and below epochs (5), got 5"));
  CHECK_THAT(schedule_refusal("cosine:5:min=-1"),
             Equals("lr_schedule: cosine: min: must be a finite number >= 0, got -1"));
  CHECK_THAT(schedule_refusal("plateau:factor=1"),
             Equals("lr_schedule: plateau: factor: must be in (0, 1), got 1"));
  CHECK_THAT(
      schedule_refusal("plateau:patience=0"),
      Equals(
          "lr_schedule: plateau: argument 'patience': must be a whole number in [1, 2147483647], "
          "got 0"));
  CHECK_THAT(schedule_refusal("plateau:threshold=nan"),
             Equals("lr_schedule: plateau: threshold: must be a finite number >= 0, got nan"));
}

TEST_CASE("set_learning_rate changes the next step of every update rule",
          "[lr_schedule][optimizers]") {
  // W = 1, g = 0.5, the rate raised from 0.1 to 0.2 before the first step.
  // The first step of each rule from zero state, by hand:
  //   SGD       W = 1 - 0.2 * 0.5                                  = 0.9
  //   Momentum  v = -0.2 * 0.5, W = 1 + v                          = 0.9
  //   Nesterov  W = 1 + 0.81 * 0 - 1.9 * 0.2 * 0.5                 = 0.81
  //   AdaGrad   h = 0.25, W = 1 - 0.2 * 0.5 / (0.5 + 1e-7)
  //   RMSProp   h = 0.01 * 0.25, W = 1 - 0.2 * 0.5 / (0.05 + 1e-7)
  //   Adam      m = 0.05, v = 0.00025, lr_t = 0.2 sqrt(0.001) / 0.1,
  //             W = 1 - lr_t * 0.05 / (sqrt(0.00025) + 1e-7)
  const double adam_step = 0.2 * std::sqrt(0.001) / 0.1 * 0.05 / (std::sqrt(0.00025) + 1e-7);
  const std::vector<std::pair<std::string, double>> expected{
      {"sgd", 0.9},
      {"momentum", 0.9},
      {"nesterov", 0.81},
      {"adagrad", 1 - 0.2 * 0.5 / (0.5 + 1e-7)},
      {"rmsprop", 1 - 0.2 * 0.5 / (0.05 + 1e-7)},
      {"adam", 1 - adam_step}};
  for (const auto& [name, after] : expected) {
    INFO(name);
    sn::OptimizerOptions options;
    options.lr = 0.1;
    auto rule = sn::make_optimizer<double>(name, options);
    rule->set_learning_rate(0.2);
    CHECK(rule->learning_rate() == 0.2);
    CHECK(rule->hyperparameters().front() == std::make_pair(std::string("lr"), 0.2));
    OneWeight w;
    rule->update(w.params);
    CHECK(w.value(0, 0) == Approx(after).epsilon(1e-12));
  }
}

TEST_CASE("Adam's bias-corrected step follows a rate changed mid-run",
          "[lr_schedule][optimizers]") {
  // Step 1 at lr 0.1: m = 0.05, v = 0.00025, lr_t = 0.1 sqrt(1 - 0.999) / (1 - 0.9).
  // Step 2 at lr 0.2: m = 0.05 + 0.1 (0.5 - 0.05) = 0.095,
  //                   v = 0.00025 + 0.001 (0.25 - 0.00025) = 0.00049975,
  //                   lr_t = 0.2 sqrt(1 - 0.999^2) / (1 - 0.9^2).
  const double step1 = 0.1 * std::sqrt(1 - 0.999) / (1 - 0.9) * 0.05 / (std::sqrt(0.00025) + 1e-7);
  const double step2 =
      0.2 * std::sqrt(1 - 0.999 * 0.999) / (1 - 0.81) * 0.095 / (std::sqrt(0.00049975) + 1e-7);
  sn::Adam<double> adam(0.1);
  OneWeight w;
  adam.update(w.params);
  CHECK(w.value(0, 0) == Approx(1 - step1).epsilon(1e-12));
  adam.set_learning_rate(0.2);
  adam.update(w.params);
  CHECK(w.value(0, 0) == Approx(1 - step1 - step2).epsilon(1e-12));
}

TEST_CASE("A scheduled rate sets each epoch's rate and keeps the run's base rate",
          "[lr_schedule][scheduled_rate]") {
  sn::StepDecay halving(2, 0.5);
  sn::SGD<double> sgd(0.4);
  sn::ScheduledRate scheduled(&halving, sgd.learning_rate());
  CHECK(scheduled.start_epoch(1, sgd) == 0.4);
  CHECK(scheduled.start_epoch(3, sgd) == Approx(0.2));  // 0.4 * 0.5^floor(2 / 2)
  CHECK(sgd.learning_rate() == Approx(0.2));
  // The run is the base rate and the schedule, whatever the rate now.
  sn::RunSettings settings;
  sn::add_optimizer_settings(settings, sgd);
  scheduled.describe(settings);
  REQUIRE(settings.size() == 3);
  CHECK(settings[1].name == "optimizer.lr");
  CHECK(settings[1].value == "0.4");
  CHECK(settings[2].name == "trainer.lr_schedule");
  CHECK(settings[2].value == "step:every=2:gamma=0.5");

  // Without a schedule nothing changes: not the rate, not the settings.
  sn::ScheduledRate none(nullptr, 0.4);
  CHECK(none.start_epoch(5, sgd) == Approx(0.2));
  sn::RunSettings plain;
  sn::add_optimizer_settings(plain, sgd);
  const sn::RunSettings before = plain;
  none.describe(plain);
  CHECK(plain.size() == before.size());
  CHECK(plain[1].value == before[1].value);
  sn::PolicyState with_reductions;
  with_reductions.numbers["lr_schedule.reductions"] = 1;
  with_reductions.numbers["early_stopping.best_epoch"] = 2;
  CHECK(none.load(with_reductions) ==
        "it holds a learning-rate schedule's state, and this training has no schedule");
  sn::PolicyState others_only;
  others_only.numbers["early_stopping.best_epoch"] = 2;
  CHECK(none.load(others_only).empty());

  // A schedule that gives no usable rate is refused by name.
  sn::CosineDecay to_zero(3);
  sn::ScheduledRate past_the_end(&to_zero, 0.1);
  CHECK_THROWS_WITH(past_the_end.start_epoch(4, sgd),
                    "lr_schedule: cosine:epochs=3:warmup=0:min=0 gives epoch 4 the rate 0, and a "
                    "rate must be > 0");
  CHECK_THROWS_WITH(sn::ScheduledRate(&to_zero, -1),
                    "lr: must be a finite positive number, got -1");
}

TEST_CASE("A scheduled rate passes the monitored loss to plateau and carries its state",
          "[lr_schedule][scheduled_rate]") {
  sn::ReduceOnPlateau plateau(1, 0.1);
  sn::Adam<float> adam(0.01);
  sn::ScheduledRate scheduled(&plateau, 0.01);
  scheduled.start_epoch(1, adam);
  scheduled.end_epoch(2.0);  // the best so far
  CHECK(scheduled.start_epoch(2, adam) == 0.01);
  scheduled.end_epoch(2.5);  // worse, and patience is 1: 0.01 * 0.1
  CHECK(scheduled.start_epoch(3, adam) == Approx(0.001));
  CHECK(adam.learning_rate() == Approx(0.001));
  sn::PolicyState saved;
  saved.numbers["early_stopping.best_loss"] = 7;  // another policy's, left alone
  scheduled.save(saved);
  CHECK(saved.numbers.at("lr_schedule.best_loss") == 2.0);
  CHECK(saved.numbers.at("lr_schedule.reductions") == 1);
  CHECK(saved.numbers.size() == 4);

  sn::ReduceOnPlateau fresh(1, 0.1);
  sn::ScheduledRate resumed(&fresh, 0.01);
  CHECK(resumed.load(saved).empty());
  sn::Adam<float> other(0.01);
  CHECK(resumed.start_epoch(3, other) == scheduled.start_epoch(3, adam));

  sn::PolicyState broken = saved;
  broken.numbers["lr_schedule.reductions"] = -1;
  sn::ReduceOnPlateau untouched(1, 0.1);
  sn::ScheduledRate refusing(&untouched, 0.01);
  CHECK(refusing.load(broken) ==
        "its learning-rate schedule's state: lr_schedule state: reductions must be a whole number "
        ">= 0, got -1");
  CHECK(untouched.reductions() == 0);
}
