// The readers of scratchnet take a path, so a fuzz target writes each input
// to a file first: an anonymous in-memory file (memfd) reached through
// /proc/self/fd/N, which costs no disk and leaves nothing behind; where memfd
// is missing, a file in /dev/shm or the temp folder, named by the process id.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace fuzz {

// Where a target keeps files of its own: /dev/shm (memory) where it can
// write, else /tmp.
inline std::string scratch_folder() {
  return ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

class FuzzFile {
 public:
  FuzzFile() {
#ifdef MFD_CLOEXEC
    fd_ = ::memfd_create("scratchnet_fuzz", MFD_CLOEXEC);
#endif
    if (fd_ >= 0) {
      path_ = "/proc/self/fd/" + std::to_string(fd_);
      return;
    }
    path_ = scratch_folder() + "/scratchnet_fuzz_" + std::to_string(::getpid());
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      std::perror(path_.c_str());
      std::abort();
    }
    unlink_ = true;
  }
  ~FuzzFile() {
    ::close(fd_);
    if (unlink_) ::unlink(path_.c_str());
  }
  FuzzFile(const FuzzFile&) = delete;
  FuzzFile& operator=(const FuzzFile&) = delete;

  // Makes the file hold exactly data[0, size).
  const std::string& write(const std::uint8_t* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) fail("ftruncate");
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) fail("pwrite");
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

  const std::string& path() const {
    return path_;
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    std::perror((path_ + ": " + what).c_str());
    std::abort();
  }

  int fd_ = -1;
  std::string path_;
  bool unlink_ = false;
};

// Stops the fuzzer with a message: an outcome the library promises never to
// produce (a crash in libFuzzer's terms, so the input is saved).
[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// True when message starts with "<path>: " and says something after it.
inline bool names_file(const std::string& message, const std::string& path) {
  return message.size() > path.size() + 2 && message.compare(0, path.size(), path) == 0 &&
         message.compare(path.size(), 2, ": ") == 0;
}

// What every target checks of a reader: read(), which reads path, returns
// (then true) or throws Error with a message "<path>: <fault>" (then false).
// Another exception, or an Error not naming the file, is a finding; `what`
// says which reader it was.
template <typename Error, typename Read>
bool reads_or_names_file(const std::string& path, const std::string& what, const Read& read) {
  try {
    read();
    return true;
  } catch (const Error& e) {
    if (!names_file(e.what(), path)) {
      finding(what + ": the error does not start with the path: " + e.what());
    }
  } catch (const std::exception& e) {
    finding(what + ": unexpected exception: " + e.what());
  }
  return false;
}

}  // namespace fuzz
