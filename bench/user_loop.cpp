// A W1 epoch (784-100x4-10, ReLU, He, SGD lr 0.01, batch 100) as a user of
// the library writes it from the README: their own shuffle and batch gather,
// net.gradient, optimizer.update. bench/user_loop.sh builds it twice, with
// and without scratchnet::native, to show what that target is worth.
//
//   user_loop --runs 3         prints "user_loop seconds S" per epoch
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>
#include <scratchnet/scratchnet.hpp>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const int runs = argc > 2 && std::string(argv[1]) == "--runs" ? std::atoi(argv[2]) : 1;
  const char* env = std::getenv("MNIST_DIR");
  const auto data = scratchnet::load_mnist<float>(env ? env : "/usr/share/datasets/fashion-mnist");

  scratchnet::MultiLayerNetOptions options;
  options.input_size = 784;
  options.hidden_sizes = {100, 100, 100, 100};
  options.output_size = 10;
  options.weight_init = scratchnet::WeightInit::he();
  scratchnet::MultiLayerNet<float> net(options);
  scratchnet::SGD<float> sgd(0.01);

  const Eigen::Index batch = 100;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(data.train.size()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::mt19937 shuffle_rng(1);
  Eigen::MatrixXf x(batch, 784);
  Eigen::VectorXi labels(batch);
  const auto epoch = [&](Eigen::Index batches) {
    std::shuffle(order.begin(), order.end(), shuffle_rng);
    for (Eigen::Index b = 0; b < batches; ++b) {
      for (Eigen::Index i = 0; i < batch; ++i) {
        const Eigen::Index row = order[static_cast<std::size_t>(b * batch + i)];
        x.row(i) = data.train.x.row(row);
        labels(i) = data.train.labels(row);
      }
      net.gradient(x, labels);
      sgd.update(net.params());
    }
  };
  epoch(10);  // warm-up
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    epoch(data.train.size() / batch);
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    std::printf("user_loop seconds %.4f\n", seconds.count());
  }
  std::fprintf(stderr, "test accuracy %.4f\n", net.accuracy(data.test.x, data.test.labels));
  return 0;
}
