// The distribution of the hidden activations for each weight initialisation,
// as the book's ch06/weight_init_activation_histogram.py (figures 6-10 to
// 6-14): 1000 x 100 Gaussian input through 5 layers of 100 units without
// bias, weights of std 1, 0.01, Xavier (1/sqrt(n)) and He (sqrt(2/n)), with
// sigmoid, tanh and ReLU.
//
//   activation_histogram --out out/activation_histogram
//
// Writes activation_histogram.csv (the histogram of every layer),
// activation_stats.csv (mean, std, and the fraction near each end of the
// range, per layer), summary.csv, and one figure per (activation, init):
// <activation>_<init>.png with a panel per layer.
#include <algorithm>
#include <cstdio>
#include <scratchnet/network/activation_stats.hpp>
#include <string>
#include <vector>

#include "common/chapter6.hpp"

namespace {

namespace sn = scratchnet;
using examples::format;

struct Settings {
  examples::CommonFlags common;
  sn::Index samples = 1000;
  sn::Index nodes = 100;
  int layers = 5;
  int bins = 30;
  double margin = 0.05;
  std::vector<std::string> activations{"sigmoid", "tanh", "relu"};
  std::vector<std::string> inits{"1", "0.01", "xavier", "he"};
};

// "std=1", "std=0.01", "xavier", "he"; file names drop the '='.
std::string init_label(const sn::WeightInit& init) {
  if (init.kind() == sn::WeightInit::Kind::std_dev) return "std=" + format("%g", init.std_dev());
  return init.to_string();
}

std::string file_safe(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '='), text.end());
  return text;
}

int run(const Settings& s) {
  const examples::Stopwatch clock;
  const auto dir = examples::prepare_out_dir(s.common.out_dir);

  // The same input and the same standard normal draws for the weights of
  // every configuration (the book reseeds before each), scaled by its rule.
  sn::Matrix<double> x(s.samples, s.nodes);
  sn::Rng input_rng(examples::derived_seed(s.common.seed, 0));
  input_rng.fill_normal(x, 1.0);

  examples::CsvFile histogram(dir / "activation_histogram.csv",
                              "activation,init,layer,bin,bin_low,bin_high,count");
  examples::CsvFile stats_csv(dir / "activation_stats.csv",
                              "activation,init,layer,mean,std,min,max,near_low,near_high,"
                              "exact_zero,below_range,above_range");
  examples::Summary summary;
  // Drawn once the CSV is complete: (png, the plot script's labels).
  std::vector<std::pair<std::string, examples::PlotLabels>> figures;
  std::printf("%-8s %-9s %5s %10s %10s %9s %9s %9s\n", "act", "init", "layer", "mean", "std",
              "near_low", "near_high", "zero");
  for (const std::string& activation_name : s.activations) {
    const sn::Activation activation = sn::parse_activation(activation_name);
    for (const std::string& init_text : s.inits) {
      const sn::WeightInit init = sn::WeightInit::parse(init_text);
      const std::string label = init_label(init);
      sn::MultiLayerNetOptions options;
      options.input_size = s.nodes;
      options.hidden_sizes.assign(static_cast<std::size_t>(s.layers), s.nodes);
      options.output_size = s.nodes;  // not looked at
      options.activation = activation;
      options.weight_init = init;
      options.seed = examples::derived_seed(s.common.seed, 1);
      sn::MultiLayerNet<double> net(options);  // biases start at 0: the book's x W

      sn::HistogramOptions bins = sn::histogram_range_for(activation, s.bins);
      bins.margin = s.margin;
      const auto layers = sn::hidden_activation_stats(net, x, bins);
      long long highest = 0, highest_past_first = 0;
      for (std::size_t l = 0; l < layers.size(); ++l) {
        const sn::ActivationStats& st = layers[l];
        const auto layer = static_cast<int>(l + 1);
        for (int b = 0; b < s.bins; ++b) {
          const long long count = st.counts[static_cast<std::size_t>(b)];
          histogram.row(activation_name, label, layer, b, st.bin_edge(b), st.bin_edge(b + 1),
                        count);
          highest = std::max(highest, count);
          if (b > 0) highest_past_first = std::max(highest_past_first, count);
        }
        stats_csv.row(activation_name, label, layer, st.mean, st.stddev, st.min, st.max,
                      st.near_low, st.near_high, st.exact_zero, st.below, st.above);
        const std::string setting =
            activation_name + "/" + label + "/layer" + std::to_string(layer);
        summary.add(setting, "mean", st.mean);
        summary.add(setting, "std", st.stddev);
        summary.add(setting, "near_low", st.near_low);
        summary.add(setting, "near_high", st.near_high);
        if (activation == sn::Activation::relu) summary.add(setting, "exact_zero", st.exact_zero);
        std::printf("%-8s %-9s %5d %10.4g %10.4g %8.1f%% %8.1f%% %8.1f%%\n",
                    activation_name.c_str(), label.c_str(), layer, st.mean, st.stddev,
                    100 * st.near_low, 100 * st.near_high, 100 * st.exact_zero);
      }
      // ReLU puts half of all values in the first bin (exact zeros); as the
      // book's figure, the axis is cut above the other bins so their shape
      // shows, and each panel's title gives the zeros.
      const long long ymax = activation == sn::Activation::relu && highest_past_first > 0
                                 ? highest_past_first
                                 : highest;
      const std::string png = (dir / (activation_name + "_" + file_safe(label) + ".png")).string();
      std::string notes;
      for (const sn::ActivationStats& st : layers) {
        notes += (notes.empty() ? "" : "|") + format("mean %.3g", st.mean) +
                 format(", std %.3g", st.stddev) +
                 (activation == sn::Activation::relu
                      ? format("\nzeros %.0f%%", 100 * st.exact_zero)
                      : format("\nnear ends %.0f%%", 100 * (st.near_low + st.near_high)));
      }
      figures.push_back({png,
                         {{"activation", activation_name},
                          {"init", label},
                          {"layers", std::to_string(s.layers)},
                          {"ymax", format("%.0f", static_cast<double>(ymax) * 1.1 + 1)},
                          {"notes", notes}}});
    }
  }
  histogram.close();
  stats_csv.close();
  summary.write(dir);
  for (const auto& [png, labels] : figures)
    examples::draw("activation_histogram.gp", histogram.path(), png, labels);
  std::printf("wrote %s, %s and summary.csv in %s (%.2f s)\n", "activation_histogram.csv",
              "activation_stats.csv", dir.string().c_str(), clock.seconds());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Hidden activation histograms for each weight init (book ch. 6.2, figures 6-10..6-14)",
      "activation_histogram"};
  Settings s;
  examples::add_common_flags(app, s.common, "activation_histogram", false, false);
  app.add_option("--samples", s.samples, "rows of Gaussian input")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--nodes", s.nodes, "units per layer (and input columns)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--layers", s.layers, "hidden layers")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--bins", s.bins, "histogram bins")
      ->check(CLI::PositiveNumber)
      ->check(examples::at_most(1000, "more bins than a histogram figure can show"))
      ->capture_default_str();
  app.add_option("--margin", s.margin, "'near an end' means within this of the range's end")
      ->check(examples::not_negative())
      ->capture_default_str();
  examples::add_list_option(app, "--activations", s.activations, "sigmoid, tanh, relu",
                            examples::Repeats::refused);
  examples::add_list_option(app, "--inits", s.inits,
                            "weight inits: a standard deviation, xavier or he",
                            examples::Repeats::refused);
  return examples::run(app, argc, argv, [&] { return run(s); });
}
