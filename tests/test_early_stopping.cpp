// Validation and early stopping in the Trainer (training/early_stopping.hpp,
// training/evaluation.hpp): what each epoch records, which weights come
// back, and that checkpoints carry the state.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "scratchnet/optimizers/optimizers.hpp"
#include "scratchnet/training/trainer.hpp"
#include "support/blobs.hpp"
#include "support/temp_dir.hpp"

using scratchnet::Dataset;

namespace {

// Few noisy samples and a wide network: the validation loss falls, then
// rises as the network learns the noise.
struct Overfitting {
  Dataset<float> train = scratchnet::test::blobs(40, 6, 1.3, 1.0, 11);
  Dataset<float> validation = scratchnet::test::blobs(200, 6, 1.3, 1.0, 12);
  Dataset<float> test = scratchnet::test::blobs(200, 6, 1.3, 1.0, 13);

  static scratchnet::MultiLayerNetOptions net_options() {
    scratchnet::MultiLayerNetOptions o;
    o.input_size = 6;
    o.hidden_sizes = {64, 64};
    o.output_size = 3;
    o.seed = 4;
    return o;
  }
  static scratchnet::TrainerOptions options(int epochs, int patience) {
    scratchnet::TrainerOptions o;
    o.epochs = epochs;
    o.batch_size = 10;
    o.seed = 6;
    o.early_stopping = patience;
    return o;
  }
};

struct StoppingOutcome {
  scratchnet::History history;
  std::vector<unsigned char> model;
  bool stopped_early = false;
  int best_epoch = 0;
};

StoppingOutcome train_overfitting(const Overfitting& d, int epochs, int patience,
                                  const std::string& checkpoint = "", int interrupt_after = 0,
                                  bool resume = false) {
  scratchnet::MultiLayerNet<float> net(Overfitting::net_options());
  scratchnet::Adam<float> adam(0.02);
  auto options = Overfitting::options(epochs, patience);
  options.checkpoint_path = checkpoint;
  scratchnet::Trainer<float> trainer(net, adam, d.train, d.test, options);
  trainer.validate_on(d.validation);
  if (resume) trainer.resume(checkpoint);
  if (interrupt_after > 0) {
    trainer.on_epoch_end([&](const scratchnet::EpochRecord& e, const scratchnet::History&) {
      return e.epoch < interrupt_after;
    });
  }
  StoppingOutcome out;
  out.history = trainer.train();
  out.model = net.to_bytes();
  out.stopped_early = trainer.stopped_early();
  out.best_epoch = trainer.best_epoch();
  return out;
}

}  // namespace

TEST_CASE("With a validation set each epoch records its loss and accuracy, not the test's",
          "[trainer][validation]") {
  const Overfitting d;
  scratchnet::MultiLayerNet<float> net(Overfitting::net_options());
  scratchnet::Adam<float> adam(0.02);
  scratchnet::Trainer<float> trainer(net, adam, d.train, d.test, Overfitting::options(3, 0));
  trainer.validate_on(d.validation);
  const scratchnet::History history = trainer.train();
  REQUIRE(history.epochs.size() == 3);
  const scratchnet::EpochRecord& last = history.epochs.back();
  // Of the trained network, asked directly (one pass of all 200 rows).
  CHECK(last.validation_loss ==
        Approx(net.loss(d.validation.x, d.validation.labels, false)).epsilon(1e-6));
  CHECK(last.validation_accuracy == net.accuracy(d.validation.x, d.validation.labels));
  CHECK(std::isnan(last.test_accuracy));
  CHECK(last.learning_rate == Approx(0.02));
  CHECK(history.has_validation());
}

TEST_CASE("Early stopping gives back the best epoch's weights, the bits of a run that ends there",
          "[trainer][validation][early_stopping]") {
  const Overfitting d;
  const int patience = 3;
  const StoppingOutcome stopped = train_overfitting(d, 200, patience);
  REQUIRE(stopped.stopped_early);
  const auto& epochs = stopped.history.epochs;
  REQUIRE(epochs.size() < 200);
  // The best epoch is the one of the lowest validation loss, and the
  // `patience` epochs after it are none of them lower.
  const int best = stopped.best_epoch;
  CHECK(static_cast<int>(epochs.size()) == best + patience);
  for (const scratchnet::EpochRecord& e : epochs) {
    CHECK(e.validation_loss >= epochs[static_cast<std::size_t>(best - 1)].validation_loss);
  }
  const StoppingOutcome exactly = train_overfitting(d, best, 0);
  CHECK_FALSE(exactly.stopped_early);
  CHECK(exactly.model == stopped.model);
}

TEST_CASE("A checkpoint carries early stopping: the resumed run stops where the other does",
          "[trainer][early_stopping][checkpoint]") {
  const Overfitting d;
  const scratchnet::test::TempDir dir;
  const StoppingOutcome straight = train_overfitting(d, 200, 3);
  REQUIRE(straight.stopped_early);
  // Interrupted one epoch after the best: its weights are in the checkpoint
  // only as early stopping's copy.
  const std::string checkpoint = dir.file("run.ckpt");
  train_overfitting(d, 200, 3, checkpoint, straight.best_epoch + 1);
  const StoppingOutcome resumed = train_overfitting(d, 200, 3, checkpoint, 0, true);
  CHECK(resumed.stopped_early);
  CHECK(resumed.best_epoch == straight.best_epoch);
  CHECK(resumed.model == straight.model);
  CHECK(resumed.history.epochs.size() == straight.history.epochs.size());
  // Resumed once more after it stopped: nothing more to train, the same model.
  const StoppingOutcome again = train_overfitting(d, 200, 3, dir.file("run.ckpt"), 0, true);
  CHECK(again.model == straight.model);
}

TEST_CASE("Early stopping needs a validation set and a patience >= 0",
          "[trainer][early_stopping][errors]") {
  const Overfitting d;
  scratchnet::MultiLayerNet<float> net(Overfitting::net_options());
  scratchnet::Adam<float> adam;
  scratchnet::Trainer<float> without_validation(net, adam, d.train, d.test,
                                                Overfitting::options(2, 2));
  CHECK_THROWS_WITH(without_validation.train(),
                    Catch::Contains("early_stopping") && Catch::Contains("validation set"));
  CHECK_THROWS_WITH(
      scratchnet::Trainer<float>(net, adam, d.train, d.test, Overfitting::options(2, -1)),
      Catch::Contains("early_stopping") && Catch::Contains("-1"));
}
