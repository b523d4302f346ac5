// The record of temporary files (core/temporary_files.hpp): a save in
// progress can be cleaned up by a signal handler that ends the program, and a
// finished or failed save leaves nothing recorded.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "scratchnet/core/atomic_file.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/network/model_file.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using scratchnet::test::TempDir;

namespace {

extern "C" void remove_temporary_files_and_exit(int) {
  scratchnet::remove_temporary_files();
  std::_Exit(0);
}

}  // namespace

TEST_CASE("A save in progress can be removed by a signal handler", "[temporary_files]") {
  TempDir dir;
  {
    scratchnet::AtomicFile file(dir.file("model.bin"));
    REQUIRE(fs::exists(file.temp_path()));
    scratchnet::remove_temporary_files();
    CHECK_FALSE(fs::exists(file.temp_path()));
  }
  CHECK(dir.entries().empty());

  // Saved or abandoned, a save is no longer recorded: the saved file stays.
  scratchnet::write_file_atomically(dir.file("saved.bin"), std::string("bytes"));
  { scratchnet::AtomicFile abandoned(dir.file("abandoned.bin")); }
  scratchnet::remove_temporary_files();
  CHECK(dir.entries() == std::vector<std::string>{"saved.bin"});
}

TEST_CASE("SIGTERM during saves leaves no temporary file", "[temporary_files][faults]") {
  // As "A model file killed during saves always loads", with SIGTERM and a
  // handler that removes the temporary files before it ends the program, as
  // the example programs' handlers do.
  const TempDir dir;
  const std::string path = dir.file("model.bin");
  scratchnet::MultiLayerNetOptions options;
  options.hidden_sizes = {200, 200};
  const scratchnet::MultiLayerNet<float> net(options);
  net.save(path);
  scratchnet::Rng rng(11);
  // Set before the fork, so that no child can be signalled without it.
  const auto previous = ::signal(SIGTERM, remove_temporary_files_and_exit);
  for (int round = 0; round < 100; ++round) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      for (;;) net.save(path);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200 + rng.below(3000)));
    ::kill(child, SIGTERM);
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    if (dir.entries() != std::vector<std::string>{"model.bin"}) {
      FAIL("round " << round << ": left " << dir.entries().size() - 1 << " temporary file(s)");
    }
  }
  ::signal(SIGTERM, previous);
  CHECK((scratchnet::MultiLayerNet<float>::load(path).to_bytes() == net.to_bytes()));
}
