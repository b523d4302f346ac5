// Reports the test-set accuracy of a model saved by mnist_train --save.
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
    auto net = scratchnet::MultiLayerNet<float>::load(model_path);
    scratchnet::MnistOptions options;
    options.max_train = 1;  // only the test set is used
    options.max_test = limit_test;
    const auto data = scratchnet::load_mnist<float>(data_dir, options);
    std::cout << "model: " << model_path << "\ndata: " << data_dir << " (" << data.test.size()
              << " test images)\n";
    examples::print_test_report(net, data.test);
    return 0;
  });
}
