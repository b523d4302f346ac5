// The processes that train one network together, as the Trainer and the
// search see them: how many there are, which one this is, and the two
// collective operations they need. The library's training code depends only on
// this class, so it builds without MPI; distributed/mpi.hpp implements it on
// MPI, and a test can implement it on threads.
//
// Every process must make the same calls in the same order (a collective
// operation waits for all of them), and each must leave every process holding
// the same bits: the weights stay identical only if the summed gradients are.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;  // 0 .. size() - 1; rank 0 writes the files
  virtual int size() const = 0;

  // values[i] = the sum over every process of its values[i].
  virtual void sum(float* values, std::size_t count) = 0;
  virtual void sum(double* values, std::size_t count) = 0;

  // Every process gets every process's bytes, in rank order.
  virtual std::vector<std::string> all_gather(const std::string& bytes) = 0;
};

// The rows [begin, begin + count) of `rows` that process `rank` of `size`
// takes: shares as equal as can be, in rank order, covering every row once.
struct RowShare {
  Index begin = 0;
  Index count = 0;
};

inline RowShare row_share(Index rows, int rank, int size) {
  const Index begin = rows * rank / size;
  return {begin, rows * (rank + 1) / size - begin};
}

}  // namespace scratchnet
