// Things that are not regular files, made at a path for tests of what a save
// or a load does with them. Make them only inside a TempDir: the suite may run
// as root, and must never aim at the machine's own files.
#pragma once

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

namespace scratchnet::test {

inline void make_fifo(const std::string& path) {
  REQUIRE(::mkfifo(path.c_str(), 0644) == 0);
}

// A Unix socket bound at path and closed, as a stopped server leaves one.
inline void make_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  REQUIRE(path.size() < sizeof address.sun_path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  ::close(fd);
  REQUIRE(bound == 0);
}

// A node with the numbers of a memory device, as `mknod nul c 1 3` makes the
// null device (minor 3) and `mknod zero c 1 5` the zero device. Only root may
// make one: false (and a warning) otherwise.
inline bool make_memory_device(const std::string& path, unsigned minor) {
  if (::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, minor)) == 0) return true;
  WARN("not root: no device node at " << path);
  return false;
}

inline bool make_null_device(const std::string& path) {
  return make_memory_device(path, 3);
}

}  // namespace scratchnet::test
