// The six update rules on f(x, y) = x^2/20 + y^2 from (-7, 2), as in the
// book's figure 6-8 (ch06/optimizer_compare_naive.py): writes every rule's
// path to <out>/optimizer_paths.csv and, when gnuplot is on the PATH, draws
// <out>/optimizer_paths.png with examples/plots/optimizer_paths.gp.
//
//   optimizer_paths --out results --steps 30 --lr-adam 0.2
//
// Exit codes: 0 done, 2 bad flag, output that cannot be written, or gnuplot
// failed (the CSV is written).
#include <CLI/CLI.hpp>
#include <array>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/example_support.hpp"
#include "common/gnuplot.hpp"
#include "scratchnet/core/atomic_file.hpp"
#include "scratchnet/optimizers/optimizers.hpp"

namespace {

namespace sn = scratchnet;

struct Rule {
  std::string name;  // make_optimizer's, and the flag's: --lr-<name>
  double lr;
};

// One rule's positions: path[k] is (x, y) after k updates.
using Path = std::vector<std::array<double, 2>>;

Path run(sn::Optimizer<double>& optimizer, int steps) {
  sn::Matrix<double> x(1, 1), y(1, 1), gx(1, 1), gy(1, 1);
  x(0, 0) = -7.0;
  y(0, 0) = 2.0;
  const sn::ParamList<double> params{{"x", &x, &gx}, {"y", &y, &gy}};
  Path path{{x(0, 0), y(0, 0)}};
  for (int k = 0; k < steps; ++k) {
    gx(0, 0) = x(0, 0) / 10.0;  // df/dx
    gy(0, 0) = 2.0 * y(0, 0);   // df/dy
    optimizer.update(params);
    path.push_back({x(0, 0), y(0, 0)});
  }
  return path;
}

double f(double x, double y) {
  return x * x / 20.0 + y * y;
}

}  // namespace

int main(int argc, char** argv) {
  // The learning rates of the book's optimizer_compare_naive.py (SGD 0.95,
  // Momentum 0.1, AdaGrad 1.5, Adam 0.3) and, for the two rules the book's
  // figure leaves out, those of the reference paths in
  // shared/reference/optimizer_paths.json (Nesterov 0.1, RMSProp 0.3).
  std::vector<Rule> rules{
      {"sgd", 0.95},    {"momentum", 0.1}, {"nesterov", 0.1},
      {"adagrad", 1.5}, {"rmsprop", 0.3},  {"adam", 0.3},
  };
  std::string out_dir = ".";
  int steps = 30;

  CLI::App app{"The six update rules on f(x, y) = x^2/20 + y^2 from (-7, 2) (book figure 6-8)",
               "optimizer_paths"};
  app.add_option("--out", out_dir, "Folder for optimizer_paths.csv and .png")
      ->capture_default_str();
  app.add_option("--steps", steps, "Updates per rule")
      ->check(examples::not_negative())
      ->check(examples::at_most(10000, "more updates than a path figure can show"))
      ->capture_default_str();
  for (Rule& rule : rules) {
    app.add_option("--lr-" + rule.name, rule.lr, "Learning rate of " + rule.name)
        ->capture_default_str();
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "optimizer_paths: " << e.what() << "\n";
    return 2;
  }

  std::vector<std::unique_ptr<sn::Optimizer<double>>> optimizers;
  try {
    for (const Rule& rule : rules) {
      sn::OptimizerOptions options;
      options.lr = rule.lr;  // checked by the rule, NaN included
      optimizers.push_back(sn::make_optimizer<double>(rule.name, options));
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "optimizer_paths: --lr-" << rules[optimizers.size()].name << ": " << e.what()
              << "\n";
    return 2;
  }

  const std::filesystem::path dir(out_dir);
  const std::string csv = (dir / "optimizer_paths.csv").string();
  const std::string png = (dir / "optimizer_paths.png").string();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string text = "rule,step,x,y\n";
  std::printf("%-9s %9s %24s %24s %12s\n", "rule", "lr", "x", "y", "f(x, y)");
  for (const auto& optimizer : optimizers) {
    const Path path = run(*optimizer, steps);
    char line[128];
    for (std::size_t k = 0; k < path.size(); ++k) {
      std::snprintf(line, sizeof line, "%s,%zu,%.17g,%.17g\n", optimizer->name().c_str(), k,
                    path[k][0], path[k][1]);
      text += line;
    }
    const auto& last = path.back();
    std::printf("%-9s %9g %24.17g %24.17g %12.6g\n", optimizer->name().c_str(),
                optimizer->learning_rate(), last[0], last[1], f(last[0], last[1]));
  }
  std::string names, lrs;
  for (const auto& optimizer : optimizers) {
    names += (names.empty() ? "" : " ") + optimizer->name();
    char lr[32];
    std::snprintf(lr, sizeof lr, "%g", optimizer->learning_rate());
    lrs += (lrs.empty() ? "" : " ") + std::string(lr);
  }
  try {
    sn::write_file_atomically(csv, text);
    std::printf("wrote %s\n", csv.c_str());
    std::fflush(stdout);
    if (examples::plot("optimizer_paths.gp", csv, png, {{"rules", names}, {"lrs", lrs}})) {
      std::printf("wrote %s\n", png.c_str());
    }
  } catch (const std::runtime_error& e) {
    std::cerr << "optimizer_paths: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
