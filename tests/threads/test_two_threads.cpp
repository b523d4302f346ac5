// What changes with Eigen's threads (--threads N in the programs), and what
// must not: the element-wise passes shared between threads (core/parallel.hpp)
// give the same bits as on one thread. Built with OpenMP, which the main test
// program is not, so it is a program of its own; it fails (exit 1) on the
// first difference.
#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <scratchnet/scratchnet.hpp>
#include <scratchnet/training/trainer.hpp>
#include <string>
#include <vector>

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  std::printf("%-72s %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) ++failures;
}

template <typename M>
bool same_bits(const M& a, const M& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::equal(a.data(), a.data() + a.size(), b.data());
}

void parallel_for_visits_each_index_once_on_both_threads() {
  Eigen::setNbThreads(2);
  std::vector<int> visits(1001, 0), thread(1001, -1);
  scratchnet::parallel_for(1001, [&](scratchnet::Index i) {
    ++visits[static_cast<std::size_t>(i)];
    thread[static_cast<std::size_t>(i)] = omp_get_thread_num();
  });
  expect(std::all_of(visits.begin(), visits.end(), [](int v) { return v == 1; }),
         "parallel_for: each of 1001 indices once");
  expect(thread.front() == 0 && thread.back() == 1, "parallel_for: the work is on two threads");
}

void assign_product_is_eigens_product() {
  using M = scratchnet::Matrix<float>;
  const M a = M::Random(300, 200), b = M::Random(200, 250);
  for (int threads : {1, 2}) {
    Eigen::setNbThreads(threads);
    M expected(1, 1), got = M::Constant(7, 3, 5.0f);  // wrong shape and values, overwritten
    expected.noalias() = a * b;
    scratchnet::assign_product(got, a, b);
    expect(same_bits(got, expected), threads == 1
                                         ? "assign_product on 1 thread: a * b, same bits"
                                         : "assign_product on 2 threads: a * b, same bits");
  }
}

// Every update rule, 5 steps over parameters of 200 x 300 (59 blocks) from the
// same gradients: one thread and two give the same bits.
void updates_do_not_depend_on_threads() {
  using M = scratchnet::Matrix<double>;
  for (const std::string& name : scratchnet::optimizer_names()) {
    M result[2];
    for (int threads : {1, 2}) {
      Eigen::setNbThreads(threads);
      std::srand(5);
      M w = M::Random(200, 300), g(200, 300);
      auto optimizer = scratchnet::make_optimizer<double>(name);
      for (int step = 0; step < 5; ++step) {
        g = M::Random(200, 300);
        optimizer->update({{"W", &w, &g}});
      }
      result[threads - 1] = w;
    }
    const std::string what = name + ": 5 updates on 2 threads, same bits as on 1";
    expect(same_bits(result[0], result[1]), what.c_str());
  }
}

// A convolutional network's loss and gradients on a batch of 37 images: the
// convolutions cut it into parts of 9 and 10 samples, pooling and ReLU into a
// block per thread, and one thread and two give the same bits.
void conv_gradients_do_not_depend_on_threads() {
  std::vector<scratchnet::Matrix<float>> grads[2];
  float loss[2];
  for (int threads : {1, 2}) {
    Eigen::setNbThreads(threads);
    scratchnet::Sequential<float> net(scratchnet::Shape{3, 12, 12}, 6);
    scratchnet::add_layers(net, scratchnet::parse_layer_specs(
                                    "conv(8,3,pad=1),relu,maxpool(2),conv(6,2,stride=2),relu,"
                                    "avgpool(2,stride=1),affine(10)"));
    net.initialize(scratchnet::WeightInit::he());
    std::srand(3);
    const scratchnet::Matrix<float> x = scratchnet::Matrix<float>::Random(37, 3 * 12 * 12);
    scratchnet::Labels labels(37);
    for (scratchnet::Index i = 0; i < labels.size(); ++i) labels(i) = static_cast<int>(i % 10);
    loss[threads - 1] = net.gradient(x, labels);
    for (const auto& p : net.params()) grads[threads - 1].push_back(*p.grad);
  }
  bool same = loss[0] == loss[1] && grads[0].size() == grads[1].size();
  for (std::size_t i = 0; same && i < grads[0].size(); ++i)
    same = same_bits(grads[0][i], grads[1][i]);
  expect(same, "conv, pooling, ReLU: loss and gradients on 2 threads, same bits as on 1");
}

// Two threads, twice: the same model bytes (README, "Determinism"), for the
// network make() builds on rows of 64 values.
void two_thread_training_repeats_itself(const std::function<scratchnet::Sequential<float>()>& make,
                                        const std::string& what) {
  Eigen::setNbThreads(2);
  scratchnet::Dataset<float> data{scratchnet::Matrix<float>::Random(512, 64),
                                  scratchnet::Labels(512)};
  for (scratchnet::Index i = 0; i < data.size(); ++i) data.labels(i) = static_cast<int>(i % 10);
  std::vector<unsigned char> bytes[2];
  for (auto& b : bytes) {
    scratchnet::Sequential<float> net = make();
    scratchnet::Adam<float> adam;
    scratchnet::TrainerOptions t;
    t.epochs = 3;
    t.batch_size = 128;
    scratchnet::Trainer<float>(net, adam, data, data, t).train();
    b = net.to_bytes();
  }
  expect(bytes[0] == bytes[1],
         ("training " + what + " on 2 threads, twice: the same bytes").c_str());
}

}  // namespace

int main() {
  parallel_for_visits_each_index_once_on_both_threads();
  assign_product_is_eigens_product();
  updates_do_not_depend_on_threads();
  conv_gradients_do_not_depend_on_threads();
  two_thread_training_repeats_itself(
      [] {
        scratchnet::MultiLayerNetOptions o;
        o.input_size = 64;
        o.hidden_sizes = {300, 300};
        o.output_size = 10;
        o.seed = 4;
        return scratchnet::MultiLayerNet<float>(o);
      },
      "64-300-300-10");
  two_thread_training_repeats_itself(
      [] {
        scratchnet::Sequential<float> net(scratchnet::Shape{1, 8, 8}, 4);
        scratchnet::add_layers(net, scratchnet::parse_layer_specs(
                                        "conv(16,3,pad=1),batchnorm,relu,maxpool(2),affine(10)"));
        net.initialize(scratchnet::WeightInit::he());
        return net;
      },
      "a convolutional network");
  return failures == 0 ? 0 : 1;
}
