// Checkpoints: resuming gives bit-identical parameters to an uninterrupted
// run, at an epoch boundary and in the middle of an epoch; a mismatched or
// broken checkpoint is refused; a model file survives SIGKILL during saves.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "scratchnet/optimizers/optimizers.hpp"
#include "scratchnet/training/trainer.hpp"
#include "support/bytes.hpp"
#include "support/model_bytes.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using scratchnet::Dataset;
using scratchnet::Index;
using scratchnet::test::Bytes;
using scratchnet::test::TempDir;

namespace {

Dataset<float> noisy_classes(Index n, std::uint64_t seed) {
  scratchnet::Rng rng(seed);
  Dataset<float> d{scratchnet::Matrix<float>(n, 8), scratchnet::Labels(n)};
  for (Index i = 0; i < n; ++i) {
    d.labels(i) = static_cast<int>(rng.below(4));
    for (Index j = 0; j < 8; ++j) {
      d.x(i, j) = static_cast<float>(rng.normal() + (j % 4 == d.labels(i) ? 1.5 : 0.0));
    }
  }
  return d;
}

// Batch norm, dropout and Adam: every kind of state a checkpoint must carry.
scratchnet::MultiLayerNetOptions stateful_net() {
  scratchnet::MultiLayerNetOptions o;
  o.input_size = 8;
  o.hidden_sizes = {12, 12};
  o.output_size = 4;
  o.use_batchnorm = true;
  o.dropout_ratio = 0.2;
  o.seed = 5;
  return o;
}

scratchnet::TrainerOptions four_epochs() {
  scratchnet::TrainerOptions o;
  o.epochs = 4;
  o.batch_size = 16;
  o.seed = 6;
  return o;
}

// One epoch of the stateful network with Adam, checkpointed to path.
void write_one_epoch_checkpoint(const std::string& path, const Dataset<float>& train,
                                const Dataset<float>& test) {
  scratchnet::MultiLayerNet<float> net(stateful_net());
  scratchnet::Adam<float> adam;
  auto options = four_epochs();
  options.epochs = 1;
  options.checkpoint_path = path;
  scratchnet::Trainer<float>(net, adam, train, test, options).train();
}

void require_same_parameters(const scratchnet::MultiLayerNet<float>& a,
                             const scratchnet::MultiLayerNet<float>& b) {
  for (std::size_t i = 0; i < a.params().size(); ++i) {
    INFO(a.params()[i].name);
    REQUIRE(*a.params()[i].value == *b.params()[i].value);
  }
  for (std::size_t i = 0; i < a.buffers().size(); ++i) {
    REQUIRE(*a.buffers()[i].value == *b.buffers()[i].value);
  }
}

}  // namespace

TEST_CASE("Resuming from a checkpoint gives bit-identical training", "[checkpoint]") {
  const TempDir dir;
  const auto train = noisy_classes(200, 1), test = noisy_classes(40, 2);

  scratchnet::MultiLayerNet<float> straight(stateful_net());
  scratchnet::Adam<float> straight_adam;
  scratchnet::Trainer<float> straight_trainer(straight, straight_adam, train, test, four_epochs());
  const auto straight_history = straight_trainer.train();

  SECTION("stopped after epoch 2") {
    scratchnet::MultiLayerNet<float> first(stateful_net());
    scratchnet::Adam<float> first_adam;
    auto options = four_epochs();
    options.epochs = 2;
    options.checkpoint_path = dir.file("run.ckpt");
    scratchnet::Trainer<float>(first, first_adam, train, test, options).train();

    scratchnet::MultiLayerNet<float> resumed(stateful_net());
    scratchnet::Adam<float> resumed_adam;
    scratchnet::Trainer<float> trainer(resumed, resumed_adam, train, test, four_epochs());
    trainer.resume(dir.file("run.ckpt"));
    CHECK(trainer.progress().epochs_done == 2);
    const auto history = trainer.train();
    require_same_parameters(straight, resumed);
    CHECK(history.loss == straight_history.loss);
    CHECK(history.epochs.size() == 4);
    CHECK(resumed.to_bytes() == straight.to_bytes());
  }

  SECTION("stopped by request in the middle of epoch 3, or after its last batch") {
    const bool after_last_batch = GENERATE(false, true);
    const Index stop_after = after_last_batch ? straight_trainer.iterations_per_epoch() : 5;
    std::atomic<bool> stop{false};
    scratchnet::MultiLayerNet<float> first(stateful_net());
    scratchnet::Adam<float> first_adam;
    auto options = four_epochs();
    options.checkpoint_path = dir.file("stop.ckpt");
    options.stop_request = &stop;
    scratchnet::Trainer<float> interrupted(first, first_adam, train, test, options);
    interrupted.on_iteration([&](Index done, Index, double) {
      if (interrupted.progress().epochs_done == 2 && done == stop_after) stop = true;
    });
    interrupted.train();
    REQUIRE(interrupted.stopped());
    CHECK(interrupted.progress().iterations_done == stop_after);

    scratchnet::MultiLayerNet<float> resumed(stateful_net());
    scratchnet::Adam<float> resumed_adam;
    scratchnet::Trainer<float> trainer(resumed, resumed_adam, train, test, four_epochs());
    trainer.resume(dir.file("stop.ckpt"));
    const auto history = trainer.train();
    CHECK_FALSE(trainer.stopped());
    require_same_parameters(straight, resumed);
    CHECK(history.loss == straight_history.loss);
  }
}

// A run whose every epoch depends on the last: the plateau schedule reads the
// validation loss, L1 and max-norm shape every update.
struct ScheduledRun {
  scratchnet::ReduceOnPlateau plateau{1, 0.5, 0};
  scratchnet::MultiLayerNet<float> net{options()};
  scratchnet::Adam<float> adam{0.02};

  static scratchnet::MultiLayerNetOptions options() {
    scratchnet::MultiLayerNetOptions o = stateful_net();
    o.l1_lambda = 1e-3;
    o.max_norm = 1.0;
    return o;
  }
  scratchnet::TrainerOptions trainer_options(int epochs) {
    scratchnet::TrainerOptions o = four_epochs();
    o.epochs = epochs;
    o.lr_schedule = &plateau;
    return o;
  }
};

TEST_CASE("A run with a plateau schedule, L1 and max-norm resumes bit-identically",
          "[checkpoint][lr_schedule]") {
  const TempDir dir;
  const auto train = noisy_classes(200, 1), test = noisy_classes(40, 2),
             validation = noisy_classes(60, 7);
  ScheduledRun straight;
  scratchnet::Trainer<float> straight_trainer(straight.net, straight.adam, train, test,
                                              straight.trainer_options(6));
  straight_trainer.validate_on(validation);
  const auto straight_history = straight_trainer.train();
  REQUIRE(straight.plateau.reductions() > 0);  // the schedule did change the rate

  // Stopped after an epoch (its last batch) or in the middle of one.
  const Index stop_after = GENERATE(Index{12}, Index{5});
  std::atomic<bool> stop{false};
  ScheduledRun first;
  auto options = first.trainer_options(6);
  options.checkpoint_path = dir.file("scheduled.ckpt");
  options.stop_request = &stop;
  scratchnet::Trainer<float> interrupted(first.net, first.adam, train, test, options);
  interrupted.validate_on(validation);
  interrupted.on_iteration([&](Index done, Index, double) {
    if (interrupted.progress().epochs_done == 3 && done == stop_after) stop = true;
  });
  interrupted.train();
  REQUIRE(interrupted.stopped());

  ScheduledRun resumed;
  scratchnet::Trainer<float> trainer(resumed.net, resumed.adam, train, test,
                                     resumed.trainer_options(6));
  trainer.validate_on(validation);
  trainer.resume(dir.file("scheduled.ckpt"));
  CHECK(resumed.plateau.state() == first.plateau.state());
  const auto history = trainer.train();
  require_same_parameters(straight.net, resumed.net);
  CHECK(resumed.net.to_bytes() == straight.net.to_bytes());
  CHECK(history.loss == straight_history.loss);
  REQUIRE(history.epochs.size() == straight_history.epochs.size());
  for (std::size_t e = 0; e < history.epochs.size(); ++e) {
    CHECK(history.epochs[e].learning_rate == straight_history.epochs[e].learning_rate);
  }
  CHECK(resumed.plateau.state() == straight.plateau.state());
  CHECK(resumed.adam.learning_rate() == straight.adam.learning_rate());

  // Under another schedule, or none, it is refused by name.
  scratchnet::StepDecay step(2, 0.5);
  ScheduledRun other;
  auto other_options = other.trainer_options(6);
  for (scratchnet::LearningRateSchedule* schedule :
       {static_cast<scratchnet::LearningRateSchedule*>(&step),
        static_cast<scratchnet::LearningRateSchedule*>(nullptr)}) {
    other_options.lr_schedule = schedule;
    scratchnet::Trainer<float> refusing(other.net, other.adam, train, test, other_options);
    refusing.validate_on(validation);
    try {
      refusing.resume(dir.file("scheduled.ckpt"));
      FAIL("resumed");
    } catch (const scratchnet::CheckpointMismatch& e) {
      CHECK(e.setting() == "trainer.lr_schedule");
      CHECK(e.saved_value() == "plateau:patience=1:factor=0.5:threshold=0:min=0");
      CHECK(e.current_value() == (schedule ? "step:every=2:gamma=0.5" : "none"));
    }
  }
}

TEST_CASE("A checkpoint of another network, optimizer or a broken file is refused",
          "[checkpoint][errors]") {
  const TempDir dir;
  const auto train = noisy_classes(64, 3), test = noisy_classes(16, 4);
  write_one_epoch_checkpoint(dir.file("a.ckpt"), train, test);
  scratchnet::Adam<float> adam;

  auto other_options = stateful_net();
  other_options.hidden_sizes = {12, 13};
  scratchnet::MultiLayerNet<float> other(other_options);
  scratchnet::Trainer<float> other_trainer(other, adam, train, test, four_epochs());
  CHECK_THROWS_WITH(
      other_trainer.resume(dir.file("a.ckpt")),
      dir.file("a.ckpt") + ": was made with network.sizes 8-12-12-4, this training has 8-12-13-4");

  scratchnet::MultiLayerNet<float> same(stateful_net());
  scratchnet::SGD<float> sgd;
  scratchnet::Trainer<float> sgd_trainer(same, sgd, train, test, four_epochs());
  CHECK_THROWS_WITH(sgd_trainer.resume(dir.file("a.ckpt")),
                    Catch::Contains("was made with optimizer Adam, this training has SGD"));

  std::string bytes;
  {
    std::ifstream in(dir.file("a.ckpt"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
  std::ofstream(dir.file("b.ckpt"), std::ios::binary) << bytes;
  scratchnet::Adam<float> adam2;
  scratchnet::Trainer<float> trainer(same, adam2, train, test, four_epochs());
  CHECK_THROWS_AS(trainer.resume(dir.file("b.ckpt")), scratchnet::ModelFormatError);
  CHECK_THROWS_WITH(trainer.resume(dir.file("b.ckpt")), Catch::Contains("checksum"));
  CHECK_THROWS_WITH(trainer.resume(dir.file("missing.ckpt")), Catch::Contains("missing.ckpt"));
}

TEST_CASE("A model file killed during saves always loads", "[checkpoint][faults]") {
  // A child saves two alternating models to one path as fast as it can; the
  // parent kills it with SIGKILL at random moments, 200 times, and each time
  // the file must load as one of the two models, never as a broken file.
  const TempDir dir;
  const std::string path = dir.file("model.bin");
  auto options = stateful_net();
  scratchnet::MultiLayerNet<float> even(options);
  options.seed = 99;
  scratchnet::MultiLayerNet<float> odd(options);
  even.save(path);
  const auto even_bytes = even.to_bytes(), odd_bytes = odd.to_bytes();

  scratchnet::Rng rng(7);
  int loaded = 0;
  for (int round = 0; round < 200; ++round) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      for (long i = 0;; ++i) (i % 2 == 0 ? odd : even).save(path);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng.below(3000)));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    const auto model = scratchnet::MultiLayerNet<float>::load(path);
    const auto bytes = model.to_bytes();
    const bool whole = bytes == even_bytes || bytes == odd_bytes;
    if (!whole) FAIL("round " << round << ": the file loads as neither model");
    ++loaded;
  }
  CHECK(loaded == 200);
  // Killed saves leave temporary files behind, never a broken model.
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    CHECK((name == "model.bin" || name.rfind("model.bin.tmp.", 0) == 0));
  }
}

// ======================================================= fuzzing regressions
//
// What fuzz/fuzz_checkpoint.cpp found (scripts/fuzz.sh checkpoint): files
// that loaded and resumed, after which training stopped at the next update or
// batch with a std::invalid_argument that did not name the file, or (the
// progress overflow) ran into undefined behaviour. resume() now refuses each
// with a ModelFormatError naming the file and the fault, before it changes
// anything (training/checkpoint_fit.hpp).

namespace {

// Checkpoints of stateful_net() with Adam, each written to path with one
// fault, and what resuming and training on from them says.
class BadCheckpoint {
  TempDir dir_;  // before path, which is made from it

 public:
  // "m/b2" and "v/b2" renamed "m/b1" and "v/b1", the CRC made right: what
  // fuzz_checkpoint found after 303,457 executions. The second b1 replaced
  // the first and b2 had no state.
  void twice_named_tensor() {
    make(0);
    Bytes bytes = scratchnet::test::read_bytes(path);
    for (const char* slot : {"m/", "v/"}) {
      const std::string from = std::string(slot) + "b2", to = std::string(slot) + "b1";
      const auto at = std::search(bytes.begin(), bytes.end(), from.begin(), from.end());
      REQUIRE(at != bytes.end());
      std::copy(to.begin(), to.end(), at);
    }
    scratchnet::test::reseal(bytes);
    scratchnet::test::write_bytes(path, bytes);
  }

  // Adam's state for b1 (1x12) of shape 1x3, in m and v alike.
  void misfit_tensor() {
    scratchnet::Checkpoint<float> c = make(0);
    for (const char* key : {"m/b1", "v/b1"}) {
      c.optimizer.tensors[key] = scratchnet::Matrix<float>::Zero(1, 3);
    }
    scratchnet::save_checkpoint(path, c);
  }

  // One batch of 16 done out of 4, and a batch order of 32 rows instead of
  // 64: enough for the next batch, which is all resume() used to check;
  // training stopped at the third ("gather_rows: rows [32, 32 + 16) are
  // outside the 32 indices").
  void short_batch_order() {
    scratchnet::Checkpoint<float> c = make(1);
    REQUIRE(c.progress.iterations_done == 1);
    REQUIRE(c.progress.order.size() == 64);
    c.progress.order.resize(32);
    scratchnet::save_checkpoint(path, c);
  }

  // iterations_done far beyond the epoch's 4, as fuzz_checkpoint found it
  // (2^61, and a negative one): resume() multiplied it by the batch size
  // before it checked the range, a signed overflow that UBSan aborts on.
  void huge_progress(Index iterations_done) {
    scratchnet::Checkpoint<float> c = make(1);
    c.progress.iterations_done = iterations_done;
    scratchnet::save_checkpoint(path, c);
  }

  // What resuming from path says ("" when it succeeds), and that a refused
  // resume left the network as it was.
  std::string resume() {
    scratchnet::MultiLayerNet<float> net(stateful_net());
    const auto before = net.to_bytes();
    scratchnet::Adam<float> adam;
    scratchnet::Trainer<float> trainer(net, adam, train_, test_, four_epochs());
    try {
      trainer.resume(path);
    } catch (const scratchnet::ModelFormatError& e) {
      CHECK(net.to_bytes() == before);
      return e.what();
    }
    return "";
  }

  const std::string path = dir_.file("bad.ckpt");

 private:
  // The checkpoint after `iterations` batches of the first epoch of 4, or
  // after the epoch (0).
  scratchnet::Checkpoint<float> make(Index iterations) {
    scratchnet::MultiLayerNet<float> net(stateful_net());
    scratchnet::Adam<float> adam;
    std::atomic<bool> stop{false};
    auto options = four_epochs();
    options.epochs = 1;
    options.checkpoint_path = path;
    options.stop_request = &stop;
    scratchnet::Trainer<float> trainer(net, adam, train_, test_, options);
    trainer.on_iteration([&](Index done, Index, double) { stop = done == iterations; });
    trainer.train();
    return scratchnet::load_checkpoint<float>(path);
  }

  Dataset<float> train_ = noisy_classes(64, 3), test_ = noisy_classes(16, 4);
};

}  // namespace

TEST_CASE("A checkpoint naming an optimizer tensor twice is refused, naming the file",
          "[checkpoint][errors][fuzz]") {
  BadCheckpoint c;
  c.twice_named_tensor();
  CHECK_THAT(c.resume(), Catch::StartsWith(c.path + ": ") &&
                             Catch::Contains("optimizer tensor 'm/b1' appears twice"));
}

TEST_CASE("A checkpoint whose optimizer state does not fit the network is refused",
          "[checkpoint][errors][fuzz]") {
  BadCheckpoint c;
  c.misfit_tensor();
  CHECK_THAT(c.resume(), Catch::StartsWith(c.path + ": ") &&
                             Catch::Contains("optimizer tensor 'm/b1' is 1x3, its parameter 1x12"));
}

TEST_CASE("A checkpoint whose batch order is shorter than an epoch is refused",
          "[checkpoint][errors][fuzz]") {
  BadCheckpoint c;
  c.short_batch_order();
  CHECK_THAT(c.resume(),
             Catch::StartsWith(c.path + ": ") && Catch::Contains("progress does not fit"));
}

TEST_CASE("A checkpoint whose progress overflows is refused, naming the file",
          "[checkpoint][errors][fuzz]") {
  for (const Index iterations_done : {Index{1} << 61, Index{-7283948167283923022}}) {
    BadCheckpoint c;
    c.huge_progress(iterations_done);
    CHECK_THAT(c.resume(),
               Catch::StartsWith(c.path + ": ") && Catch::Contains("progress does not fit"));
  }
}

namespace {

// One way a resumed run can differ from the run that wrote its checkpoint,
// and what the refusal must say: the setting, its value then and now.
struct OtherRun {
  std::string setting, saved, current;
  scratchnet::MultiLayerNetOptions net = stateful_net();
  double lr = scratchnet::Adam<float>::default_lr;
  double beta1 = scratchnet::Adam<float>::default_beta1;
  scratchnet::TrainerOptions trainer = four_epochs();
  Index train_samples = 64, test_samples = 16;
  bool change_one_label = false;
};

}  // namespace

TEST_CASE("A checkpoint of another run is refused, naming the setting", "[checkpoint][errors]") {
  // Issue 15: a relu checkpoint resumed as tanh trained as tanh; another batch
  // size skipped or repeated samples mid-epoch; other data were accepted.
  const TempDir dir;
  const auto train = noisy_classes(64, 3), test = noisy_classes(16, 4);
  write_one_epoch_checkpoint(dir.file("run.ckpt"), train, test);
  std::vector<OtherRun> runs(12);
  runs[0].setting = "network.activation", runs[0].saved = "relu", runs[0].current = "tanh";
  runs[0].net.activation = scratchnet::Activation::tanh;
  runs[1].setting = "network.weight_init", runs[1].saved = "he", runs[1].current = "xavier";
  runs[1].net.weight_init = scratchnet::WeightInit::xavier();
  runs[2].setting = "network.weight_decay_lambda", runs[2].saved = "0", runs[2].current = "0.1";
  runs[2].net.weight_decay_lambda = 0.1;
  runs[3].setting = "network.dropout_ratio", runs[3].saved = "0.2", runs[3].current = "0.3";
  runs[3].net.dropout_ratio = 0.3;
  runs[4].setting = "network.seed", runs[4].saved = "5", runs[4].current = "50";
  runs[4].net.seed = 50;
  runs[5].setting = "optimizer.lr", runs[5].saved = "0.001", runs[5].current = "0.01";
  runs[5].lr = 0.01;
  runs[6].setting = "optimizer.beta1", runs[6].saved = "0.9", runs[6].current = "0.8";
  runs[6].beta1 = 0.8;
  runs[7].setting = "trainer.batch_size", runs[7].saved = "16", runs[7].current = "8";
  runs[7].trainer.batch_size = 8;
  runs[8].setting = "trainer.seed", runs[8].saved = "6", runs[8].current = "60";
  runs[8].trainer.seed = 60;
  runs[9].setting = "train data", runs[9].saved = "64 samples", runs[9].current = "60 samples";
  runs[9].train_samples = 60;
  runs[10].setting = "train data", runs[10].saved = "64 samples", runs[10].current = "64 samples";
  runs[10].change_one_label = true;
  runs[11].setting = "test data", runs[11].saved = "16 samples", runs[11].current = "15 samples";
  runs[11].test_samples = 15;
  for (const OtherRun& run : runs) {
    INFO(run.setting << " now " << run.current);
    Dataset<float> other_train{train.x.topRows(run.train_samples),
                               train.labels.head(run.train_samples)};
    if (run.change_one_label) other_train.labels(40) = (other_train.labels(40) + 1) % 4;
    const Dataset<float> other_test{test.x.topRows(run.test_samples),
                                    test.labels.head(run.test_samples)};
    scratchnet::MultiLayerNet<float> net(run.net);
    scratchnet::Adam<float> adam(run.lr, run.beta1);
    scratchnet::Trainer<float> trainer(net, adam, other_train, other_test, run.trainer);
    const Bytes before = net.to_bytes();
    try {
      trainer.resume(dir.file("run.ckpt"));
      FAIL("resumed");
    } catch (const scratchnet::CheckpointMismatch& e) {
      CHECK(e.setting() == run.setting);
      CHECK(e.saved_value().rfind(run.saved, 0) == 0);
      CHECK(e.current_value().rfind(run.current, 0) == 0);
      CHECK(e.saved_value() != e.current_value());
    }
    CHECK(net.to_bytes() == before);
    CHECK(trainer.progress().epochs_done == 0);
  }

  // What may differ: how many epochs, and where and how often checkpoints go.
  scratchnet::MultiLayerNet<float> net(stateful_net());
  scratchnet::Adam<float> adam;
  auto longer = four_epochs();
  longer.epochs = 9;
  longer.checkpoint_path = dir.file("elsewhere.ckpt");
  longer.checkpoint_every = 3;
  scratchnet::Trainer<float> trainer(net, adam, train, test, longer);
  trainer.resume(dir.file("run.ckpt"));
  CHECK(trainer.progress().epochs_done == 1);
}

TEST_CASE("A checkpoint of format version 1, which lacks the run settings, is refused",
          "[checkpoint][errors]") {
  const TempDir dir;
  const auto train = noisy_classes(64, 3), test = noisy_classes(16, 4);
  write_one_epoch_checkpoint(dir.file("run.ckpt"), train, test);
  Bytes bytes = scratchnet::test::read_bytes(dir.file("run.ckpt"));
  REQUIRE(scratchnet::test::get_le(bytes, 8, 4) == 3);
  scratchnet::test::put_le(bytes, 8, 1, 4);
  scratchnet::test::reseal(bytes);
  scratchnet::test::write_bytes(dir.file("old.ckpt"), bytes);
  CHECK_THROWS_WITH(
      scratchnet::load_checkpoint<float>(dir.file("old.ckpt")),
      dir.file("old.ckpt") +
          ": unsupported checkpoint format version 1 (this scratchnet reads versions 2 to 3)");
}

TEST_CASE("A checkpoint of format version 2, before validation and policies, still resumes",
          "[checkpoint]") {
  const TempDir dir;
  const auto train = noisy_classes(64, 3), test = noisy_classes(16, 4);
  write_one_epoch_checkpoint(dir.file("run.ckpt"), train, test);
  Bytes bytes = scratchnet::test::read_bytes(dir.file("run.ckpt"));
  // Version 2 ends its one epoch record before the rate and the two
  // validation values (3 x 8 bytes) and has no policy counts (2 x 4 bytes).
  const std::size_t v3_tail = 3 * 8 + 2 * 4 + 4;
  Bytes v2(bytes.begin(), bytes.end() - static_cast<std::ptrdiff_t>(v3_tail));
  v2.resize(v2.size() + 4);
  scratchnet::test::put_le(v2, 8, 2, 4);
  scratchnet::test::reseal(v2);
  scratchnet::test::write_bytes(dir.file("v2.ckpt"), v2);
  const auto c = scratchnet::load_checkpoint<float>(dir.file("v2.ckpt"));
  REQUIRE(c.history.epochs.size() == 1);
  CHECK(std::isnan(c.history.epochs[0].validation_loss));
  CHECK(c.policies.numbers.empty());
  scratchnet::MultiLayerNet<float> net(stateful_net());
  scratchnet::Adam<float> adam;
  scratchnet::Trainer<float> trainer(net, adam, train, test, four_epochs());
  trainer.resume(dir.file("v2.ckpt"));
  CHECK(trainer.progress().epochs_done == 1);
}

TEST_CASE("A convolutional network resumes bit-identically", "[checkpoint][conv]") {
  const TempDir dir;
  const auto train = noisy_classes(200, 1), test = noisy_classes(40, 2);
  // The 8 features as 2 channels of 2x2; batch norm per channel, dropout, Adam.
  const auto conv_net = [] {
    scratchnet::Sequential<float> net(scratchnet::Shape{2, 2, 2}, 5);
    scratchnet::add_layers(
        net, scratchnet::parse_layer_specs("conv(3,2,pad=1),batchnorm,relu,maxpool(2,stride=1),"
                                           "dropout(0.2),affine(4)"));
    net.initialize(scratchnet::WeightInit::he());
    return net;
  };
  scratchnet::Sequential<float> straight = conv_net();
  scratchnet::Adam<float> straight_adam;
  const auto straight_history =
      scratchnet::Trainer<float>(straight, straight_adam, train, test, four_epochs()).train();

  scratchnet::Sequential<float> first = conv_net();
  scratchnet::Adam<float> first_adam;
  auto options = four_epochs();
  options.epochs = 2;
  options.checkpoint_path = dir.file("conv.ckpt");
  scratchnet::Trainer<float>(first, first_adam, train, test, options).train();

  scratchnet::Sequential<float> resumed = conv_net();
  scratchnet::Adam<float> resumed_adam;
  scratchnet::Trainer<float> trainer(resumed, resumed_adam, train, test, four_epochs());
  trainer.resume(dir.file("conv.ckpt"));
  const auto history = trainer.train();
  CHECK(history.loss == straight_history.loss);
  CHECK(resumed.to_bytes() == straight.to_bytes());
  CHECK(straight_history.epochs.back().mean_loss < straight_history.epochs.front().mean_loss);
}
