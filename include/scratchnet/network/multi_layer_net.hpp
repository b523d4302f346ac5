// MultiLayerNet: the book's MultiLayerNet and MultiLayerNetExtend in one.
//
//   input -> [Affine -> BatchNorm? -> activation -> Dropout?] x hidden -> Affine -> SoftmaxWithLoss
//
// loss = cross entropy + 0.5 * lambda * sum over every Affine W of ||W||^2; the
// gradient adds lambda * W to each dW. Parameters are W1, b1, gamma1, beta1,
// W2, ... in that order; batch norm running statistics are buffers
// running_mean1, running_var1, ...
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/init.hpp"
#include "scratchnet/layers/affine.hpp"
#include "scratchnet/layers/batch_norm.hpp"
#include "scratchnet/layers/dropout.hpp"
#include "scratchnet/layers/relu.hpp"
#include "scratchnet/layers/sigmoid.hpp"
#include "scratchnet/layers/softmax_with_loss.hpp"
#include "scratchnet/layers/tanh.hpp"
#include "scratchnet/network/labels.hpp"
#include "scratchnet/network/options.hpp"

namespace scratchnet {

template <typename T>
class MultiLayerNet {
  static_assert(std::is_floating_point_v<T>, "MultiLayerNet<T> needs T = float or double");

 public:
  using Scalar = T;

  explicit MultiLayerNet(const MultiLayerNetOptions& options)
      : options_(options), rng_(std::make_unique<Rng>(options.seed)) {
    options_.validate();
    Index inputs = options_.input_size;
    for (Index width : options_.hidden_sizes) {
      add_affine(inputs, width);
      if (options_.use_batchnorm) add(std::make_unique<BatchNorm<T>>(width));
      add_activation();
      if (options_.dropout_ratio > 0) {
        add(std::make_unique<Dropout<T>>(options_.dropout_ratio, *rng_, options_.inverted_dropout));
      }
      inputs = width;
    }
    add_affine(inputs, options_.output_size);
    affines_.front()->set_input_gradient(false);
    hidden_outputs_.resize(options_.hidden_sizes.size(), nullptr);
  }

  MultiLayerNet(MultiLayerNet&&) noexcept = default;
  MultiLayerNet& operator=(MultiLayerNet&&) noexcept = default;

  const MultiLayerNetOptions& options() const { return options_; }

  // Every trainable parameter with its gradient, in the stable order.
  const ParamList<T>& params() const { return params_; }
  const std::vector<Buffer<T>>& buffers() const { return buffers_; }

  Matrix<T>& param(const std::string& name) { return *find(name).value; }
  const Matrix<T>& param(const std::string& name) const { return *find(name).value; }
  const Matrix<T>& grad(const std::string& name) const { return *find(name).grad; }

  // Rows per pass of predict and accuracy in test mode: their activations
  // stay in cache, and the layers' buffers keep one size whatever the data.
  static constexpr Index kTestBatchRows = 1000;

  // Class scores (before softmax), one row per sample. In test mode the rows
  // go through in batches of kTestBatchRows (every row is scored on its own
  // there); train = true is one pass, since batch norm then uses the batch.
  template <typename Derived>
  Matrix<T> predict(const Eigen::MatrixBase<Derived>& x, bool train = false) {
    check_input(x);
    if (train || x.rows() <= kTestBatchRows) return forward(as_input(x), train);
    Matrix<T> scores(x.rows(), options_.output_size);
    for (Index begin = 0; begin < x.rows(); begin += kTestBatchRows) {
      const Index rows = std::min(kTestBatchRows, x.rows() - begin);
      input_ = x.middleRows(begin, rows).template cast<T>();
      scores.middleRows(begin, rows) = forward(input_, false);
    }
    return scores;
  }

  // One pass of all of x, returning the class scores held in the network:
  // hidden_activations() then shows every row of x.
  template <typename Derived>
  const Matrix<T>& forward_all(const Eigen::MatrixBase<Derived>& x, bool train = false) {
    return forward(as_input(x), train);
  }

  // Cross entropy plus the weight decay term. train = true runs batch norm on
  // batch statistics (and updates the running ones) and draws dropout masks.
  template <typename DerivedX, typename DerivedT>
  T loss(const Eigen::MatrixBase<DerivedX>& x, const Eigen::MatrixBase<DerivedT>& labels,
         bool train = false) {
    const Matrix<T>& input = as_input(x);
    const Labels& classes = label_reader_.read(labels, input.rows(), options_.output_size);
    return loss_of(input, classes, train);
  }

  // Backprop in train mode: fills every gradient and returns the loss.
  template <typename DerivedX, typename DerivedT>
  T gradient(const Eigen::MatrixBase<DerivedX>& x, const Eigen::MatrixBase<DerivedT>& labels) {
    const Matrix<T>& input = as_input(x);
    const Labels& classes = label_reader_.read(labels, input.rows(), options_.output_size);
    const T value = loss_of(input, classes, true);
    const Matrix<T>* dout = &loss_layer_.backward();
    for (auto layer = layers_.rbegin(); layer != layers_.rend(); ++layer) {
      dout = &(*layer)->backward(*dout);
    }
    if (options_.weight_decay_lambda > 0) {
      const auto lambda = static_cast<T>(options_.weight_decay_lambda);
      for (Affine<T>* affine : affines_) affine->dW += lambda * affine->W;
    }
    return value;
  }

  // Fraction of rows whose highest score is the label, in test mode. Runs in
  // chunks so that a whole data set needs no activations of its full size.
  template <typename DerivedX, typename DerivedT>
  double accuracy(const Eigen::MatrixBase<DerivedX>& x, const Eigen::MatrixBase<DerivedT>& labels,
                  Index chunk_rows = kTestBatchRows) {
    check_input(x);
    const Labels& classes = label_reader_.read(labels, x.rows(), options_.output_size);
    Index correct = 0;
    for (Index begin = 0; begin < x.rows(); begin += chunk_rows) {
      const Index rows = std::min(chunk_rows, x.rows() - begin);
      input_ = x.middleRows(begin, rows).template cast<T>();
      const Matrix<T>& scores = forward(input_, false);
      for (Index i = 0; i < rows; ++i) {
        Index predicted = 0;
        scores.row(i).maxCoeff(&predicted);
        correct += predicted == classes(begin + i);
      }
    }
    return static_cast<double>(correct) / static_cast<double>(x.rows());
  }

  // The output of each hidden layer's activation in the last forward pass
  // (of forward_all, gradient or loss; predict's last batch in test mode).
  const std::vector<const Matrix<T>*>& hidden_activations() const { return hidden_outputs_; }

  // Keeps every dropout mask fixed across training forwards (gradient checks).
  void hold_dropout_masks(bool hold) {
    for (auto& layer : layers_) {
      if (auto* dropout = dynamic_cast<Dropout<T>*>(layer.get())) dropout->hold_mask(hold);
    }
  }

  // The model file: architecture, parameters and running statistics
  // (docs/model-format.md). Defined in network/model_file.hpp.
  void save(const std::string& path) const;
  static MultiLayerNet load(const std::string& path);
  // The same bytes in memory (checkpoints embed them); path only names the
  // source in error messages.
  std::vector<unsigned char> to_bytes(const std::string& path = "model") const;
  static MultiLayerNet from_bytes(const std::vector<unsigned char>& bytes,
                                  const std::string& path = "model");

  SoftmaxWithLoss<T>& loss_layer() { return loss_layer_; }
  // The generator behind initialisation and dropout masks (checkpoints save it).
  Rng& rng() { return *rng_; }

 private:
  // Each layer is numbered by the hidden block it belongs to (W2, gamma2 ...).
  void add(std::unique_ptr<Layer<T>> layer, bool is_activation = false) {
    const int position = static_cast<int>(affines_.size());
    layer->append_params(params_, position);
    layer->append_buffers(buffers_, position);
    is_activation_.push_back(is_activation);
    layers_.push_back(std::move(layer));
  }

  void add_affine(Index inputs, Index outputs) {
    auto affine = std::make_unique<Affine<T>>(inputs, outputs);
    init_weights(affine->W, options_.weight_init, *rng_);
    affines_.push_back(affine.get());
    add(std::move(affine));
  }

  void add_activation() {
    switch (options_.activation) {
      case Activation::sigmoid:
        add(std::make_unique<Sigmoid<T>>(), true);
        return;
      case Activation::tanh:
        add(std::make_unique<Tanh<T>>(), true);
        return;
      case Activation::relu:
        add(std::make_unique<Relu<T>>(), true);
        return;
    }
  }

  const Matrix<T>& forward(const Matrix<T>& x, bool train) {
    const Matrix<T>* h = &x;
    std::size_t hidden = 0;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
      h = &layers_[i]->forward(*h, train);
      if (is_activation_[i]) hidden_outputs_[hidden++] = h;
    }
    return *h;
  }

  T loss_of(const Matrix<T>& x, const Labels& labels, bool train) {
    T value = loss_layer_.forward(forward(x, train), labels);
    if (options_.weight_decay_lambda > 0) {
      double sum_of_squares = 0;
      for (const Affine<T>* affine : affines_) {
        sum_of_squares += static_cast<double>(affine->W.squaredNorm());
      }
      value += static_cast<T>(0.5 * options_.weight_decay_lambda * sum_of_squares);
    }
    return value;
  }

  template <typename Derived>
  void check_input(const Eigen::MatrixBase<Derived>& x) const {
    if (x.rows() == 0) fail("x", "has no rows");
    if (x.cols() != options_.input_size) {
      fail("x", "has " + std::to_string(x.cols()) + " columns but the network's input_size is " +
                    std::to_string(options_.input_size));
    }
  }

  // The input as Matrix<T>: the caller's own matrix when it already is one,
  // else a converted copy in a buffer the network keeps.
  template <typename Derived>
  const Matrix<T>& as_input(const Eigen::MatrixBase<Derived>& x) {
    check_input(x);
    if constexpr (std::is_same_v<Derived, Matrix<T>>) {
      return x.derived();
    } else {
      input_ = x.template cast<T>();
      return input_;
    }
  }

  const Param<T>& find(const std::string& name) const {
    for (const Param<T>& p : params_) {
      if (p.name == name) return p;
    }
    throw std::invalid_argument("parameter name: no parameter '" + name + "' in this network");
  }

  MultiLayerNetOptions options_;
  std::unique_ptr<Rng> rng_;
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  std::vector<bool> is_activation_;
  std::vector<Affine<T>*> affines_;
  std::vector<const Matrix<T>*> hidden_outputs_;
  SoftmaxWithLoss<T> loss_layer_;
  ParamList<T> params_;
  std::vector<Buffer<T>> buffers_;
  Matrix<T> input_;
  LabelReader label_reader_;
};

}  // namespace scratchnet

#include "scratchnet/network/model_file.hpp"
