// Compiled with warnings as errors for fixed -march targets, never run: every
// public header (all_headers.hpp is generated from include/ at configure
// time, so a new header is covered without an edit here), and every class and
// function template of the library instantiated for float and double, so the
// optimiser's warnings see the library's code as a program would inline it.
#include "all_headers.hpp"

namespace scratchnet {

template class Sequential<float>;
template class Sequential<double>;
template class LayerRegistry<float>;
template class LayerRegistry<double>;
template class MultiLayerNet<float>;
template class MultiLayerNet<double>;
template class Trainer<float>;
template class Trainer<double>;
template class DataParallel<float>;
template class DataParallel<double>;
template class HyperparameterSearch<float>;
template class HyperparameterSearch<double>;
template class SGD<float>;
template class SGD<double>;
template class Momentum<float>;
template class Momentum<double>;
template class Nesterov<float>;
template class Nesterov<double>;
template class AdaGrad<float>;
template class AdaGrad<double>;
template class RMSProp<float>;
template class RMSProp<double>;
template class Adam<float>;
template class Adam<double>;

// The member and free function templates, with the argument types users pass.
template <typename T>
void use_function_templates(const std::string& path) {
  MnistData<T> data = load_mnist<T>(path);
  Rng rng(1);
  shuffle(data.train, rng);
  const ValidationSplit<T> split = split_validation(data.train, 0.1, 2);
  const Dataset<T> first = take_first(split.train, 10);

  MultiLayerNet<T> net(MultiLayerNetOptions{});
  const Eigen::MatrixXf pixels = first.x.template cast<float>();
  Eigen::MatrixXd one_hot = Eigen::MatrixXd::Zero(first.size(), 10);
  net.gradient(first.x, first.labels);
  net.gradient(pixels, one_hot);
  net.loss(pixels, first.labels, true);
  net.accuracy(first.x, one_hot);
  net.predict(pixels);
  compare_gradients(net, first.x, first.labels);
  hidden_activation_stats(net, first.x, HistogramOptions{});
  confusion_matrix(net, first.x, first.labels);
  net.save(path);
  MultiLayerNet<T>::load(path);
  Sequential<T> any(784);
  add_layers(any, parse_layer_specs<T>("affine(100),relu,affine(10)"));
  Sequential<T>::from_bytes(any.to_bytes());
  Sequential<T>::load(path);
  to_string<T>(layer_specs(any));

  std::unique_ptr<Optimizer<T>> adam = make_optimizer<T>("adam", OptimizerOptions{});
  adam->update(net.params());
  Trainer<T> trainer(net, *adam, first, first);
  trainer.train();
  trainer.save_checkpoint(path);
  trainer.resume(path);
}

template void use_function_templates<float>(const std::string&);
template void use_function_templates<double>(const std::string&);

}  // namespace scratchnet
