// Trainer and History: epochs and iterations as documented, early stop,
// divergence, option checks and CSV output.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "scratchnet/optimizers/optimizers.hpp"
#include "scratchnet/training/trainer.hpp"
#include "support/blobs.hpp"
#include "support/hostile_files.hpp"
#include "support/temp_dir.hpp"

using scratchnet::Dataset;
using scratchnet::Index;

namespace {

// One blob per class in 4 dimensions: easy to learn, not trivial.
Dataset<float> trainer_data(Index n, std::uint64_t seed) {
  return scratchnet::test::blobs(n, 4, 0.5, 2.0, seed);
}

scratchnet::MultiLayerNetOptions blob_net() {
  scratchnet::MultiLayerNetOptions o;
  o.input_size = 4;
  o.hidden_sizes = {16};
  o.output_size = 3;
  o.seed = 2;
  return o;
}

}  // namespace

TEST_CASE("Trainer runs floor(N / batch) iterations per epoch and learns", "[trainer]") {
  const Dataset<float> train = trainer_data(250, 1), test = trainer_data(100, 2);
  scratchnet::MultiLayerNet<float> net(blob_net());
  scratchnet::SGD<float> sgd(0.1);
  scratchnet::TrainerOptions options;
  options.epochs = 5;
  options.batch_size = 20;
  scratchnet::Trainer<float> trainer(net, sgd, train, test, options);
  const double before = net.accuracy(test.x, test.labels);
  const scratchnet::History history = trainer.train();
  CHECK(history.epochs.size() == 5);
  CHECK(history.loss.size() == 5 * 12);  // 250 / 20 = 12 full batches
  CHECK(history.epochs.back().samples == 240);
  CHECK(history.epochs.back().test_accuracy > 0.9);
  CHECK(history.epochs.back().test_accuracy > before);
  CHECK(history.epochs.back().test_accuracy == net.accuracy(test.x, test.labels));
  CHECK(history.loss.back() < history.loss.front());
}

TEST_CASE("The same seeds give the same training, in both sampling modes", "[trainer]") {
  const Dataset<float> train = trainer_data(200, 3), test = trainer_data(50, 4);
  for (auto sampling : {scratchnet::Sampling::shuffle, scratchnet::Sampling::book}) {
    auto run = [&] {
      scratchnet::MultiLayerNet<float> net(blob_net());
      scratchnet::Adam<float> adam;
      scratchnet::TrainerOptions options;
      options.epochs = 2;
      options.batch_size = 10;
      options.sampling = sampling;
      options.seed = 9;
      scratchnet::Trainer<float> trainer(net, adam, train, test, options);
      return trainer.train().loss;
    };
    CHECK(run() == run());
  }
}

TEST_CASE("An epoch callback can stop training", "[trainer]") {
  const Dataset<float> train = trainer_data(100, 5), test = trainer_data(20, 6);
  scratchnet::MultiLayerNet<float> net(blob_net());
  scratchnet::SGD<float> sgd;
  scratchnet::TrainerOptions options;
  options.epochs = 10;
  options.batch_size = 10;
  options.evaluate_samples = 7;
  scratchnet::Trainer<float> trainer(net, sgd, train, test, options);
  trainer.on_epoch_end(
      [](const scratchnet::EpochRecord& e, const scratchnet::History&) { return e.epoch < 3; });
  const auto history = trainer.train();
  CHECK(history.epochs.size() == 3);
  // Accuracy on the first 7 samples only: a multiple of 1/7.
  const double sevenths = history.epochs.back().test_accuracy * 7;
  CHECK(sevenths == Approx(std::round(sevenths)));
}

TEST_CASE("A diverging run stops with the epoch, iteration and advice", "[trainer][errors]") {
  const Dataset<float> train = trainer_data(100, 7), test = trainer_data(20, 8);
  scratchnet::MultiLayerNet<float> net(blob_net());
  scratchnet::SGD<float> sgd(1e30);
  scratchnet::TrainerOptions options;
  options.epochs = 3;
  options.batch_size = 10;
  scratchnet::Trainer<float> trainer(net, sgd, train, test, options);
  try {
    trainer.train();
    FAIL("training with lr 1e30 did not diverge");
  } catch (const scratchnet::TrainingDiverged& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::Contains("epoch 1, iteration"));
    CHECK_THAT(message, Catch::Contains("smaller learning rate"));
  }
}

TEST_CASE("A loss that is not finite from the start blames the weights, not the learning rate",
          "[trainer][errors]") {
  // The first loss is taken before any update: only the initial weights'
  // scale, or the weight decay and L1 terms they add to the loss, can make it
  // blow up.
  const Dataset<float> train = trainer_data(100, 7), test = trainer_data(20, 8);
  scratchnet::TrainerOptions options;
  options.epochs = 1;
  options.batch_size = 10;
  auto huge_init = blob_net();
  huge_init.weight_init = 1e30;  // activations of 1e61 overflow float
  auto huge_decay = blob_net();
  huge_decay.weight_decay_lambda = 1e308;
  auto huge_l1 = blob_net();
  huge_l1.l1_lambda = 1e308;
  for (const auto& [net_options, advice] :
       {std::pair{huge_init, "; try a smaller weight_init (now 1e+30)"},
        std::pair{huge_decay, "; try a smaller weight_decay_lambda (now 1e+308)"},
        std::pair{huge_l1, "; try a smaller l1_lambda (now 1e+308)"}}) {
    scratchnet::MultiLayerNet<float> net(net_options);
    scratchnet::SGD<float> sgd;
    scratchnet::Trainer<float> trainer(net, sgd, train, test, options);
    try {
      trainer.train();
      FAIL("training did not diverge");
    } catch (const scratchnet::TrainingDiverged& e) {
      const std::string message = e.what();
      CHECK_THAT(message, Catch::Contains("at epoch 1, iteration 1" + std::string(advice)));
      CHECK_THAT(message, !Catch::Contains("learning rate"));
    }
  }
}

TEST_CASE("Trainer options are checked", "[trainer][errors]") {
  const Dataset<float> train = trainer_data(30, 9), test = trainer_data(10, 10);
  scratchnet::MultiLayerNet<float> net(blob_net());
  scratchnet::SGD<float> sgd;
  auto rejects = [&](scratchnet::TrainerOptions options, const std::string& name) {
    CHECK_THROWS_WITH(scratchnet::Trainer<float>(net, sgd, train, test, options),
                      Catch::StartsWith(name));
  };
  scratchnet::TrainerOptions o;
  o.batch_size = 31;
  rejects(o, "batch_size");
  o.batch_size = 0;
  rejects(o, "batch_size");
  o = {};
  o.batch_size = 10;
  o.epochs = -1;
  rejects(o, "epochs");
  o.epochs = 1;
  o.evaluate_samples = -1;
  rejects(o, "evaluate_samples");
}

TEST_CASE("History is written as CSV", "[trainer]") {
  scratchnet::History history;
  history.loss = {2.5, 1.25};
  history.epochs.push_back({1, 1.875, 0.5, 0.25, 1.5, 0.5, 200, 0.01});
  // With a validation set the test accuracy is not taken per epoch.
  history.epochs.push_back({2, 1.5, 0.75, NAN, 1.25, 0.25, 200, 0.005, 0.625, 0.875});
  const auto dir = std::filesystem::temp_directory_path() / "scratchnet_history_test";
  std::filesystem::create_directories(dir);
  history.write_csv((dir / "h.csv").string());
  history.write_loss_csv((dir / "l.csv").string());
  std::ifstream h(dir / "h.csv"), l(dir / "l.csv");
  std::string header, row;
  std::getline(h, header);
  std::getline(h, row);
  CHECK(header ==
        "epoch,mean_loss,train_accuracy,test_accuracy,train_seconds,eval_seconds,samples,"
        "learning_rate,validation_loss,validation_accuracy");
  CHECK(row == "1,1.875,0.5,0.25,1.5,0.5,200,0.01,,");
  std::getline(h, row);
  CHECK(row == "2,1.5,0.75,,1.25,0.25,200,0.005,0.625,0.875");
  std::getline(l, header);
  std::getline(l, row);
  CHECK(header == "iteration,loss");
  CHECK(row == "1,2.5");
  std::filesystem::remove_all(dir);
  CHECK_THROWS_WITH(history.write_csv("/nonexistent-dir/h.csv"),
                    Catch::Contains("/nonexistent-dir/h.csv"));
}

TEST_CASE("History CSV files replace only a regular file", "[trainer][errors]") {
  // Saved as models are (core/atomic_file.hpp): a FIFO, a socket or a device
  // node at the path is refused and stays, where a plain open would write
  // into it or wait for a reader.
  scratchnet::History history;
  history.loss = {2.5};
  history.epochs.push_back({1, 2.5, 0.5, 0.25, 1.5, 0.5, 200});
  const scratchnet::test::TempDir dir;
  std::vector<std::pair<std::string, std::string>> cases{{"fifo.csv", "named pipe (FIFO)"},
                                                         {"socket.csv", "socket"}};
  scratchnet::test::make_fifo(dir.file("fifo.csv"));
  // A reader, so that an open for writing does not wait for one.
  const int reader = ::open(dir.file("fifo.csv").c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  scratchnet::test::make_socket(dir.file("socket.csv"));
  if (scratchnet::test::make_null_device(dir.file("nul.csv"))) {
    cases.emplace_back("nul.csv", "character device");
  }
  for (const auto& [name, kind] : cases) {
    const std::string refused =
        dir.file(name) + ": cannot save: it is a " + kind + "; only a regular file is replaced";
    CHECK_THROWS_WITH(history.write_csv(dir.file(name)), refused);
    CHECK_THROWS_WITH(history.write_loss_csv(dir.file(name)), refused);
  }
  ::close(reader);
  CHECK(std::filesystem::is_fifo(dir.path() / "fifo.csv"));
  CHECK(std::filesystem::is_socket(dir.path() / "socket.csv"));
  CHECK_FALSE(dir.has_temp_file());
}
