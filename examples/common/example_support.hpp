// What every example program shares: where the data is by default, and
// one-line errors with exit code 2.
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <new>
#include <scratchnet/core/temporary_files.hpp>
#include <string>
#include <thread>
#include <vector>

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

// A count that may not be negative, for seeds: CLI11 reads "-1" into an
// unsigned integer as 2^64 - 1.
inline CLI::Validator not_negative() {
  return CLI::Validator(
      [](std::string& text) {
        return text.rfind('-', 0) == 0 ? text + " is negative" : std::string();
      },
      "N >= 0");
}

// A share strictly between 0 and 1 (of the training set held out, say).
inline CLI::Validator open_share() {
  return CLI::Validator(
      [](std::string& text) {
        char* end = nullptr;
        const double share = std::strtod(text.c_str(), &end);
        if (!text.empty() && *end == '\0' && share > 0 && share < 1) return std::string();
        return text + " is not a share between 0 and 1 (both excluded)";
      },
      "(0, 1)");
}

// A strength that may be 0 but not negative, NaN or infinite (--l1,
// --max-norm): CLI11 takes "nan" and "inf" as numbers, and a NaN compares
// false with everything, so such a run would be skipped or fail late.
inline CLI::Validator finite_not_negative() {
  return CLI::Validator(
      [](std::string& text) {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0') return text + " is not a number";
        if (!std::isfinite(value)) return text + " is not a finite number";
        return value < 0 ? text + " is negative" : std::string();
      },
      "X >= 0");
}

// At most `most`: a size beyond it asks for more than the program's figures
// or memory can use (activation_histogram --bins 10000000 wrote 5.3 GB).
inline CLI::Validator at_most(long long most, const std::string& why) {
  return CLI::Validator(
      [most, why](std::string& text) {
        long long n = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, n);
        if (error == std::errc() && stop == end && n > most) {
          return text + " is more than " + std::to_string(most) + ", " + why;
        }
        return std::string();
      },
      "<= " + std::to_string(most));
}

// Whether a list's items may repeat: sizes may, the rules or inits to
// compare may not ("adam,adam" ran one rule twice, drawn as one curve).
enum class Repeats { allowed, refused };

// Adds a comma-separated list option whose items must each be a T: CLI11's
// own list options drop an empty item, so that "--hidden 100,,100" trained a
// 100,100 network.
template <typename T>
CLI::Option* add_list_option(CLI::App& app, const std::string& name, std::vector<T>& values,
                             const std::string& help, Repeats repeats = Repeats::allowed) {
  std::string shown;
  for (const T& v : values) shown += (shown.empty() ? "" : ",") + CLI::detail::to_string(v);
  const auto parse = [&values, name, repeats](const std::string& text) {
    std::vector<T> parsed;
    std::vector<std::string> items;
    for (std::size_t begin = 0;;) {
      const std::size_t comma = text.find(',', begin);
      const std::string item = text.substr(begin, comma - begin);
      T value{};
      if (item.empty()) throw CLI::ValidationError(name, "'" + text + "' has an empty item");
      if (!CLI::detail::lexical_cast(item, value)) {
        throw CLI::ValidationError(
            name, "'" + item + "' in '" + text + "' is not a " + CLI::detail::type_name<T>());
      }
      if (repeats == Repeats::refused &&
          std::find(items.begin(), items.end(), item) != items.end()) {
        throw CLI::ValidationError(name, "'" + item + "' appears twice in '" + text + "'");
      }
      items.push_back(item);
      parsed.push_back(value);
      if (comma == std::string::npos) break;
      begin = comma + 1;
    }
    values = std::move(parsed);
  };
  return app.add_option_function<std::string>(name, parse, help)
      ->default_str(shown)
      ->type_name("LIST");
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
  } catch (const std::bad_alloc&) {
    std::cerr << app.get_name()
              << ": error: out of memory: a size given on the command line needs more memory "
                 "than this machine has\n";
    return kUsageOrDataError;
  } catch (const std::exception& e) {
    std::cerr << app.get_name() << ": error: " << e.what() << "\n";
    return kUsageOrDataError;
  }
}

}  // namespace examples
