// Saving a file whole or not at all, and only over a regular file.
//
// The bytes go to a new temporary file in the target's folder, are flushed to
// disk and renamed over the target, so a crash or a kill leaves the old file
// or the new one, never a part. What sits at the target decides what a save
// may do:
// - nothing, or a regular file: replaced; the new file keeps the old one's
//   permission bits (a 0600 model stays 0600), a new name gets 0666 less the
//   umask, as any program's file;
// - a symlink: followed, link by link, and the file it names is saved as
//   above; the link stays as it was;
// - anything else (a folder, a FIFO, a socket, a device node): refused, since
//   a rename would put a plain file in its place.
// The temporary file is created with O_CREAT | O_EXCL | O_NOFOLLOW under a
// random name, so it is never a file or a link that was already there, and is
// recorded for remove_temporary_files() (core/temporary_files.hpp) while it
// exists.
// POSIX only, like the rest of the library's file handling.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "scratchnet/core/regular_file.hpp"
#include "scratchnet/core/temporary_files.hpp"

namespace scratchnet {

// One save in progress: the constructor checks the target and creates the
// temporary file, write() fills it (or a program writes to temp_path()),
// commit() puts it in the target's place. Until then the target is untouched,
// and the destructor removes the temporary file. Every failure throws
// std::runtime_error "<path>: cannot save: <what>".
class AtomicFile {
 public:
  explicit AtomicFile(std::string path) : path_(std::move(path)) {
    resolve_target();
    create_temporary_file();
  }
  ~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!temp_.empty() && !committed_) ::unlink(temp_.c_str());
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // The file a commit replaces: the path given with its links followed.
  const std::string& target() const { return target_; }
  const std::string& temp_path() const { return temp_; }

  void write(const void* data, std::size_t size) {
    const auto* at = static_cast<const char*>(data);
    while (size > 0) {
      const ssize_t n = ::write(fd_, at, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("cannot write " + temp_, n < 0 ? errno : EIO);
      at += n;
      size -= static_cast<std::size_t>(n);
    }
  }

  // Flushes the temporary file to disk and renames it over the target.
  void commit() {
    if (keep_mode_ && ::fchmod(fd_, mode_) != 0) fail("cannot set the mode of " + temp_, errno);
    if (::fsync(fd_) != 0) fail("cannot flush " + temp_ + " to disk", errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("cannot close " + temp_, errno);
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
      fail("cannot rename " + temp_ + " to " + target_, errno);
    }
    committed_ = true;
    record_.release();
    sync_folder();
  }

 private:
  [[noreturn]] void fail(const std::string& what, int error) const {
    throw std::runtime_error(path_ + ": cannot save: " + what + ": " + std::strerror(error));
  }
  [[noreturn]] void refuse(const std::string& what) const {
    throw std::runtime_error(path_ + ": cannot save: " + what +
                             "; only a regular file is replaced");
  }

  // Follows links from path_ to the file a save replaces, and refuses that
  // file unless it is regular or does not exist yet.
  void resolve_target() {
    namespace fs = std::filesystem;
    constexpr int kMaxLinks = 40;  // Linux's own limit when it follows a path
    fs::path target = path_;
    std::error_code ec;
    for (int links = 0;; ++links) {
      const fs::file_status status = fs::symlink_status(target, ec);
      if (status.type() == fs::file_type::not_found) break;
      if (ec) fail("cannot look at " + target.string(), ec.value());
      if (status.type() == fs::file_type::symlink) {
        if (links == kMaxLinks) fail("cannot follow its links", ELOOP);
        const fs::path next = fs::read_symlink(target, ec);
        if (ec) fail("cannot read the link " + target.string(), ec.value());
        target = next.is_absolute() ? next : target.parent_path() / next;
        continue;
      }
      const std::string kind = detail::kind_of_file(status.type());
      if (!kind.empty()) {
        refuse(target == path_ ? "it is a " + kind
                               : "it links to " + target.string() + ", a " + kind);
      }
      keep_mode_ = true;
      mode_ = static_cast<mode_t>(status.permissions()) & 0777;
      break;
    }
    target_ = target.string();
  }

  // A new file "<target>.tmp.<pid>.<random>" beside the target: O_EXCL and
  // O_NOFOLLOW make the open fail rather than reuse a name that is taken,
  // whatever sits there, and another random name is tried.
  void create_temporary_file() {
    std::random_device entropy;
    const std::string stem = target_ + ".tmp." + std::to_string(::getpid()) + ".";
    for (int attempt = 0; attempt < 100; ++attempt) {
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(entropy()));
      const std::string name = stem + suffix;
      // Recorded before it exists: a signal handled as open() returns must
      // find it. Should the name be taken (EEXIST), a signal in between would
      // remove what has this process's temporary name, pid and random part.
      record_.hold(name);
      fd_ = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
      if (fd_ >= 0) {
        temp_ = name;
        return;
      }
      const int error = errno;
      record_.release();
      if (error != EEXIST) fail("cannot create temporary file " + name, error);
    }
    fail("cannot create temporary file " + stem + "*", EEXIST);
  }

  // Makes the rename itself durable; a folder that cannot be synced is no error.
  void sync_folder() const {
    std::string folder = std::filesystem::path(target_).parent_path().string();
    if (folder.empty()) folder = ".";
    const int dir = ::open(folder.c_str(), O_RDONLY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }

  std::string path_;    // as given: every message starts with it
  std::string target_;  // path_ with its links followed
  std::string temp_;    // empty until it is created
  int fd_ = -1;
  bool committed_ = false;
  TemporaryFileRecord record_;  // from the temporary file's creation to its rename or removal
  bool keep_mode_ = false;      // the target exists: its mode_ goes to the new file
  mode_t mode_ = 0;
};

// Writes bytes (any contiguous container of chars or bytes: std::string,
// std::vector<unsigned char>) to path as a whole, as AtomicFile describes.
template <typename Container>
void write_file_atomically(const std::string& path, const Container& bytes) {
  static_assert(sizeof(*bytes.data()) == 1, "a container of bytes");
  AtomicFile file(path);
  file.write(bytes.data(), bytes.size());
  file.commit();
}

}  // namespace scratchnet
