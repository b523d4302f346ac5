// Writes the cross-architecture model reference into a folder (tests/data):
// two small trained networks with batch norm saved as model files, one in
// float and one in double, sixteen input rows, and the class scores that this
// build predicts for those rows from the saved files. Made once on x86-64 and
// committed; tests/test_model_file_reference.cpp loads the files on every
// architecture the suite runs on and compares its scores with these.
//   scratchnet_model_reference <folder>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <limits>
#include <string>

#include "scratchnet/network/model_file.hpp"

namespace sn = scratchnet;

namespace {

constexpr sn::Index kInputs = 8;
constexpr sn::Index kClasses = 4;

// One row per line, with a header of <column_prefix>1, <column_prefix>2, ...;
// max_digits10 digits, so that reading a value back gives the same T.
template <typename T>
void write_csv(const std::string& path, const sn::Matrix<T>& m, const std::string& column_prefix) {
  std::ofstream out(path);
  out.precision(std::numeric_limits<T>::max_digits10);
  for (sn::Index c = 0; c < m.cols(); ++c) {
    out << (c ? "," : "") << column_prefix << c + 1;
  }
  out << '\n';
  for (sn::Index r = 0; r < m.rows(); ++r) {
    for (sn::Index c = 0; c < m.cols(); ++c) out << (c ? "," : "") << m(r, c);
    out << '\n';
  }
  if (!out.flush()) throw std::runtime_error(path + ": cannot write");
}

// A few steps of plain SGD on random data, so that every parameter and batch
// norm's running statistics have moved away from their initial values.
template <typename T>
void train_a_little(sn::MultiLayerNet<T>& net) {
  sn::Rng rng(11);
  sn::Matrix<T> x(32, kInputs);
  rng.fill_normal(x, 1.0);
  sn::Labels labels(32);
  for (sn::Index i = 0; i < labels.size(); ++i) {
    labels(i) = static_cast<int>(rng.below(static_cast<std::uint64_t>(kClasses)));
  }
  for (int step = 0; step < 20; ++step) {
    net.gradient(x, labels);
    for (const auto& p : net.params()) *p.value -= T(0.1) * *p.grad;
  }
}

template <typename T>
void write_reference(const std::string& folder, const std::string& scalar,
                     const sn::MultiLayerNetOptions& options, const sn::Matrix<float>& inputs) {
  sn::MultiLayerNet<T> net(options);
  train_a_little(net);
  const std::string model = folder + "/reference_model_" + scalar + ".bin";
  net.save(model);
  auto loaded = sn::MultiLayerNet<T>::load(model);
  const sn::Matrix<T> scores = loaded.predict(inputs.cast<T>(), false);
  write_csv(folder + "/reference_scores_" + scalar + ".csv", scores, "score");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: scratchnet_model_reference <folder>\n";
    return 2;
  }
  const std::string folder = argv[1];
  try {
    // Float values, so that the one file of inputs is exact for both nets.
    sn::Matrix<float> inputs(16, kInputs);
    sn::Rng(5).fill_normal(inputs, 1.0);
    write_csv(folder + "/reference_inputs.csv", inputs, "x");

    // Between them: ReLU and tanh, and dropout's test-time scaling.
    sn::MultiLayerNetOptions relu;
    relu.input_size = kInputs;
    relu.hidden_sizes = {6, 5};
    relu.output_size = kClasses;
    relu.use_batchnorm = true;
    relu.dropout_ratio = 0.2;
    relu.seed = 3;
    write_reference<float>(folder, "float", relu, inputs);

    sn::MultiLayerNetOptions tanh = relu;
    tanh.activation = sn::Activation::tanh;
    tanh.weight_init = sn::WeightInit::xavier();
    tanh.dropout_ratio = 0;
    tanh.weight_decay_lambda = 0.01;
    tanh.seed = 4;
    write_reference<double>(folder, "double", tanh, inputs);
  } catch (const std::exception& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
  std::cout << "wrote the model reference into " << folder << '\n';
  return 0;
}
