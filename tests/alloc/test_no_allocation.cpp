// After its first iteration, a training step allocates no heap memory: every
// layer and optimizer reuses its buffers. Eigen allocates with malloc, not
// operator new, so the counter replaces glibc's malloc, calloc and realloc
// (operator new calls malloc, so it is counted too). That changes the whole
// program, so this test is a program of its own.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <scratchnet/scratchnet.hpp>
#include <scratchnet/training/trainer.hpp>

namespace {
std::atomic<long> allocations{0};
}

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* p, std::size_t size);

void* malloc(std::size_t size) {
  ++allocations;
  return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
  ++allocations;
  return __libc_calloc(count, size);
}
void* realloc(void* p, std::size_t size) {
  ++allocations;
  return __libc_realloc(p, size);
}
}

namespace {

int failures = 0;

void expect_zero(const char* what, long count) {
  std::printf("%-60s %ld allocations in iterations 2..20\n", what, count);
  if (count != 0) ++failures;
}

scratchnet::Dataset<float> random_data(scratchnet::Index n, scratchnet::Index features) {
  scratchnet::Rng rng(1);
  scratchnet::Dataset<float> d{scratchnet::Matrix<float>(n, features), scratchnet::Labels(n)};
  rng.fill_normal(d.x, 1.0);
  for (scratchnet::Index i = 0; i < n; ++i) d.labels(i) = static_cast<int>(rng.below(10));
  return d;
}

struct Shape {
  scratchnet::Index features, hidden, batch;
};
constexpr Shape kSmall{20, 32, 20};
constexpr Shape kMnist{784, 100, 100};  // the benchmark's W1 shapes
// DeepConvNet's convolutions multiply one sample at a time, the same products
// at any batch size; 20 rows keep its 20 iterations short under qemu
// (scripts/test.sh --aarch64).
constexpr Shape kMnistBatch20{784, 100, 20};

// Trains net 20 iterations through the Trainer and counts what iterations
// 2..20 allocate.
long count_training(const std::string& optimizer, scratchnet::Sequential<float>& net, Shape shape) {
  auto rule = scratchnet::make_optimizer<float>(optimizer);
  const auto train = random_data(20 * shape.batch, shape.features);
  const auto test = random_data(50, shape.features);
  scratchnet::TrainerOptions options;
  options.epochs = 1;
  options.batch_size = shape.batch;  // 20 iterations in the epoch
  scratchnet::Trainer<float> trainer(net, *rule, train, test, options);
  long at_first = 0, at_last = 0;
  trainer.on_iteration([&](scratchnet::Index done, scratchnet::Index, double) {
    if (done == 1) at_first = allocations.load();
    if (done == 20) at_last = allocations.load();
  });
  trainer.train();
  return at_last - at_first;
}

long count_training(const std::string& optimizer, bool batchnorm, double dropout, Shape shape) {
  scratchnet::MultiLayerNetOptions o;
  o.input_size = shape.features;
  o.hidden_sizes = {shape.hidden, shape.hidden};
  o.output_size = 10;
  o.use_batchnorm = batchnorm;
  o.dropout_ratio = dropout;
  o.weight_decay_lambda = 0.01;
  scratchnet::MultiLayerNet<float> net(o);
  return count_training(optimizer, net, shape);
}

// L1 and max-norm on top of weight decay: the penalty's gradient and the
// scaling of each column back to norm 0.5 work in place.
long count_constrained_training(Shape shape) {
  scratchnet::MultiLayerNetOptions o;
  o.input_size = shape.features;
  o.hidden_sizes = {shape.hidden, shape.hidden};
  o.output_size = 10;
  o.weight_decay_lambda = 0.01;
  o.l1_lambda = 0.001;
  o.max_norm = 0.5;
  scratchnet::MultiLayerNet<float> net(o);
  return count_training("adam", net, shape);
}

// A network from a layer string, as mnist_train --layers builds it, for
// samples of the given shape (shape.features values).
long count_layered_training(const std::string& layers, const scratchnet::Shape& sample,
                            Shape shape) {
  scratchnet::Sequential<float> net(sample, 3);
  scratchnet::add_layers(net, scratchnet::parse_layer_specs(layers));
  net.initialize(scratchnet::WeightInit::he());
  net.set_weight_decay(0.01);
  return count_training("adam", net, shape);
}

}  // namespace

int main() {
  for (const char* rule : {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"}) {
    expect_zero((std::string(rule) + ", relu, 20-32-32-10").c_str(),
                count_training(rule, false, 0, kSmall));
  }
  expect_zero("adam, batch norm, dropout 0.15, 20-32-32-10",
              count_training("adam", true, 0.15, kSmall));
  expect_zero("sgd, relu, 784-100-100-10, batch 100", count_training("sgd", false, 0, kMnist));
  expect_zero("adam, L1 and max-norm, 784-100-100-10, batch 100",
              count_constrained_training(kMnist));
  expect_zero("adam, batch norm, dropout 0.15, 784-100-100-10, batch 100",
              count_training("adam", true, 0.15, kMnist));
  const std::string layers =
      "affine(100),batchnorm,tanh,dropout(0.1,1),affine(64),sigmoid,affine(32),relu,affine(10)";
  expect_zero(("adam, --layers " + layers + ", batch 100").c_str(),
              count_layered_training(layers, scratchnet::Shape::vector(784), kMnist));
  const std::string conv =
      "conv(8,5),batchnorm,relu,maxpool(2),conv(8,4,stride=2,pad=1),relu,avgpool(2),dropout(0.2),"
      "affine(10)";
  expect_zero(("adam, --layers " + conv + ", batch 100").c_str(),
              count_layered_training(conv, scratchnet::Shape{1, 28, 28}, kMnist));
  // The book's two networks (mnist_train --net simple-conv and deep-conv,
  // W6 and W7): their products are large enough for Eigen to put its packing
  // buffers on the heap when they do not fit its stack limit.
  const std::string simple_conv = "conv(30,5),relu,maxpool(2),affine(100),relu,affine(10)";
  expect_zero(("adam, --layers " + simple_conv + ", batch 100").c_str(),
              count_layered_training(simple_conv, scratchnet::Shape{1, 28, 28}, kMnist));
  const std::string deep_conv =
      "conv(16,3,pad=1),relu,conv(16,3,pad=1),relu,maxpool(2),conv(32,3,pad=1),relu,"
      "conv(32,3,pad=2),relu,maxpool(2),conv(64,3,pad=1),relu,conv(64,3,pad=1),relu,maxpool(2),"
      "affine(50),relu,dropout(0.5),affine(10),dropout(0.5)";
  expect_zero(("adam, --layers " + deep_conv + ", batch 20").c_str(),
              count_layered_training(deep_conv, scratchnet::Shape{1, 28, 28}, kMnistBatch20));
  // Cross-check that the counter sees allocations at all. The call goes
  // through a volatile pointer: clang elides a new/delete (or malloc/free)
  // pair whose memory is never used, and the probe would count nothing.
  void* (*volatile allocate)(std::size_t) = std::malloc;
  const long before = allocations.load();
  void* probe = allocate(100);
  std::free(probe);
  if (allocations.load() - before < 1) {
    std::printf("the allocation counter does not count\n");
    ++failures;
  }
  std::printf(failures == 0 ? "no allocations after the first iteration\n" : "FAILED\n");
  return failures == 0 ? 0 : 1;
}
