// The processes a program runs as, whether or not it is built with MPI: with
// scratchnet::mpi (which defines SCRATCHNET_HAS_MPI) Session is MpiSession,
// the processes mpirun started; without it, LocalSession, this process alone.
// A program written against Session builds and runs either way.
//
//   scratchnet::Session session(argc, argv);
//   options.processes = session.processes();   // nullptr when alone
//   return session.finish(code);
#pragma once

#if SCRATCHNET_HAS_MPI
#include "scratchnet/distributed/mpi.hpp"
#else
#include "scratchnet/training/communicator.hpp"
#endif

namespace scratchnet {

// One process, no MPI: the interface of MpiSession, doing nothing.
class LocalSession {
 public:
  LocalSession(int& /*argc*/, char**& /*argv*/) {}
  Communicator* processes() { return nullptr; }
  int rank() const { return 0; }
  int size() const { return 1; }
  void wait_for_all() {}
  int finish(int code) { return code; }
};

#if SCRATCHNET_HAS_MPI
using Session = MpiSession;
#else
using Session = LocalSession;
#endif

}  // namespace scratchnet
