// Data-parallel training (training/data_parallel.hpp) with threads standing
// in for processes (support/thread_processes.hpp): the shares' gradients add
// up to the whole batch's, every process ends with the same weights, and
// stop, checkpoint and resume work across processes. Catch2's assertions are
// not for other threads: each thread records, the test thread checks.
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "scratchnet/optimizers/optimizers.hpp"
#include "scratchnet/training/trainer.hpp"
#include "support/blobs.hpp"
#include "support/temp_dir.hpp"
#include "support/thread_processes.hpp"

using scratchnet::Dataset;
using scratchnet::Index;

namespace {

template <typename T>
Dataset<T> parallel_blobs(Index n, std::uint64_t seed) {
  const Dataset<float> d = scratchnet::test::blobs(n, 6, 0.6, 2.0, seed);
  return {d.x.cast<T>(), d.labels};
}

scratchnet::MultiLayerNetOptions parallel_net(const std::vector<Index>& hidden, bool batchnorm,
                                              double dropout) {
  scratchnet::MultiLayerNetOptions o;
  o.input_size = 6;
  o.hidden_sizes = hidden;
  o.output_size = 3;
  o.weight_decay_lambda = 0.01;
  o.use_batchnorm = batchnorm;
  o.dropout_ratio = dropout;
  o.seed = 5;
  return o;
}

// What one process ends with.
template <typename T>
struct ProcessOutcome {
  std::vector<unsigned char> model;  // the model file's bytes: every parameter and buffer
  scratchnet::History history;
  double accuracy_now = 0;  // of the trained network on the test set, counted here
  bool stopped = false;
  std::string error;
};

struct ParallelRun {
  std::vector<Index> hidden = {12, 12};
  bool batchnorm = false;
  double dropout = 0;
  int epochs = 3;
  Index batch = 20;
  std::string checkpoint;
  bool resume = false;
  int stop_on_rank = -1;  // this rank is asked to stop after the 3rd batch
};

// Trains with Adam on `processes` (none: alone) and returns what it ends with.
template <typename T>
ProcessOutcome<T> train_sharing(const ParallelRun& run, scratchnet::Communicator* processes) {
  const Dataset<T> train_set = parallel_blobs<T>(230, 1), test_set = parallel_blobs<T>(90, 2);
  scratchnet::MultiLayerNet<T> net(parallel_net(run.hidden, run.batchnorm, run.dropout));
  scratchnet::Adam<T> adam(0.01);
  std::atomic<bool> stop{false};
  scratchnet::TrainerOptions options;
  options.epochs = run.epochs;
  options.batch_size = run.batch;
  options.seed = 9;
  options.processes = processes;
  options.checkpoint_path = run.checkpoint;
  options.stop_request = &stop;
  ProcessOutcome<T> out;
  try {
    scratchnet::Trainer<T> trainer(net, adam, train_set, test_set, options);
    if (run.resume) trainer.resume(run.checkpoint);
    const int rank = processes != nullptr ? processes->rank() : 0;
    trainer.on_iteration([&](Index done, Index, double) {
      if (rank == run.stop_on_rank && done == 3) stop = true;
    });
    out.history = trainer.train();
    out.stopped = trainer.stopped();
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  out.model = net.to_bytes();
  out.accuracy_now = net.accuracy(test_set.x, test_set.labels);
  return out;
}

template <typename T>
std::vector<ProcessOutcome<T>> train_on(int processes, const ParallelRun& run) {
  std::vector<ProcessOutcome<T>> out(static_cast<std::size_t>(processes));
  scratchnet::test::run_as_processes(processes, [&](scratchnet::Communicator& c) {
    out[static_cast<std::size_t>(c.rank())] = train_sharing<T>(run, &c);
  });
  return out;
}

// The largest difference between the parameters of two model files.
double largest_difference(const std::vector<unsigned char>& a,
                          const std::vector<unsigned char>& b) {
  const auto net_a = scratchnet::Sequential<double>::from_bytes(a, "a");
  const auto net_b = scratchnet::Sequential<double>::from_bytes(b, "b");
  double largest = 0;
  for (std::size_t i = 0; i < net_a.params().size(); ++i) {
    largest = std::max(largest,
                       (*net_a.params()[i].value - *net_b.params()[i].value).cwiseAbs().maxCoeff());
  }
  return largest;
}

}  // namespace

TEST_CASE("Shares of each batch on 2 and 3 processes train the network one process trains",
          "[data_parallel]") {
  // Batches of 20 rows: shares of 10 + 10, and of 6 + 7 + 7, weighted by their rows.
  // The wider network's 200 x 100 gradient is summed where it lies, the rest
  // packed into one buffer; the narrow one's are all packed.
  ParallelRun run;
  run.hidden = GENERATE(std::vector<Index>{12, 12}, std::vector<Index>{200, 100});
  const ProcessOutcome<double> alone = train_sharing<double>(run, nullptr);
  for (const int processes : {2, 3}) {
    CAPTURE(run.hidden, processes);
    const std::vector<ProcessOutcome<double>> shared = train_on<double>(processes, run);
    for (const ProcessOutcome<double>& o : shared) {
      REQUIRE(o.error.empty());
      CHECK(o.model == shared[0].model);
      CHECK(o.history.loss == shared[0].history.loss);
    }
    // The same sums in another order: equal to double rounding.
    CHECK(largest_difference(shared[0].model, alone.model) < 1e-12);
    REQUIRE(shared[0].history.loss.size() == alone.history.loss.size());
    for (std::size_t i = 0; i < alone.history.loss.size(); ++i) {
      CHECK(shared[0].history.loss[i] == Approx(alone.history.loss[i]).epsilon(1e-12));
    }
    // Each process counted its share of the test set; together, all of it.
    CHECK(shared[0].history.epochs.back().test_accuracy == shared[0].accuracy_now);
    CHECK(shared[0].history.epochs.back().test_accuracy ==
          alone.history.epochs.back().test_accuracy);
  }
}

TEST_CASE("With batch norm and dropout every process keeps the same weights and statistics",
          "[data_parallel]") {
  ParallelRun run;
  run.batchnorm = true;
  run.dropout = 0.3;
  const std::vector<ProcessOutcome<float>> first = train_on<float>(2, run);
  const std::vector<ProcessOutcome<float>> second = train_on<float>(2, run);
  REQUIRE(first[0].error.empty());
  REQUIRE(first[1].error.empty());
  // The model file holds the running mean and variance too: averaged after
  // every step, they are the same on both processes.
  CHECK(first[1].model == first[0].model);
  CHECK(second[0].model == first[0].model);  // run after run
  CHECK(first[0].history.epochs.back().test_accuracy > 0.8);
  // One process alone is another run (other dropout masks, whole-batch
  // statistics), not the same bits.
  CHECK(train_sharing<float>(run, nullptr).model != first[0].model);
}

TEST_CASE("A communicator of one process changes nothing", "[data_parallel]") {
  ParallelRun run;
  run.dropout = 0.2;
  const std::vector<ProcessOutcome<float>> one = train_on<float>(1, run);
  CHECK(one[0].model == train_sharing<float>(run, nullptr).model);
}

TEST_CASE(
    "A stop asked of one process stops all after the same batch; rank 0's checkpoint "
    "resumes the run bit for bit",
    "[data_parallel][checkpoint]") {
  scratchnet::test::TempDir dir;
  ParallelRun straight;
  straight.dropout = 0.2;
  const std::vector<ProcessOutcome<float>> uninterrupted = train_on<float>(2, straight);

  ParallelRun stopped = straight;
  stopped.checkpoint = dir.file("run.ckpt");
  stopped.stop_on_rank = 1;
  const std::vector<ProcessOutcome<float>> halted = train_on<float>(2, stopped);
  for (const ProcessOutcome<float>& o : halted) {
    REQUIRE(o.error.empty());
    CHECK(o.stopped);
    CHECK(o.history.loss.size() == 4);  // the batch after the request, on every process
  }

  ParallelRun resumed = stopped;
  resumed.resume = true;
  resumed.stop_on_rank = -1;
  const std::vector<ProcessOutcome<float>> finished = train_on<float>(2, resumed);
  REQUIRE(finished[0].error.empty());
  CHECK(finished[0].model == uninterrupted[0].model);
  CHECK(finished[0].history.loss == uninterrupted[0].history.loss);
  // Under any number of processes: the same run, up to float rounding.
  const std::vector<ProcessOutcome<float>> on_three = train_on<float>(3, resumed);
  REQUIRE(on_three[0].error.empty());
  CHECK(on_three[0].history.epochs.size() == 3);
  CHECK(on_three[2].model == on_three[0].model);
}

TEST_CASE("A batch smaller than the number of processes is refused", "[data_parallel][errors]") {
  ParallelRun run;
  run.batch = 2;
  const std::vector<ProcessOutcome<float>> refused = train_on<float>(3, run);
  for (const ProcessOutcome<float>& o : refused) {
    CHECK(o.error.find("batch_size") != std::string::npos);
    CHECK(o.error.find("3 processes") != std::string::npos);
  }
}
