// The processes an example program runs as (scratchnet/distributed/session.hpp):
// those mpirun started when the program is built with MPI, else this one.
// Rank 0 speaks for the job: the others print nothing but their errors, which
// name their rank.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <scratchnet/distributed/session.hpp>
#include <string>

namespace examples {

using Processes = scratchnet::Session;

// Silences the standard output of every process but rank 0, and makes the
// others' error messages say which process they come from.
inline void speak_from_rank_zero(const Processes& processes, CLI::App& app) {
  if (processes.rank() == 0) return;
  if (std::freopen("/dev/null", "w", stdout) == nullptr) std::fclose(stdout);
  app.name(app.get_name() + " (rank " + std::to_string(processes.rank()) + ")");
}

}  // namespace examples
