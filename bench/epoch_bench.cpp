// The training epoch of the workloads of bench/README.md, through the
// library's real training path (Trainer: fresh shuffle, gather, gradient,
// update), on Fashion-MNIST held in memory. Load time and evaluation are not
// timed. Prints one machine-readable line per timed run:
//
//   epoch_bench --workload W1 --runs 3 --threads 1
//   W1 seconds 0.2873
//
// W5 is inference of the W1 network over the 10,000 test images, once as one
// batch of 10,000 ("W5-b10000") and once image by image ("W5-b1", the total
// for all 10,000; divide by 10,000 for the latency per image).
//
// W6 and W7 are the book's SimpleConvNet (ch. 7) and DeepConvNet (ch. 8) on
// 1 x 28 x 28 images, Adam 0.001, batch 100.
//
// Under mpirun (when built with MPI) the processes share every batch
// (data-parallel training); rank 0 reports, with the seconds of the epoch's
// gradient sums ("W7 allreduce_seconds").
//
// W1-products .. W4-products are not workloads but their floors: only the
// matrix products of the workload's epoch (forward, dW, and dX of every layer
// but the first), computed as the Affine layers compute them, in a bare loop
// on random data: no bias, activation, batch norm, loss, gather or update. No
// training of that network can be faster than this with Eigen's products.
// "+gather" and "+update" add to the products, in a step of their own, the two
// passes of a step that move the most memory: the gather of the batch's rows
// from the training set (as the Trainer gathers them) and the workload's update
// rule over its weights and biases. W1-products+gather+update is then the
// floor with the data a W1 step cannot avoid moving.
#include <time.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <scratchnet/distributed/session.hpp>
#include <scratchnet/scratchnet.hpp>
#include <scratchnet/training/trainer.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Workload {
  std::vector<scratchnet::Index> hidden;
  std::string optimizer;
  double lr;
  scratchnet::Index batch;
  bool batchnorm;
  double dropout;
  // A network of any layers on 1 x 28 x 28 images instead of the recipe of
  // hidden, batchnorm and dropout, with its init rule.
  std::string layers = "";
  std::string init = "he";
};

Workload workload(const std::string& id) {
  if (id == "W1") return {{100, 100, 100, 100}, "sgd", 0.01, 100, false, 0};
  if (id == "W2") return {{100, 100, 100, 100}, "adam", 0.001, 100, false, 0};
  if (id == "W3") return {{100, 100, 100, 100, 100, 100}, "adam", 0.001, 100, true, 0.15};
  if (id == "W4") return {{1024, 1024}, "momentum", 0.01, 256, false, 0};
  if (id == "W5") return {{100, 100, 100, 100}, "sgd", 0.01, 100, false, 0};
  // The book's SimpleConvNet (ch. 7) and DeepConvNet (ch. 8), as mnist_train --net builds them.
  if (id == "W6") {
    return {{},
            "adam",
            0.001,
            100,
            false,
            0,
            "conv(30,5),relu,maxpool(2),affine(100),relu,affine(10)",
            "0.01"};
  }
  if (id == "W7") {
    return {{},
            "adam",
            0.001,
            100,
            false,
            0,
            "conv(16,3,pad=1),relu,conv(16,3,pad=1),relu,maxpool(2),conv(32,3,pad=1),relu,"
            "conv(32,3,pad=2),relu,maxpool(2),conv(64,3,pad=1),relu,conv(64,3,pad=1),relu,"
            "maxpool(2),affine(50),relu,dropout(0.5),affine(10),dropout(0.5)",
            "he"};
  }
  std::fprintf(stderr, "epoch_bench: unknown workload '%s' (W1..W7)\n", id.c_str());
  std::exit(2);
}

scratchnet::Sequential<float> make_net(const Workload& w, std::uint64_t seed) {
  if (!w.layers.empty()) {
    scratchnet::Sequential<float> net(scratchnet::Shape{1, 28, 28}, seed);
    scratchnet::add_layers(net, scratchnet::parse_layer_specs(w.layers));
    net.initialize(scratchnet::WeightInit::parse(w.init));
    return net;
  }
  scratchnet::MultiLayerNetOptions o;
  o.input_size = 784;
  o.hidden_sizes = w.hidden;
  o.output_size = 10;
  o.weight_init = scratchnet::WeightInit::he();
  o.use_batchnorm = w.batchnorm;
  o.dropout_ratio = w.dropout;
  o.seed = seed;
  return scratchnet::MultiLayerNet<float>(o);
}

using Data = scratchnet::MnistData<float>;

// Wall time and the CPU time of the whole process (every thread): on a busy
// machine the CPU time of a one-thread run is the steadier of the two.
class Stopwatch {
 public:
  struct Reading {
    double wall = 0, cpu = 0;
  };
  Stopwatch() : start_(now()) {}
  Reading read() const {
    const Reading t = now();
    return {t.wall - start_.wall, t.cpu - start_.cpu};
  }

 private:
  static Reading now() {
    timespec cpu{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    const auto wall = std::chrono::steady_clock::now().time_since_epoch();
    return {std::chrono::duration<double>(wall).count(),
            static_cast<double>(cpu.tv_sec) + 1e-9 * static_cast<double>(cpu.tv_nsec)};
  }
  Reading start_;
};

void report(const std::string& id, const Stopwatch::Reading& t) {
  std::printf("%s seconds %.4f\n%s cpu_seconds %.4f\n", id.c_str(), t.wall, id.c_str(), t.cpu);
  std::fflush(stdout);
}

// Warm-up (one short epoch over the first 10 batches, untimed), then `runs`
// epochs of all 60,000 samples, each in a fresh order. The clock stops at the
// last iteration, so the evaluation the Trainer runs after an epoch is left
// out (as in its own train_seconds).
void train_workload(const std::string& id, const Data& data, int runs,
                    scratchnet::Communicator* processes) {
  const Workload w = workload(id);
  auto net = make_net(w, 1);
  scratchnet::OptimizerOptions oo;
  oo.lr = w.lr;
  auto optimizer = scratchnet::make_optimizer<float>(w.optimizer, oo);
  scratchnet::TrainerOptions to;
  to.epochs = 1;
  to.batch_size = w.batch;
  to.evaluate_samples = 1000;  // not timed; kept short
  to.processes = processes;
  {
    const auto warm = scratchnet::take_first(data.train, 10 * w.batch);
    scratchnet::Trainer<float> trainer(net, *optimizer, warm, data.test, to);
    trainer.train();
  }
  for (int r = 0; r < runs; ++r) {
    to.seed = 7 + static_cast<std::uint64_t>(r);  // a fresh order each epoch
    scratchnet::Trainer<float> trainer(net, *optimizer, data.train, data.test, to);
    Stopwatch watch;
    Stopwatch::Reading end;
    trainer.on_iteration([&](scratchnet::Index done, scratchnet::Index total, double) {
      if (done == total) end = watch.read();
    });
    const auto history = trainer.train();
    report(id, end);
    if (processes != nullptr && processes->size() > 1) {
      std::printf("%s allreduce_seconds %.4f\n", id.c_str(), trainer.communication_seconds());
    }
    std::fprintf(stderr, "%s: loss %.4f, test accuracy (first 1000) %.4f\n", id.c_str(),
                 history.epochs.back().mean_loss, history.epochs.back().test_accuracy);
  }
}

// The floor of workload id: its products, and with gather and update the
// batch's rows and the update rule's pass (see the top of the file).
void products_workload(const std::string& id, int runs, const Data* gather_from, bool update) {
  using M = scratchnet::Matrix<float>;
  const Workload w = workload(id);
  std::vector<scratchnet::Index> sizes{784};
  sizes.insert(sizes.end(), w.hidden.begin(), w.hidden.end());
  sizes.push_back(10);
  const std::size_t layers = sizes.size() - 1;
  std::vector<M> activations{M::Random(w.batch, sizes[0])}, weights, gradients, output_grads;
  std::vector<M> biases, bias_gradients;
  for (std::size_t l = 0; l < layers; ++l) {
    activations.emplace_back(w.batch, sizes[l + 1]);
    weights.push_back(M::Random(sizes[l], sizes[l + 1]));
    gradients.emplace_back(sizes[l], sizes[l + 1]);
    // Small gradients, so that the update rule keeps the weights in range
    // however many epochs run.
    output_grads.push_back(M::Random(w.batch, sizes[l + 1]) * 1e-3f);
    biases.push_back(M::Zero(1, sizes[l + 1]));
    bias_gradients.push_back(M::Random(1, sizes[l + 1]) * 1e-3f);
  }
  scratchnet::ParamList<float> params;
  for (std::size_t l = 0; l < layers; ++l) {
    params.push_back({"W" + std::to_string(l + 1), &weights[l], &gradients[l]});
    params.push_back({"b" + std::to_string(l + 1), &biases[l], &bias_gradients[l]});
  }
  scratchnet::OptimizerOptions oo;
  oo.lr = w.lr;
  const auto optimizer = scratchnet::make_optimizer<float>(w.optimizer, oo);
  const scratchnet::FlushDenormalsScope flush;  // as the Trainer's
  scratchnet::Rng shuffle_rng(7);
  std::vector<scratchnet::Index> order;
  scratchnet::Labels labels;
  scratchnet::Index next = 0;
  const auto step = [&] {
    if (gather_from != nullptr) {
      const scratchnet::Index n = gather_from->train.size();
      if (next + w.batch > n || order.empty()) {
        order = scratchnet::detail::random_permutation(n, shuffle_rng);
        next = 0;
      }
      scratchnet::gather_rows(gather_from->train, order, next, w.batch, activations[0], labels);
      next += w.batch;
    }
    for (std::size_t l = 0; l < layers; ++l)
      scratchnet::assign_product(activations[l + 1], activations[l], weights[l]);
    for (std::size_t l = layers; l-- > 0;) {
      scratchnet::assign_product(gradients[l], activations[l].transpose(), output_grads[l]);
      if (l > 0)
        scratchnet::assign_product(output_grads[l - 1], output_grads[l], weights[l].transpose());
    }
    if (update) optimizer->update(params);
  };
  std::string name = id + "-products";
  if (gather_from != nullptr) name += "+gather";
  if (update) name += "+update";
  const scratchnet::Index steps = 60000 / w.batch;
  for (int i = 0; i < 10; ++i) step();
  for (int r = 0; r < runs; ++r) {
    Stopwatch watch;
    for (scratchnet::Index i = 0; i < steps; ++i) step();
    report(name, watch.read());
  }
}

void inference_workload(const Data& data, int runs) {
  auto net = make_net(workload("W5"), 1);
  const scratchnet::Matrix<float>& x = data.test.x;
  volatile float sink = 0;
  net.predict(x.topRows(100));  // warm-up
  for (int r = 0; r < runs; ++r) {
    Stopwatch batch_watch;
    const scratchnet::Matrix<float> scores = net.predict(x);
    report("W5-b10000", batch_watch.read());
    sink = sink + scores(0, 0);
    Stopwatch single_watch;
    for (scratchnet::Index i = 0; i < x.rows(); ++i) sink = sink + net.predict(x.row(i))(0, 0);
    const Stopwatch::Reading t = single_watch.read();
    report("W5-b1", t);
    std::fprintf(stderr, "W5-b1: %.2f us per image\n",
                 1e6 * t.wall / static_cast<double>(x.rows()));
  }
}

[[noreturn]] void usage(int code) {
  std::fprintf(
      code == 0 ? stdout : stderr,
      "usage: epoch_bench [--workload W1..W7|W1-products..W4-products[+gather][+update]|all] "
      "[--runs N] "
      "[--threads N] [--data DIR]\n");
  std::exit(code);
}

// A whole number from 1 to most, else the usage and exit code 2: atoi made
// "--threads 100000" a run that ended in libgomp's own failure.
int count(const std::string& text, int most) {
  char* end = nullptr;
  const long n = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || n < 1 || n > most) {
    std::fprintf(stderr, "epoch_bench: '%s' is not from 1 to %d\n", text.c_str(), most);
    usage(2);
  }
  return static_cast<int>(n);
}

void run(const std::string& id, int runs, int threads, const std::string& dir,
         scratchnet::Communicator* processes) {
  // Eigen with OpenMP would otherwise use every core.
  Eigen::setNbThreads(threads);
  const std::string floor_mark = "-products";
  const std::size_t products = id.find(floor_mark);
  if (products != std::string::npos) {
    const std::string parts = id.substr(products + floor_mark.size());
    const bool gather = parts.find("+gather") != std::string::npos;
    const bool update = parts.find("+update") != std::string::npos;
    if (parts != std::string(gather ? "+gather" : "") + (update ? "+update" : "")) {
      std::fprintf(
          stderr,
          "epoch_bench: '%s': after -products: nothing, +gather, +update or +gather+update\n",
          id.c_str());
      usage(2);
    }
    std::optional<Data> data;
    if (gather) data = scratchnet::load_mnist<float>(dir);
    products_workload(id.substr(0, products), runs, data ? &*data : nullptr, update);
    return;
  }
  const Data data = scratchnet::load_mnist<float>(dir);
  const std::vector<std::string> ids =
      id == "all" ? std::vector<std::string>{"W1", "W2", "W3", "W4", "W5", "W6", "W7"}
                  : std::vector<std::string>{id};
  for (const std::string& w : ids) {
    if (w == "W5") {
      // Inference runs outside the Trainer, so it sets the flags training sets.
      const scratchnet::FlushDenormalsScope flush;
      inference_workload(data, runs);
    } else {
      train_workload(w, data, runs, processes);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  scratchnet::Session session(argc, argv);
  if (session.rank() != 0 && std::freopen("/dev/null", "w", stdout) == nullptr) return 2;
  std::string id = "W1";
  int runs = 1;
  int threads = 1;
  std::string dir = "/usr/share/datasets/fashion-mnist";
  if (const char* env = std::getenv("MNIST_DIR")) dir = env;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(2);
      return argv[++i];
    };
    if (arg == "--workload")
      id = value();
    else if (arg == "--runs")
      runs = count(value(), 1000);
    else if (arg == "--threads")
      threads = count(value(), static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    else if (arg == "--data")
      dir = value();
    else if (arg == "--help" || arg == "-h")
      usage(0);
    else
      usage(2);
  }
  if (runs < 1 || threads < 1) usage(2);
  try {
    run(id, runs, threads, dir, session.processes());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "epoch_bench: error: %s\n", e.what());
    return session.finish(2);
  }
  return session.finish(0);
}
