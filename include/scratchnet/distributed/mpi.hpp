// MPI for data-parallel training and the distributed search: the processes
// that mpirun starts, as a Communicator (training/communicator.hpp). Its own
// CMake target, scratchnet::mpi, links MPI; the rest of the library never
// needs it.
//
//   int main(int argc, char** argv) {
//     scratchnet::MpiSession mpi(argc, argv);     // MPI_Init under mpirun, else nothing
//     scratchnet::TrainerOptions options;
//     options.processes = mpi.processes();       // nullptr when run alone
//     ...
//     return mpi.finish(code);                    // a failure ends every process
//   }
//
// Gradients are summed with MPI_Allreduce. MPI does not promise that every
// process gets the same bits from it; the Trainer checks that every process
// still holds the same weights after each epoch.
#pragma once

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "scratchnet/training/communicator.hpp"

namespace scratchnet {

// The processes of an MPI communicator (every process of the job by default).
class MpiProcesses : public Communicator {
 public:
  explicit MpiProcesses(MPI_Comm communicator = MPI_COMM_WORLD) : communicator_(communicator) {
    MPI_Comm_rank(communicator_, &rank_);
    MPI_Comm_size(communicator_, &size_);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void sum(float* values, std::size_t count) override { all_reduce(values, count, MPI_FLOAT); }
  void sum(double* values, std::size_t count) override { all_reduce(values, count, MPI_DOUBLE); }

  std::vector<std::string> all_gather(const std::string& bytes) override {
    const int mine = checked_count(bytes.size());
    std::vector<int> counts(static_cast<std::size_t>(size_));
    MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, communicator_);
    std::vector<int> offsets(counts.size());
    long long total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      offsets[r] = checked_count(static_cast<std::size_t>(total));
      total += counts[r];
    }
    std::string all(static_cast<std::size_t>(total), '\0');
    MPI_Allgatherv(bytes.data(), mine, MPI_CHAR, all.data(), counts.data(), offsets.data(),
                   MPI_CHAR, communicator_);
    std::vector<std::string> out;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      out.push_back(
          all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(counts[r])));
    }
    return out;
  }

 private:
  // MPI counts are ints: a larger array goes in pieces.
  template <typename T>
  void all_reduce(T* values, std::size_t count, MPI_Datatype type) {
    while (count > 0) {
      const int piece = static_cast<int>(std::min<std::size_t>(count, INT_MAX));
      MPI_Allreduce(MPI_IN_PLACE, values, piece, type, MPI_SUM, communicator_);
      values += piece;
      count -= static_cast<std::size_t>(piece);
    }
  }
  static int checked_count(std::size_t n) {
    if (n > static_cast<std::size_t>(INT_MAX)) {
      throw std::length_error("MpiProcesses::all_gather: more than 2 GiB to gather");
    }
    return static_cast<int>(n);
  }

  MPI_Comm communicator_;
  int rank_ = 0;
  int size_ = 1;
};

// True when an MPI launcher started this process (Open MPI's mpirun, MPICH's
// Hydra, Slurm's srun): it then sets its rank in the environment.
inline bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

// MPI for the life of a program. Started under an MPI launcher only: a
// program run on its own is the single-process program, bit for bit, without
// MPI's start-up. Only the main thread calls MPI (Eigen's threads do not).
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv) {
    if (!launched_by_mpi()) return;
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    processes_.emplace(MPI_COMM_WORLD);
  }
  ~MpiSession() {
    if (processes_) MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  // The job's processes; nullptr when this program runs alone.
  Communicator* processes() { return processes_ ? &*processes_ : nullptr; }
  int rank() const { return processes_ ? processes_->rank() : 0; }
  int size() const { return processes_ ? processes_->size() : 1; }

  // Returns when every process has called it.
  void wait_for_all() {
    if (processes_) MPI_Barrier(MPI_COMM_WORLD);
  }

  // The program's exit code. A process that fails while others may wait for
  // it in a sum ends the whole job (MPI_Abort) rather than leave them hanging.
  int finish(int code) {
    if (code != 0 && size() > 1) MPI_Abort(MPI_COMM_WORLD, code);
    return code;
  }

 private:
  std::optional<MpiProcesses> processes_;
};

}  // namespace scratchnet
