// GFLOP/s of the three matrix products of an Affine layer (y = x W,
// dW = x^T dy, dx = dy W^T) at the shapes of the workloads, as Eigen computes
// them in this build, for both storage orders. It is the measurement behind
// two choices of docs/performance.md: -mtune=generic with g++ (build this
// once with and once without it) and row-major matrices.
//
//   gemm_rates            best of 15 repetitions of 20 steps per shape
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>

namespace {

struct Shape {
  const char* workload;
  int batch, inputs, outputs;
};

template <int Order>
double affine_gflops(const Shape& s) {
  using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Order>;
  const M x = M::Random(s.batch, s.inputs);
  const M W = M::Random(s.inputs, s.outputs);
  const M dy = M::Random(s.batch, s.outputs);
  M y(s.batch, s.outputs), dW(s.inputs, s.outputs), dx(s.batch, s.inputs);
  constexpr int kSteps = 20;
  double best = 1e30;
  for (int repetition = 0; repetition < 15; ++repetition) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kSteps; ++i) {
      y.noalias() = x * W;
      dW.noalias() = x.transpose() * dy;
      dx.noalias() = dy * W.transpose();
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / kSteps);
  }
  const double flops = 3 * 2.0 * s.batch * s.inputs * s.outputs;
  return flops / best / 1e9;
}

}  // namespace

int main() {
  Eigen::setNbThreads(1);
  const Shape shapes[] = {{"W1 layer 1", 100, 784, 100},
                          {"W1 hidden", 100, 100, 100},
                          {"W1 output", 100, 100, 10},
                          {"W4 layer 1", 256, 784, 1024},
                          {"W4 hidden", 256, 1024, 1024}};
  std::printf("%-11s %18s %10s %10s\n", "layer", "batch x in x out", "row-major", "col-major");
  for (const Shape& s : shapes) {
    std::printf("%-11s %4d x %4d x %4d %10.1f %10.1f\n", s.workload, s.batch, s.inputs, s.outputs,
                affine_gflops<Eigen::RowMajor>(s), affine_gflops<Eigen::ColMajor>(s));
  }
  return 0;
}
