// The book's figure 7-24 and what it shows next: the 30 first-layer filters of
// SimpleConvNet (ch07/visualize_filter.py) before and after training, and one
// test image through the first layers (the 30 feature maps after ReLU, then
// after max-pooling). Each filter and map is scaled to [0, 1] on its own, dark
// for large values, as the book draws them.
//
//   conv_filters --out out/conv_filters [--train-size 5000 --epochs 2]
//
// Writes filters_before.csv, filters_after.csv and activations.csv (x,y,value
// of a tiled grid), summary.csv, conv_filters.png and activations.png.
#include <algorithm>
#include <scratchnet/training/trainer.hpp>
#include <string>

#include "common/chapter6.hpp"
#include "common/tiles.hpp"

namespace {

namespace sn = scratchnet;

const std::string kSimpleConvNet = "conv(30,5),relu,maxpool(2),affine(100),relu,affine(10)";

struct Settings {
  examples::CommonFlags common;
  sn::Index train_size = 5000;
  int epochs = 2;
  sn::Index image = 0;
};

int run(const Settings& s) {
  const examples::Stopwatch clock;
  const auto dir = examples::prepare_out_dir(s.common.out_dir);
  const auto data = examples::load_data(s.common.data_dir, s.train_size, 0);
  if (s.image >= data.test.size()) {
    throw std::invalid_argument("--image: " + std::to_string(s.image) + " is past the " +
                                std::to_string(data.test.size()) + " test images");
  }
  sn::Sequential<float> net(data.image_shape, examples::derived_seed(s.common.seed, 0));
  sn::add_layers(net, sn::parse_layer_specs(kSimpleConvNet));
  net.initialize(sn::WeightInit(0.01));  // the book's weight_init_std
  const sn::Shape filter{1, 5, 5};
  examples::write_tiles(dir / "filters_before.csv", net.param("W1"), filter.height, filter.width,
                        10);

  sn::Adam<float> adam(0.001);
  sn::TrainerOptions options;
  options.epochs = s.epochs;
  options.batch_size = 100;
  options.seed = examples::derived_seed(s.common.seed, 1);
  sn::Trainer<float> trainer(net, adam, data.train, data.test, options);
  const sn::History history = trainer.train();
  examples::write_tiles(dir / "filters_after.csv", net.param("W1"), filter.height, filter.width,
                        10);

  // One test image through conv + ReLU and the pooling: a map per channel.
  const sn::Matrix<float> image = data.test.x.row(s.image);
  const sn::Matrix<float>& convolved =
      net.layers()[1]->forward(net.layers()[0]->forward(image, false), false);
  const sn::Shape maps = net.layers()[0]->output_shape(data.image_shape);
  const sn::Matrix<float> pooled = net.layers()[2]->forward(convolved, false);
  const sn::Shape pooled_maps = net.layers()[2]->output_shape(maps);
  sn::Matrix<float> both(2 * maps.channels, maps.spatial_size());
  both.topRows(maps.channels) =
      Eigen::Map<const sn::Matrix<float>>(convolved.data(), maps.channels, maps.spatial_size());
  // A pooled map drawn at the size of the maps, each value over a 2x2 block.
  for (sn::Index c = 0; c < maps.channels; ++c) {
    for (sn::Index y = 0; y < maps.height; ++y) {
      for (sn::Index x = 0; x < maps.width; ++x) {
        both(maps.channels + c, y * maps.width + x) =
            pooled(0, (c * pooled_maps.height + y / 2) * pooled_maps.width + x / 2);
      }
    }
  }
  examples::write_tiles(dir / "activations.csv", both, maps.height, maps.width, 10);

  examples::Summary summary;
  summary.add("simple_conv_net", "train_images", static_cast<double>(data.train.size()));
  summary.add("simple_conv_net", "epochs", s.epochs);
  summary.add("simple_conv_net", "test_accuracy", history.epochs.back().test_accuracy);
  summary.add("simple_conv_net", "image_label", data.test.labels(s.image));
  summary.write(dir);
  std::printf("SimpleConvNet after %d epochs on %ld images: test accuracy %.4f\n", s.epochs,
              static_cast<long>(data.train.size()), history.epochs.back().test_accuracy);

  examples::draw("conv_filters.gp", dir / "filters_before.csv", dir / "conv_filters.png",
                 {{"after", examples::gnuplot_file_name((dir / "filters_after.csv").string())}});
  examples::draw("conv_activations.gp", dir / "activations.csv", dir / "activations.png",
                 {{"label", std::to_string(data.test.labels(s.image))}});
  std::printf("wrote the CSV files in %s (%.1f s)\n", dir.string().c_str(), clock.seconds());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "SimpleConvNet's first-layer filters before and after training, and one image "
      "through them (book figure 7-24)",
      "conv_filters"};
  Settings s;
  examples::add_common_flags(app, s.common, "conv_filters", true, false);
  app.add_option("--train-size", s.train_size, "training images (the first N)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--epochs", s.epochs, "passes over them (Adam 0.001, batch 100)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--image", s.image, "the test image shown through the layers")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  return examples::run(app, argc, argv, [&] { return run(s); });
}
