// What every example program shares: where the data is by default, and
// one-line errors with exit code 2.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <string>

namespace examples {

constexpr int kUsageOrDataError = 2;

inline const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// $MNIST_DIR when set, else Fashion-MNIST from the Debian package.
inline std::string default_data_dir() {
  const char* env = std::getenv("MNIST_DIR");
  return env != nullptr && *env != '\0' ? env : kFashionMnistDir;
}

// Parses the command line and runs body: --help exits 0, a bad flag or any
// exception becomes one line on stderr and exit code 2.
inline int run(CLI::App& app, int argc, char** argv, const std::function<int()>& body) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << app.get_name() << ": " << e.what() << " (see --help)\n";
    return kUsageOrDataError;
  }
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << app.get_name() << ": error: " << e.what() << "\n";
    return kUsageOrDataError;
  }
}

}  // namespace examples
