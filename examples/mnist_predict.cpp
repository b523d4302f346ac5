// Reports the test-set accuracy of a model saved by mnist_train --save (or of
// any model file whose layers are the library's kinds), and draws the test
// images it gets wrong, as the book's figure 8-3.
//   mnist_predict --model model.bin --data DIR [--misclassified wrong.png --count 20]
#include <filesystem>
#include <scratchnet/scratchnet.hpp>

#include "common/chapter6.hpp"
#include "common/report.hpp"
#include "common/tiles.hpp"

namespace {

namespace sn = scratchnet;

// The first `count` test images the model classifies wrongly, tiled ten to a
// row with "true>predicted" on each: png, with png's .csv (the tiles) and
// _labels.csv (the marks) beside it. Says how many it found.
void draw_misclassified(sn::Sequential<float>& net, const sn::Dataset<float>& test,
                        const sn::Shape& shape, const std::filesystem::path& png, sn::Index count) {
  const sn::Labels predicted = sn::predicted_classes(net, test.x);
  std::filesystem::path tiles_csv = png, labels_csv = png;
  tiles_csv.replace_extension(".csv");
  labels_csv.replace_extension().concat("_labels.csv");
  sn::Matrix<float> images(count, test.features());
  examples::CsvFile labels(labels_csv, "x,y,text");
  sn::Index found = 0;
  for (sn::Index i = 0; i < test.size() && found < count; ++i) {
    if (predicted(i) == test.labels(i)) continue;
    images.row(found) = test.x.row(i);
    const examples::TileOrigin origin = examples::tile_origin(found, shape.height, shape.width, 10);
    labels.row(origin.x, origin.y + 3,
               std::to_string(test.labels(i)) + ">" + std::to_string(predicted(i)));
    ++found;
  }
  labels.close();
  std::printf("misclassified: %ld of %ld test images; the first %ld drawn\n",
              static_cast<long>((predicted.array() != test.labels.array()).count()),
              static_cast<long>(test.size()), static_cast<long>(found));
  if (found == 0) return;
  examples::write_tiles(tiles_csv, images.topRows(found), shape.height, shape.width, 10);
  examples::draw("misclassified.gp", tiles_csv, png,
                 {{"labels", examples::gnuplot_file_name(labels_csv.string())}});
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Evaluate a saved scratchnet model on the MNIST-format test set", "mnist_predict"};
  std::string model_path;
  std::string data_dir = examples::default_data_dir();
  scratchnet::Index limit_test = 0;
  std::string misclassified;
  scratchnet::Index count = 20;
  app.add_option("--model", model_path, "model file written by mnist_train --save")->required();
  app.add_option("--data", data_dir,
                 "folder with the MNIST IDX files; default $MNIST_DIR, else Fashion-MNIST")
      ->capture_default_str();
  app.add_option("--limit-test", limit_test, "use only the first N test images (0 = all)");
  app.add_option("--misclassified", misclassified,
                 "draw the first --count wrongly classified test images to FILE.png, each marked "
                 "true>predicted (book figure 8-3; FILE.csv and FILE_labels.csv beside it)");
  app.add_option("--count", count, "images drawn by --misclassified")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  return examples::run(app, argc, argv, [&] {
    auto net = scratchnet::Sequential<float>::load(model_path);
    scratchnet::Shape image_shape;
    const auto test = scratchnet::load_mnist_test<float>(data_dir, limit_test, &image_shape);
    if (net.input_size() != test.features()) {
      throw std::invalid_argument(model_path + ": the model takes " +
                                  std::to_string(net.input_size()) + " inputs, but the images in " +
                                  data_dir + " have " + std::to_string(test.features()) +
                                  " pixels");
    }
    std::cout << "model: " << model_path << " ("
              << scratchnet::to_string(scratchnet::layer_specs(net)) << ")\ndata: " << data_dir
              << " (" << test.size() << " test images)\n";
    examples::print_test_report(net, test);
    if (!misclassified.empty()) draw_misclassified(net, test, image_shape, misclassified, count);
    return 0;
  });
}
