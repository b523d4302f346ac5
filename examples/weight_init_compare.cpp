// Weight initialisation on real data, as the book's
// ch06/weight_init_compare.py (figure 6-15): 784-100-100-100-100-10 ReLU
// networks trained by SGD (lr 0.01) on the same 2000 mini-batches of 128
// drawn with replacement, with initial weights of std 0.01, Xavier
// (1/sqrt(n)) and He (sqrt(2/n)), each scaling the same normal draws.
//
//   weight_init_compare --out out/weight_init_compare
//
// Writes weight_init_compare.csv (name,iteration,loss,smoothed_loss),
// summary.csv and weight_init_compare.png.
#include "common/chapter6.hpp"
#include "common/loss_curves.hpp"

namespace {

namespace sn = scratchnet;

struct Settings {
  examples::CommonFlags common;
  examples::CurveSettings curves;
  std::vector<std::string> inits{"0.01", "xavier", "he"};
  std::vector<sn::Index> hidden{100, 100, 100, 100};
  double lr = 0.01;
};

std::string label(const sn::WeightInit& init) {
  switch (init.kind()) {
    case sn::WeightInit::Kind::xavier:
      return "Xavier";
    case sn::WeightInit::Kind::he:
      return "He";
    case sn::WeightInit::Kind::std_dev:
      break;
  }
  return "std=" + examples::format("%g", init.std_dev());
}

int run(const Settings& s) {
  const examples::Stopwatch clock;
  const auto dir = examples::prepare_out_dir(s.common.out_dir);

  std::vector<examples::CurveSetup> setups;
  for (const std::string& text : s.inits) {
    examples::CurveSetup setup;
    setup.network.weight_init = sn::WeightInit::parse(text);
    setup.name = label(setup.network.weight_init);
    setup.network.hidden_sizes = s.hidden;
    setup.network.seed = examples::derived_seed(s.common.seed, 0);
    setup.optimizer = "sgd";
    setup.optimizer_options.lr = sn::checked_learning_rate(s.lr);
    setups.push_back(setup);
  }
  const auto results = examples::load_and_run_curves(setups, s.curves, s.common);
  const std::string names = examples::write_curves(dir, "weight_init_compare.csv", setups, results);
  const auto png = dir / "weight_init_compare.png";
  examples::draw("loss_curves.gp", dir / "weight_init_compare.csv", png,
                 {{"names", names},
                  {"ymax", "2.5"},
                  {"keypos", "right center"},
                  {"title", "Weight init: 784-100x4-10 ReLU, SGD lr " +
                                examples::format("%g", s.lr) + ", batch " +
                                std::to_string(s.curves.batch) + " (loss smoothed as the book)"}});
  std::printf("wrote weight_init_compare.csv and summary.csv in %s (%.1f s)\n",
              dir.string().c_str(), clock.seconds());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weight initialisations compared on MNIST-format data (book ch. 6.2.4, figure 6-15)",
               "weight_init_compare"};
  Settings s;
  examples::add_common_flags(app, s.common, "weight_init_compare");
  examples::add_curve_flags(app, s.curves);
  examples::add_list_option(app, "--inits", s.inits,
                            "weight inits: a standard deviation, xavier or he",
                            examples::Repeats::refused);
  examples::add_list_option(app, "--hidden", s.hidden, "hidden layer sizes");
  app.add_option("--lr", s.lr, "SGD learning rate")->capture_default_str();
  return examples::run(app, argc, argv, [&] { return run(s); });
}
