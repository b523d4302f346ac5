// A fresh folder under the system's temporary directory, removed with its
// contents when the object goes. Shared by the tests that write files.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <vector>

namespace scratchnet::test {

class TempDir {
 public:
  // The folder is named <prefix>_<pid>_<random>_<counter>: unique across the
  // processes ctest runs at once and within one process.
  explicit TempDir(const std::string& prefix = "scratchnet_test") {
    static std::atomic<unsigned> counter{0};
    std::random_device entropy;
    path_ = std::filesystem::temp_directory_path() /
            (prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(entropy()) + "_" +
             std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  // Names of the entries in the folder, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // True when a temporary file of an atomic write ("<name>.tmp.<...>") is left.
  bool has_temp_file() const {
    for (const std::string& name : entries()) {
      if (name.find(".tmp.") != std::string::npos) return true;
    }
    return false;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace scratchnet::test
