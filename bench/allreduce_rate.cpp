// The time of one gradient sum between the processes mpirun starts, as the
// data-parallel Trainer sums (MpiProcesses::sum, in place), for the sizes the
// workloads sum per step: the bytes and latency behind docs/distributed.md's
// scaling model, and the way to compare Open MPI's transports on a machine:
//
//   mpirun -np 2 --bind-to core allreduce_rate
//   mpirun -np 2 --bind-to core --mca btl_vader_single_copy_mechanism none allreduce_rate
//
// Before each sum every process writes its values (as a backward pass writes
// its gradients), then all meet in a barrier, so a sum starts together and
// finds the values where a training step leaves them. Rank 0 prints the median
// and 90th percentile of 300 sums in microseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "scratchnet/distributed/mpi.hpp"

namespace {

struct SumSize {
  const char* what;
  std::size_t floats;
};

// The gradients a step sums: W1's all in one packed buffer; W6's 4320 x 100
// layer on its own (the rest, 1,890 values, packed); W7's all packed.
const SumSize sizes[] = {{"small message", 1000},
                         {"W1 784-100x4-10, packed", 109810},
                         {"W7 DeepConvNet, packed", 123552},
                         {"W6 SimpleConvNet 4320 x 100", 432000},
                         {"a million floats", 1000000}};

}  // namespace

int main(int argc, char** argv) {
  scratchnet::MpiSession session(argc, argv);
  scratchnet::Communicator* processes = session.processes();
  if (processes == nullptr) {
    std::fprintf(stderr, "allreduce_rate: run it under mpirun, e.g. mpirun -np 2 allreduce_rate\n");
    return 2;
  }
  if (session.rank() == 0) {
    std::printf("%d processes; microseconds per sum, median and 90th percentile of 300\n",
                session.size());
    std::printf("%-30s %9s %9s %9s %9s\n", "sum of", "floats", "median", "p90", "GB/s");
  }
  for (const SumSize& size : sizes) {
    std::vector<float> values(size.floats);
    std::vector<double> us;
    for (int repetition = 0; repetition < 300; ++repetition) {
      std::fill(values.begin(), values.end(), static_cast<float>(session.rank() + repetition));
      session.wait_for_all();
      const auto start = std::chrono::steady_clock::now();
      processes->sum(values.data(), values.size());
      us.push_back(
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
              .count());
    }
    const int n = session.size();
    const float expected = static_cast<float>(n * (n - 1) / 2 + n * 299);
    if (values.front() != expected || values.back() != expected) {
      std::fprintf(stderr, "allreduce_rate: the sum of %zu floats is %g, not %g\n", size.floats,
                   static_cast<double>(values.front()), static_cast<double>(expected));
      return session.finish(1);
    }
    std::sort(us.begin(), us.end());
    const double median = us[us.size() / 2];
    if (session.rank() == 0) {
      std::printf("%-30s %9zu %9.1f %9.1f %9.2f\n", size.what, size.floats, median,
                  us[us.size() * 9 / 10], 4e-3 * static_cast<double>(size.floats) / median);
    }
  }
  return 0;
}
