// Reports the test-set accuracy of a model saved by mnist_train --save (or of
// any model file whose layers are the library's kinds).
//   mnist_predict --model model.bin --data DIR
#include <scratchnet/scratchnet.hpp>

#include "common/example_support.hpp"
#include "common/report.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Evaluate a saved scratchnet model on the MNIST-format test set", "mnist_predict"};
  std::string model_path;
  std::string data_dir = examples::default_data_dir();
  scratchnet::Index limit_test = 0;
  app.add_option("--model", model_path, "model file written by mnist_train --save")->required();
  app.add_option("--data", data_dir,
                 "folder with the MNIST IDX files; default $MNIST_DIR, else Fashion-MNIST")
      ->capture_default_str();
  app.add_option("--limit-test", limit_test, "use only the first N test images (0 = all)");
  return examples::run(app, argc, argv, [&] {
    auto net = scratchnet::Sequential<float>::load(model_path);
    const auto test = scratchnet::load_mnist_test<float>(data_dir, limit_test);
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
    return 0;
  });
}
