// What every example program shares: where the data is by default, one-line
// errors with exit code 2, and drawing figures with gnuplot.
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

inline bool have_gnuplot() {
  return std::system("command -v gnuplot >/dev/null 2>&1") == 0;
}

inline std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs examples/plots/<script> with gnuplot, defining each "name=value" as a
// gnuplot string variable. Returns false (after saying why) when gnuplot is
// not installed; throws when it fails.
inline bool plot(const std::string& script,
                 const std::vector<std::pair<std::string, std::string>>& variables) {
  if (!have_gnuplot()) {
    std::cerr << "note: gnuplot is not installed, so no figure was drawn (scripts/setup-deps.sh "
                 "installs it)\n";
    return false;
  }
  std::string definitions;
  for (const auto& [name, value] : variables) {
    std::string escaped;
    for (char c : value) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
    definitions += name + "=\"" + escaped + "\";";
  }
  const std::string command = "gnuplot -e " + shell_quoted(definitions) + " " +
                              shell_quoted(std::string(SCRATCHNET_PLOTS_DIR) + "/" + script);
  if (std::system(command.c_str()) != 0) throw std::runtime_error("gnuplot failed on " + script);
  return true;
}

}  // namespace examples
