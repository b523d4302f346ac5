// What the chapter-6 experiment programs share: their common flags, loading
// the data, the book's training loop (mini-batches drawn with replacement,
// evaluation when i % iter_per_epoch == 0), the book's loss smoothing, runs
// spread over threads, and writing CSV files and summary.csv.
#pragma once

#include <CLI/CLI.hpp>
#include <Eigen/Core>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <scratchnet/core/atomic_file.hpp>
#include <scratchnet/core/denormals.hpp>
#include <scratchnet/scratchnet.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "example_support.hpp"
#include "gnuplot.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace examples {

namespace sn = scratchnet;

// Keeps freed memory in the process instead of returning it to the system.
// Evaluation runs the network on other batch sizes than training, so its
// buffers are reallocated at each switch; with glibc's defaults every large
// one comes back as fresh pages (measured: 28,000 page faults and 10% of the
// time of a search trial). add_common_flags calls it.
inline void keep_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // the largest glibc accepts
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

// --data, --seed, --out and --jobs, as every chapter-6 program takes them.
struct CommonFlags {
  std::string data_dir = default_data_dir();
  std::uint64_t seed = 0;
  std::string out_dir;
  int jobs = 0;  // 0 = one per core
};

inline void add_common_flags(CLI::App& app, CommonFlags& flags, const std::string& program,
                             bool uses_data = true, bool uses_jobs = true) {
  keep_freed_memory();  // every program calls this first
  flags.out_dir = "out/" + program;
  if (uses_data) {
    app.add_option("--data", flags.data_dir,
                   "folder with the four MNIST IDX files (.gz or raw); default $MNIST_DIR, else "
                   "Fashion-MNIST")
        ->capture_default_str();
  } else {
    app.add_option("--data", flags.data_dir, "not used: this experiment's input is Gaussian noise");
  }
  app.add_option("--seed", flags.seed, "seed of every random number (weights, batches, input)")
      ->check(not_negative())
      ->capture_default_str();
  app.add_option("--out", flags.out_dir, "folder for the CSV files and the figure (created)")
      ->capture_default_str();
  if (!uses_jobs) return;
  app.add_option("--jobs", flags.jobs,
                 "runs trained at the same time, one thread each (0 = one per core); the results "
                 "do not depend on it")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
}

inline int job_count(int jobs) {
  return jobs > 0 ? jobs : hardware_threads();
}

// A seed for stream k of an experiment seeded with seed (splitmix64), so that
// the weights, the batches and the input of one seed are unrelated.
inline std::uint64_t derived_seed(std::uint64_t seed, std::uint64_t k) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (k + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline std::filesystem::path prepare_out_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    throw std::runtime_error(dir + ": cannot create the output folder" +
                             (ec ? ": " + ec.message() : std::string()));
  }
  return std::filesystem::path(dir);
}

// The first train_size training and test_size test samples (0 = all).
template <typename T = float>
sn::MnistData<T> load_data(const std::string& dir, sn::Index train_size, sn::Index test_size) {
  sn::MnistOptions options;
  options.max_train = train_size;
  options.max_test = test_size;
  auto data = sn::load_mnist<T>(dir, options);
  std::printf("data: %s (%ld training, %ld test samples)\n", dir.c_str(),
              static_cast<long>(data.train.size()), static_cast<long>(data.test.size()));
  return data;
}

// A CSV file built row by row and saved whole by close(), as a model is
// (core/atomic_file.hpp): what sits at the path is checked, and the temporary
// file made, when the CsvFile is made, before the work that fills it.
class CsvFile {
 public:
  CsvFile(const std::filesystem::path& path, const std::string& header)
      : path_(path.string()), file_(path_) {
    out_ << header << '\n';
  }

  template <typename... Fields>
  void row(const Fields&... fields) {
    bool first = true;
    ((out_ << (first ? "" : ",") << text(fields), first = false), ...);
    out_ << '\n';
  }

  void close() {
    const std::string text = out_.str();
    file_.write(text.data(), text.size());
    file_.commit();
  }

  const std::string& path() const { return path_; }

 private:
  static std::string text(const std::string& s) { return s; }
  static std::string text(const char* s) { return s; }
  static std::string text(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return buffer;
  }
  static std::string text(float v) { return text(static_cast<double>(v)); }
  template <typename I, typename = std::enable_if_t<std::is_integral_v<I>>>
  static std::string text(I v) {
    return std::to_string(v);
  }

  std::string path_;
  sn::AtomicFile file_;
  std::ostringstream out_;
};

// summary.csv: one row per headline number, header setting,metric,value.
class Summary {
 public:
  void add(const std::string& setting, const std::string& metric, double value) {
    rows_.push_back({setting, metric, value});
  }

  void write(const std::filesystem::path& dir) const {
    CsvFile csv(dir / "summary.csv", "setting,metric,value");
    for (const Row& r : rows_) csv.row(r.setting, r.metric, r.value);
    csv.close();
  }

 private:
  struct Row {
    std::string setting, metric;
    double value;
  };
  std::vector<Row> rows_;
};

// The book's smooth_curve (common/util.py): a Kaiser window of 11 points
// (beta 2) over the series mirrored at both ends. Shorter series are
// returned as they are.
inline std::vector<double> smooth_curve(const std::vector<double>& x) {
  constexpr int window = 11;
  const auto n = static_cast<long>(x.size());
  if (n < window) return x;
  // np.kaiser(11, 2): I0(beta sqrt(1 - (2k / (M - 1) - 1)^2)) / I0(beta).
  const auto bessel_i0 = [](double v) {
    double sum = 1, term = 1;
    for (int k = 1; k < 50; ++k) {
      term *= (v / (2.0 * k)) * (v / (2.0 * k));
      sum += term;
    }
    return sum;
  };
  double w[window];
  double w_sum = 0;
  for (int k = 0; k < window; ++k) {
    const double r = 2.0 * k / (window - 1) - 1.0;
    w[k] = bessel_i0(2.0 * std::sqrt(1.0 - r * r));
    w_sum += w[k];
  }
  // s = x[10:0:-1] ++ x ++ x[-1:-11:-1]; output i is centred on s[i + 10].
  std::vector<double> s;
  for (long i = window - 1; i > 0; --i) s.push_back(x[static_cast<std::size_t>(i)]);
  s.insert(s.end(), x.begin(), x.end());
  for (long i = n - 1; i > n - window; --i) s.push_back(x[static_cast<std::size_t>(i)]);
  std::vector<double> y(x.size());
  for (long i = 0; i < n; ++i) {
    double acc = 0;
    for (int k = 0; k < window; ++k) acc += w[k] * s[static_cast<std::size_t>(i + 5 + k)];
    y[static_cast<std::size_t>(i)] = acc / w_sum;
  }
  return y;
}

// Runs body(0), ..., body(count - 1) over `jobs` threads, each run with one
// Eigen thread. Every run must depend only on its index, so that the results
// do not depend on jobs. The first exception is rethrown after all stop.
inline void parallel_for(int count, int jobs, const std::function<void(int)>& body) {
  jobs = std::max(1, std::min(job_count(jobs), count));
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex mutex;
  auto work = [&] {
    for (int i = next++; i < count && !failed; i = next++) {
      try {
        body(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  Eigen::setNbThreads(1);
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

// Prints one line at a time from any thread.
inline void say(const std::string& line) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::cout << line << '\n' << std::flush;
}

inline std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

// The mean of values[begin, end).
inline double mean_of(const std::vector<double>& values, std::size_t begin, std::size_t end) {
  double sum = 0;
  for (std::size_t i = begin; i < end; ++i) sum += values[i];
  return end > begin ? sum / static_cast<double>(end - begin) : 0.0;
}

class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Draws png from csv (when gnuplot is there) and says where it went.
inline void draw(const std::string& script, const std::filesystem::path& csv,
                 const std::filesystem::path& png, const PlotLabels& labels) {
  if (plot(script, csv.string(), png.string(), labels)) {
    std::printf("figure: %s\n", png.string().c_str());
  }
}

}  // namespace examples
