// What every example program shares: where the data is by default, and
// one-line errors with exit code 2.
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <scratchnet/core/temporary_files.hpp>
#include <string>
#include <thread>

namespace examples {

constexpr int kUsageOrDataError = 2;

inline const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// $MNIST_DIR when set, else Fashion-MNIST from the Debian package.
inline std::string default_data_dir() {
  const char* env = std::getenv("MNIST_DIR");
  return env != nullptr && *env != '\0' ? env : kFashionMnistDir;
}

// The machine's hardware threads (1 when it does not say).
inline int hardware_threads() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// A thread count from 1 to hardware_threads(). Eigen splits a product between
// its threads, each computing its part on a core of its own; a thread beyond
// the hardware ones can only wait for a core, changes no result (any count of
// 2 or more gives the same bits) and, by the thousand, makes libgomp fail or
// crash.
inline CLI::Validator thread_count() {
  const int most = hardware_threads();
  return CLI::Validator(
      [most](std::string& text) {
        int n = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, n);
        if (error == std::errc() && stop == end && n >= 1 && n <= most) return std::string();
        return text + " is not from 1 to " + std::to_string(most) +
               ", the hardware threads of this machine";
      },
      "1-" + std::to_string(most));
}

// Ends the program as the signal would, after removing the temporary files of
// the saves in progress (core/temporary_files.hpp).
extern "C" inline void remove_temporary_files_and_end(int signal) {
  scratchnet::remove_temporary_files();
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

// Parses the command line and runs body: --help exits 0, a bad flag or any
// exception becomes one line on stderr and exit code 2. SIGINT, SIGTERM and
// SIGHUP end the program without leaving temporary files behind.
inline int run(CLI::App& app, int argc, char** argv, const std::function<int()>& body) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << app.get_name() << ": " << e.what() << " (see --help)\n";
    return kUsageOrDataError;
  }
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
    std::signal(signal, remove_temporary_files_and_end);
  }
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << app.get_name() << ": error: " << e.what() << "\n";
    return kUsageOrDataError;
  }
}

}  // namespace examples
