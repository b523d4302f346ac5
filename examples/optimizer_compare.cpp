// The update rules on real data, as the book's ch06/optimizer_compare_mnist.py
// (figure 6-9): 784-100-100-100-100-10 ReLU networks with He init, one per
// rule, trained on the same 2000 mini-batches of 128 drawn with replacement;
// each rule with the book's default learning rate (SGD, Momentum, Nesterov,
// AdaGrad, RMSProp 0.01, Adam 0.001). Every network starts from the same
// weights.
//
//   optimizer_compare --out out/optimizer_compare
//
// Writes optimizer_compare.csv (name,iteration,loss,smoothed_loss: the loss on
// each batch right after its update, and the book's smoothing of it),
// summary.csv (final test and train accuracy, mean loss of the last 100
// iterations) and optimizer_compare.png.
#include <scratchnet/training/trainer.hpp>

#include "common/chapter6.hpp"
#include "common/loss_curves.hpp"

namespace {

namespace sn = scratchnet;

struct Settings {
  examples::CommonFlags common;
  examples::CurveSettings curves;
  std::vector<std::string> optimizers{"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"};
  std::vector<sn::Index> hidden{100, 100, 100, 100};
};

int run(const Settings& s) {
  const examples::Stopwatch clock;
  const auto dir = examples::prepare_out_dir(s.common.out_dir);

  std::vector<examples::CurveSetup> setups;
  for (const std::string& name : s.optimizers) {
    examples::CurveSetup setup;
    setup.name = sn::make_optimizer<float>(name)->name();  // "Adam", and checks the name
    setup.network.hidden_sizes = s.hidden;
    setup.network.weight_init = sn::WeightInit::he();
    setup.network.seed = examples::derived_seed(s.common.seed, 0);
    setup.optimizer = name;
    setups.push_back(setup);
  }
  const auto results = examples::load_and_run_curves(setups, s.curves, s.common);
  const std::string names = examples::write_curves(dir, "optimizer_compare.csv", setups, results);
  const auto png = dir / "optimizer_compare.png";
  examples::draw("loss_curves.gp", dir / "optimizer_compare.csv", png,
                 {{"names", names},
                  {"ymax", "1"},
                  {"title", "Update rules: 784-100x4-10 ReLU, He init, batch " +
                                std::to_string(s.curves.batch) + " (loss smoothed as the book)"}});
  std::printf("wrote optimizer_compare.csv and summary.csv in %s (%.1f s)\n", dir.string().c_str(),
              clock.seconds());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The update rules compared on MNIST-format data (book ch. 6.1.8, figure 6-9)",
               "optimizer_compare"};
  Settings s;
  examples::add_common_flags(app, s.common, "optimizer_compare");
  examples::add_curve_flags(app, s.curves);
  examples::add_list_option(app, "--optimizers", s.optimizers,
                            "rules to compare: sgd, momentum, nesterov, adagrad, rmsprop, adam",
                            examples::Repeats::refused);
  examples::add_list_option(app, "--hidden", s.hidden, "hidden layer sizes");
  return examples::run(app, argc, argv, [&] { return run(s); });
}
