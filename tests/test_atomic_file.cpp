// Saving files (core/atomic_file.hpp): what sits at the target decides what a
// save may do. A regular file or a new name is replaced whole; a symlink is
// followed to the file it names; anything else (a folder, a FIFO, a socket, a
// device node) is refused with its path and kind, and left as it was. The
// temporary file is always a new file, never one planted under its name, and
// the saved file keeps the permission bits of the one it replaces.
//
// Every hostile file is made inside a TempDir of its own; none is aimed at the
// machine's files (the suite may run as root).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "scratchnet/core/atomic_file.hpp"
#include "scratchnet/network/model_file.hpp"
#include "support/bytes.hpp"
#include "support/hostile_files.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using Catch::Contains;
using Catch::StartsWith;
using scratchnet::test::Bytes;
using scratchnet::test::make_fifo;
using scratchnet::test::make_null_device;
using scratchnet::test::make_socket;
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

TEST_CASE("A save refuses to replace what is not a regular file", "[atomic_file][errors]") {
  TempDir dir;
  const auto refused = [&](const std::string& path, const std::string& kind) {
    const std::vector<std::string> before = dir.entries();
    CHECK_THROWS_WITH(save(path), StartsWith(path + ": cannot save: it is a " + kind +
                                             "; only a regular file is replaced"));
    CHECK(dir.entries() == before);
    CHECK_FALSE(dir.has_temp_file());
  };

  fs::create_directory(dir.path() / "folder");
  refused(dir.file("folder"), "directory");
  CHECK(fs::is_directory(dir.path() / "folder"));
  CHECK(fs::is_empty(dir.path() / "folder"));

  make_fifo(dir.file("fifo"));
  refused(dir.file("fifo"), "named pipe (FIFO)");
  CHECK(fs::is_fifo(dir.path() / "fifo"));

  make_socket(dir.file("socket"));
  refused(dir.file("socket"), "socket");
  CHECK(fs::is_socket(dir.path() / "socket"));

  if (make_null_device(dir.file("nul"))) {
    refused(dir.file("nul"), "character device");
    CHECK(fs::is_character_file(dir.path() / "nul"));
  }
}

TEST_CASE("A save through a symlink replaces the file it names", "[atomic_file]") {
  TempDir dir;
  SECTION("a link to a file, the link stays") {
    write_bytes(dir.file("real.bin"), kOld);
    fs::create_symlink("real.bin", dir.path() / "link.bin");
    save(dir.file("link.bin"));
    CHECK(fs::is_symlink(dir.path() / "link.bin"));
    CHECK(read_bytes(dir.file("real.bin")) == kSaved);
  }
  SECTION("a chain of links, relative to each link's folder") {
    fs::create_directory(dir.path() / "sub");
    write_bytes(dir.file("real.bin"), kOld);
    fs::create_symlink("../real.bin", dir.path() / "sub" / "one");
    fs::create_symlink("sub/one", dir.path() / "two");
    save(dir.file("two"));
    CHECK(fs::is_symlink(dir.path() / "two"));
    CHECK(fs::is_symlink(dir.path() / "sub" / "one"));
    CHECK(read_bytes(dir.file("real.bin")) == kSaved);
    CHECK(dir.entries() == std::vector<std::string>{"real.bin", "sub", "two"});
  }
  SECTION("a link to a name that does not exist yet creates it") {
    fs::create_symlink(dir.path() / "new.bin", dir.path() / "link.bin");
    save(dir.file("link.bin"));
    CHECK(fs::is_symlink(dir.path() / "link.bin"));
    CHECK(read_bytes(dir.file("new.bin")) == kSaved);
  }
  SECTION("a link to something else is refused, naming both") {
    make_fifo(dir.file("fifo"));
    fs::create_symlink("fifo", dir.path() / "link.bin");
    CHECK_THROWS_WITH(save(dir.file("link.bin")),
                      dir.file("link.bin") + ": cannot save: it links to " + dir.file("fifo") +
                          ", a named pipe (FIFO); only a regular file is replaced");
    CHECK(fs::is_fifo(dir.path() / "fifo"));
  }
  SECTION("a loop of links is refused") {
    fs::create_symlink("b", dir.path() / "a");
    fs::create_symlink("a", dir.path() / "b");
    CHECK_THROWS_WITH(save(dir.file("a")), StartsWith(dir.file("a") + ": cannot save: ") &&
                                               Contains("Too many levels of symbolic links"));
    CHECK(dir.entries() == std::vector<std::string>{"a", "b"});
  }
}

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

  // The same for a model, through a link: the linked file keeps its mode.
  const scratchnet::MultiLayerNet<float> net(scratchnet::MultiLayerNetOptions{});
  write_bytes(dir.file("private.bin"), kOld);
  fs::permissions(dir.file("private.bin"), fs::perms::owner_read | fs::perms::owner_write);
  fs::create_symlink("private.bin", dir.path() / "link.bin");
  net.save(dir.file("link.bin"));
  CHECK(mode_of(dir.file("private.bin")) == 0600U);
  CHECK((read_bytes(dir.file("private.bin")) == net.to_bytes()));  // not printed: 300 kB
}
