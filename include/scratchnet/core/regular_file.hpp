// What the library reads from and saves over: regular files only.
//
// A FIFO given as a model, checkpoint or IDX file would block its open() until
// another process writes to it, forever if none does; a device node such as
// /dev/zero never ends, so a reader that trusts it reads gigabytes before
// deciding it is not a model. Both are refused by their type, before any byte
// is read. A file is opened without blocking and its type taken from the open
// descriptor (fstat), so the check and the read see the same file even if
// the name is replaced in between. POSIX only, like the rest of the library's
// file handling.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

namespace scratchnet::detail {

// "named pipe (FIFO)", "directory": what a file of that type is called in
// messages; empty for a regular file.
inline std::string kind_of_file(std::filesystem::file_type type) {
  using std::filesystem::file_type;
  switch (type) {
    case file_type::regular:
      return "";
    case file_type::directory:
      return "directory";
    case file_type::fifo:
      return "named pipe (FIFO)";
    case file_type::socket:
      return "socket";
    case file_type::character:
      return "character device";
    case file_type::block:
      return "block device";
    default:
      return "file of unknown type";
  }
}

inline std::filesystem::file_type file_type_of_mode(mode_t mode) {
  using std::filesystem::file_type;
  if (S_ISREG(mode)) return file_type::regular;
  if (S_ISDIR(mode)) return file_type::directory;
  if (S_ISFIFO(mode)) return file_type::fifo;
  if (S_ISSOCK(mode)) return file_type::socket;
  if (S_ISCHR(mode)) return file_type::character;
  if (S_ISBLK(mode)) return file_type::block;
  return file_type::unknown;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// A regular file open for reading, and its size when opened.
struct RegularFile {
  FilePtr file;
  std::uint64_t size = 0;
};

// Opens path (following links) for reading in binary mode. On failure the
// file is null and why says what is wrong: the system's reason ("No such
// file or directory") or "it is a named pipe (FIFO), not a regular file".
inline RegularFile open_regular_file(const std::string& path, std::string& why) {
  RegularFile out;
  const auto not_regular = [&](const struct stat& st) {
    const std::string kind = kind_of_file(file_type_of_mode(st.st_mode));
    if (!kind.empty()) why = "it is a " + kind + ", not a regular file";
    return !kind.empty();
  };
  struct stat st {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    // A socket cannot be opened at all (ENXIO): say what it is instead.
    const int open_error = errno;
    if (::stat(path.c_str(), &st) != 0 || !not_regular(st)) why = std::strerror(open_error);
    return out;
  }
  if (::fstat(fd, &st) != 0 || not_regular(st)) {
    if (why.empty()) why = std::strerror(errno);
    ::close(fd);
    return out;
  }
  // Back to blocking reads: O_NONBLOCK was only there for the open.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  out.file.reset(::fdopen(fd, "rb"));
  if (!out.file) {
    why = std::strerror(errno);
    ::close(fd);
    return out;
  }
  out.size = static_cast<std::uint64_t>(st.st_size);
  return out;
}

}  // namespace scratchnet::detail
