// Saving files (core/atomic_file.hpp): the temporary file is always a new
// file, never one planted under its name, and the saved file keeps the
// permission bits of the one it replaces.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "scratchnet/core/atomic_file.hpp"
#include "support/bytes.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using scratchnet::test::Bytes;
using scratchnet::test::read_bytes;
using scratchnet::test::TempDir;
using scratchnet::test::write_bytes;

namespace {

const Bytes kSaved{1, 2, 3, 4, 5};
const Bytes kOld{9, 9};

void save(const std::string& path) {
  scratchnet::write_file_atomically(path, kSaved);
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777U;
}

// Sets the umask for one scope (the suite runs its tests on one thread).
class UmaskScope {
 public:
  explicit UmaskScope(mode_t mask) : old_(::umask(mask)) {}
  ~UmaskScope() { ::umask(old_); }
  UmaskScope(const UmaskScope&) = delete;
  UmaskScope& operator=(const UmaskScope&) = delete;

 private:
  mode_t old_;
};

}  // namespace

TEST_CASE("The temporary file is never a file or link that was there", "[atomic_file]") {
  // The name the temporary file had before: <path>.tmp.<pid>, planted as a
  // link to a file the save must not touch.
  TempDir dir;
  const std::string path = dir.file("out.bin");
  write_bytes(dir.file("victim.txt"), kOld);
  const std::string planted = path + ".tmp." + std::to_string(::getpid());
  fs::create_symlink(dir.path() / "victim.txt", planted);
  save(path);
  CHECK(read_bytes(dir.file("victim.txt")) == kOld);
  CHECK(fs::is_regular_file(fs::symlink_status(path)));
  CHECK(read_bytes(path) == kSaved);
  CHECK(fs::is_symlink(planted));
}

TEST_CASE("A save keeps the permission bits of the file it replaces", "[atomic_file]") {
  TempDir dir;
  const UmaskScope umask(022);
  const std::string path = dir.file("model.bin");
  for (const unsigned mode : {0600U, 0640U, 0444U, 0755U}) {
    write_bytes(path, kOld);
    fs::permissions(path, static_cast<fs::perms>(mode));
    save(path);
    CHECK(mode_of(path) == mode);
    CHECK(read_bytes(path) == kSaved);
  }

  // A new file: 0666 less the umask, as any program's.
  for (const mode_t mask : {022U, 077U, 002U}) {
    const UmaskScope inner(mask);
    fs::remove(path);
    save(path);
    CHECK(mode_of(path) == (0666U & ~static_cast<unsigned>(mask)));
  }
}
