// A layer defined outside the library, used like the library's own: a
// LeakyReLU kind registered by name, built from a layer string, trained on a
// three-arm spiral (cs231n's toy problem: not separable by a line), saved,
// and loaded again to the very same predictions.
//   custom_layer [--layers "affine(64),leakyrelu(0.05),affine(3)"] [--save spiral.bin]
#include <cmath>
#include <iostream>
#include <memory>
#include <scratchnet/scratchnet.hpp>
#include <string>

#include "common/example_support.hpp"

namespace {

// LeakyReLU (Maas et al. 2013): a small slope instead of zero for x < 0, so
// that a unit pushed negative still learns.
template <typename T>
class LeakyRelu : public scratchnet::Layer<T> {
 public:
  explicit LeakyRelu(double slope) : slope_(slope) {
    scratchnet::require(slope >= 0 && slope < 1, "slope", "must be in [0, 1)");
  }

  // leakyrelu(slope): its name and arguments in layer strings and model files.
  static scratchnet::LayerKind<T> layer_kind() {
    return {"leakyrelu",
            {"slope"},
            [](const scratchnet::LayerConfig& config, const scratchnet::Shape&) {
              return std::make_unique<LeakyRelu>(config.number_or("slope", 0.01));
            }};
  }
  std::string kind() const override { return "leakyrelu"; }
  scratchnet::LayerConfig config() const override { return {{"slope", slope_}}; }
  bool is_activation() const override { return true; }

  // y = x where x > 0, else slope x
  const scratchnet::Matrix<T>& forward(const scratchnet::Matrix<T>& x, bool /*train*/) override {
    out_ = (x.array() > T(0)).select(x, x * static_cast<T>(slope_));
    return out_;
  }
  // dx = dout where x > 0, else slope dout (y > 0 exactly where x > 0)
  const scratchnet::Matrix<T>& backward(const scratchnet::Matrix<T>& dout) override {
    dx_ = (out_.array() > T(0)).select(dout, dout * static_cast<T>(slope_));
    return dx_;
  }

 private:
  double slope_;
  scratchnet::Matrix<T> out_, dx_;
};

// `per_class` points on each of 3 arms of a spiral, with a little noise.
scratchnet::Dataset<float> spiral(scratchnet::Index per_class, std::uint64_t seed) {
  scratchnet::Rng rng(seed);
  scratchnet::Dataset<float> data;
  data.x.resize(3 * per_class, 2);
  data.labels.resize(3 * per_class);
  for (int arm = 0; arm < 3; ++arm) {
    for (scratchnet::Index i = 0; i < per_class; ++i) {
      const scratchnet::Index row = arm * per_class + i;
      const double radius = static_cast<double>(i) / static_cast<double>(per_class);
      const double angle = 4.0 * arm + 4.0 * radius + 0.2 * rng.normal();
      data.x(row, 0) = static_cast<float>(radius * std::sin(angle));
      data.x(row, 1) = static_cast<float>(radius * std::cos(angle));
      data.labels(row) = arm;
    }
  }
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Train a network with a layer of the program's own on a spiral", "custom_layer"};
  std::string layers = "affine(64),leakyrelu(0.05),affine(64),leakyrelu(0.05),affine(3)";
  std::string save_path = "spiral_model.bin";
  int epochs = 300;
  app.add_option("--layers", layers, "the network, with leakyrelu(slope) among the kinds")
      ->capture_default_str();
  app.add_option("--save", save_path, "where to save the trained model")->capture_default_str();
  app.add_option("--epochs", epochs, "passes over the 300 training points")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  return examples::run(app, argc, argv, [&] {
    // Once, before any network names the kind.
    scratchnet::LayerRegistry<float>::global().add(LeakyRelu<float>::layer_kind());

    const scratchnet::Dataset<float> train = spiral(100, 1), test = spiral(100, 2);
    scratchnet::Sequential<float> net(2, 7);
    scratchnet::add_layers(net, scratchnet::parse_layer_specs(layers));
    if (net.output_size() != 3) {
      throw std::invalid_argument("--layers: the last layer gives " +
                                  std::to_string(net.output_size()) +
                                  " values per row; the spiral has 3 classes");
    }
    net.initialize(scratchnet::WeightInit::he());
    net.set_weight_decay(1e-4);
    scratchnet::Adam<float> adam(0.01);
    for (int epoch = 1; epoch <= epochs; ++epoch) {
      const float loss = net.gradient(train.x, train.labels);
      adam.update(net.params());
      if (epoch == 1 || epoch % 50 == 0 || epoch == epochs) {
        std::cout << "epoch " << epoch << ": loss " << loss << ", train accuracy "
                  << net.accuracy(train.x, train.labels) << "\n";
      }
    }
    const double accuracy = net.accuracy(test.x, test.labels);
    std::cout << "test accuracy " << accuracy << " ("
              << scratchnet::to_string(scratchnet::layer_specs(net)) << ")\n";

    net.save(save_path);
    scratchnet::Sequential<float> loaded = scratchnet::Sequential<float>::load(save_path);
    const bool same = loaded.predict(test.x) == net.predict(test.x);
    std::cout << "saved to " << save_path << "; loaded, it predicts "
              << (same ? "the same scores" : "OTHER SCORES") << "\n";
    return same ? 0 : 1;
  });
}
