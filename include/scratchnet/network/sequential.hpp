// Sequential: any stack of layers, added at run time, with a loss at the end:
// softmax cross entropy over class labels (the default), or mean squared
// error over rows of target values (set_loss, regression).
//
//   scratchnet::Sequential<float> net(784);           // rows of 784 inputs
//   net.add("affine", {{"outputs", 100}});            // a registered kind
//   net.add(std::make_unique<scratchnet::Tanh<float>>());
//   net.add("affine", {{"outputs", 10}});
//   net.initialize(scratchnet::WeightInit::xavier());
//
// loss = data loss + 0.5 * lambda * sum of ||W||^2 + l1 * sum |W| over what
// the layers name for weight decay (every W, layers/layer.hpp); the gradient
// adds lambda * W + l1 * sign(W) to each dW (network/weight_penalty.hpp).
// Max-norm is not in the loss: apply_max_norm(), after each update, scales
// every unit's incoming weights back to norm at most c. Parameters are named by the weighted layer
// they follow, as the book names them: W1, b1, gamma1, beta1, W2, ...; a layer whose names are
// taken (a second batch norm after one affine) is refused, so that names stay unique. Each layer
// checks that it takes the rows the one before gives (Layer::output_size).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/init.hpp"
#include "scratchnet/layers/layer.hpp"
#include "scratchnet/layers/max_norm.hpp"
#include "scratchnet/layers/mean_squared_error.hpp"
#include "scratchnet/layers/softmax_with_loss.hpp"
#include "scratchnet/network/labels.hpp"
#include "scratchnet/network/layer_registry.hpp"
#include "scratchnet/network/loss.hpp"
#include "scratchnet/network/options.hpp"
#include "scratchnet/network/weight_penalty.hpp"

namespace scratchnet {

namespace detail {
// The model file's reader and writer (network/model_file.hpp): declared here
// so that save and load compile only where that header is included, and a
// network alone pulls in no file I/O.
template <typename T>
struct ModelFile;
}  // namespace detail

template <typename T>
class Sequential {
  static_assert(std::is_floating_point_v<T>, "Sequential<T> needs T = float or double");

 public:
  using Scalar = T;

  // input_size: the values in one row of input (a vector of features), or
  // input: the shape of one sample (channels x height x width, an image).
  // seed: of the generator that initialize() and the dropout masks draw from.
  explicit Sequential(Index input_size, std::uint64_t seed = 0)
      : Sequential(Shape::vector(input_size), seed) {}
  explicit Sequential(Shape input, std::uint64_t seed = 0)
      : input_shape_(input), output_shape_(input), seed_(seed), rng_(std::make_unique<Rng>(seed)) {
    require(input.channels > 0 && input.height > 0 && input.width > 0 &&
                input.size() <= LayerConfig::kMaxWhole,
            "input_size",
            "must be positive and at most " + std::to_string(LayerConfig::kMaxWhole) + ", got " +
                input.to_string());
  }

  Sequential(Sequential&&) noexcept = default;
  Sequential& operator=(Sequential&&) noexcept = default;

  // Appends a layer; throws std::invalid_argument when it cannot take the
  // rows the network gives so far ("layer 3 (affine): takes rows of 100
  // values, gets 50").
  Sequential& add(std::unique_ptr<Layer<T>> layer) {
    const std::string kind = layer->kind();
    return add_as(std::move(layer), where_next(kind));
  }

  // Appends a layer of a registered kind (network/layer_registry.hpp), made
  // for the rows the network gives so far; throws std::invalid_argument
  // naming the layer (as `where`, else "layer 2 (dropout)") and the fault:
  // "layer 2 (dropout): argument 'ratio': missing", or that the network
  // would hold more than kMaxNetworkValues parameter and buffer values.
  Sequential& add(const std::string& kind, const LayerConfig& config = {},
                  const std::string& where = "") {
    const std::string named = where.empty() ? where_next(kind) : where;
    const LayerRegistry<T>& registry = LayerRegistry<T>::global();
    std::unique_ptr<Layer<T>> layer;
    try {
      const std::uint64_t values = registry.values(kind, config, output_shape_);
      if (values > kMaxNetworkValues - values_) {
        fail("network", "would hold more than the " + std::to_string(kMaxNetworkValues) +
                            " parameter and buffer values a network may have");
      }
      layer = registry.make(kind, config, output_shape_);
    } catch (const std::invalid_argument& e) {
      fail(named, e.what());
    }
    return add_as(std::move(layer), named);
  }

  // Draws every layer's parameters from the network's generator, layer after
  // layer (the book's order: W1, W2, ...), and records the rule (the model
  // file keeps it).
  void initialize(const WeightInit& init) {
    for (auto& layer : layers_) layer->initialize(init, *rng_);
    init_ = init;
  }
  // The rule of the last initialize(), if any.
  const std::optional<WeightInit>& initialized_with() const { return init_; }
  // The seed the network's generator started from.
  std::uint64_t seed() const { return seed_; }

  // The lambda of L2 weight decay (0 = none).
  void set_weight_decay(double lambda) { penalty_.set_l2(lambda); }
  double weight_decay() const { return penalty_.l2(); }
  // The lambda of the L1 penalty (0 = none).
  void set_l1(double lambda) { penalty_.set_l1(lambda); }
  double l1() const { return penalty_.l1(); }

  // The max-norm limit c of every unit's incoming weights (0 = none), and its
  // application: the Trainer calls apply_max_norm() after each update.
  void set_max_norm(double c) { max_norm_ = checked_max_norm(c); }
  double max_norm() const { return max_norm_; }
  void apply_max_norm() {
    if (max_norm_ == 0) return;
    for (auto& layer : layers_) layer->limit_incoming_norms(max_norm_);
  }

  // The loss after the last layer; labels are then class indices (or one-hot
  // rows) for softmax cross entropy, rows of target values as wide as the
  // output for mean squared error.
  void set_loss(Loss loss) { loss_ = loss; }
  Loss loss_kind() const { return loss_; }

  Index input_size() const { return input_shape_.size(); }
  const Shape& input_shape() const { return input_shape_; }
  // Columns of the scores: the classes.
  Index output_size() const { return output_shape_.size(); }
  const Shape& output_shape() const { return output_shape_; }
  const std::vector<std::unique_ptr<Layer<T>>>& layers() const { return layers_; }

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
    Matrix<T> scores(x.rows(), output_size());
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

  // The data loss plus the weight penalties (L2, L1). train = true runs batch norm
  // on batch statistics (and updates the running ones) and draws dropout
  // masks.
  template <typename DerivedX, typename DerivedT>
  T loss(const Eigen::MatrixBase<DerivedX>& x, const Eigen::MatrixBase<DerivedT>& labels,
         bool train = false) {
    return loss_of(as_input(x), labels, train);
  }

  // Backprop in train mode: fills every gradient and returns the loss.
  template <typename DerivedX, typename DerivedT>
  T gradient(const Eigen::MatrixBase<DerivedX>& x, const Eigen::MatrixBase<DerivedT>& labels) {
    const T value = loss_of(as_input(x), labels, true);
    const Matrix<T>* dout =
        loss_ == Loss::mean_squared_error ? &squared_error_.backward() : &loss_layer_.backward();
    for (auto layer = layers_.rbegin(); layer != layers_.rend(); ++layer) {
      dout = &(*layer)->backward(*dout);
    }
    penalty_.add_gradient(decayed_);
    return value;
  }

  // Fraction of rows whose highest score is the label, in test mode. Runs in
  // chunks so that a whole data set needs no activations of its full size.
  // Only for classes: throws std::invalid_argument under mean squared error.
  template <typename DerivedX, typename DerivedT>
  double accuracy(const Eigen::MatrixBase<DerivedX>& x, const Eigen::MatrixBase<DerivedT>& labels,
                  Index chunk_rows = kTestBatchRows) {
    if (loss_ == Loss::mean_squared_error) {
      fail("accuracy", "counts classes, but this network's loss is mean_squared_error");
    }
    check_input(x);
    const Labels& classes = label_reader_.read(labels, x.rows(), output_size());
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

  // The output of each activation layer in the last forward pass (of
  // forward_all, gradient or loss; predict's last batch in test mode).
  const std::vector<const Matrix<T>*>& hidden_activations() const { return hidden_outputs_; }

  // Keeps every dropout mask fixed across training forwards (gradient checks).
  void hold_dropout_masks(bool hold) {
    for (auto& layer : layers_) layer->hold_random_state(hold);
  }

  // The model file (docs/model-format.md): the input width, the loss, weight
  // decay, seed and init rule, each layer's kind and arguments, then every
  // parameter and buffer by name. Defined in network/model_file.hpp: include
  // it to save or load. from_bytes and to_bytes are the same bytes in memory
  // (checkpoints embed them); path only names the source in messages.
  template <typename File = detail::ModelFile<T>>
  void save(const std::string& path) const {
    File::save(*this, path);
  }
  template <typename File = detail::ModelFile<T>>
  std::vector<unsigned char> to_bytes(const std::string& path = "model") const {
    return File::to_bytes(*this, path);
  }
  template <typename File = detail::ModelFile<T>>
  static Sequential load(const std::string& path) {
    return File::load(path);
  }
  template <typename File = detail::ModelFile<T>>
  static Sequential from_bytes(const std::vector<unsigned char>& bytes,
                               const std::string& path = "model") {
    return File::from_bytes(bytes, path);
  }

  SoftmaxWithLoss<T>& loss_layer() { return loss_layer_; }
  // The generator behind initialisation and dropout masks (checkpoints save it).
  Rng& rng() { return *rng_; }

 private:
  Sequential& add_as(std::unique_ptr<Layer<T>> layer, const std::string& where) {
    Shape outputs;
    try {
      outputs = layer->output_shape(output_shape_);
    } catch (const std::invalid_argument& e) {
      fail(where, e.what());
    }
    const int number = weighted_layers_ + (layer->weighted() ? 1 : 0);
    ParamList<T> added;
    layer->append_params(added, number);
    for (const Param<T>& p : added) {
      if (std::any_of(params_.begin(), params_.end(),
                      [&](const Param<T>& q) { return q.name == p.name; })) {
        fail(where, "would name a parameter " + p.name +
                        " again; a layer with parameters needs a weighted layer (affine) between "
                        "it and the last one of its kind");
      }
    }
    params_.insert(params_.end(), added.begin(), added.end());
    for (const Param<T>& p : added) values_ += static_cast<std::uint64_t>(p.value->size());
    const std::size_t buffers_before = buffers_.size();
    layer->append_buffers(buffers_, number);
    for (std::size_t i = buffers_before; i < buffers_.size(); ++i)
      values_ += static_cast<std::uint64_t>(buffers_[i].value->size());
    layer->append_decayed(decayed_, number);
    layer->set_input_gradient(!layers_.empty());
    layer->bind_rng(*rng_);
    if (layer->is_activation()) hidden_outputs_.push_back(nullptr);
    weighted_layers_ = number;
    output_shape_ = outputs;
    layers_.push_back(std::move(layer));
    return *this;
  }

  std::string where_next(const std::string& kind) const {
    return "layer " + std::to_string(layers_.size() + 1) + " (" + kind + ")";
  }

  const Matrix<T>& forward(const Matrix<T>& x, bool train) {
    if (layers_.empty()) fail("Sequential", "has no layers");
    const Matrix<T>* h = &x;
    std::size_t hidden = 0;
    for (auto& layer : layers_) {
      h = &layer->forward(*h, train);
      if (layer->is_activation()) hidden_outputs_[hidden++] = h;
    }
    return *h;
  }

  template <typename DerivedT>
  T loss_of(const Matrix<T>& x, const Eigen::MatrixBase<DerivedT>& labels, bool train) {
    const Matrix<T>& output = forward(x, train);
    T value =
        loss_ == Loss::mean_squared_error
            ? squared_error_.forward(output, labels)
            : loss_layer_.forward(output, label_reader_.read(labels, x.rows(), output_size()));
    if (penalty_.l2() > 0 || penalty_.l1() > 0)
      value += static_cast<T>(penalty_.loss_term(decayed_));
    return value;
  }

  template <typename Derived>
  void check_input(const Eigen::MatrixBase<Derived>& x) const {
    if (x.rows() == 0) fail("x", "has no rows");
    if (x.cols() != input_size()) {
      fail("x", "has " + std::to_string(x.cols()) + " columns but the network's input_size is " +
                    std::to_string(input_size()));
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

  Shape input_shape_;
  Shape output_shape_;
  std::uint64_t seed_;
  std::unique_ptr<Rng> rng_;
  std::optional<WeightInit> init_;
  std::uint64_t values_ = 0;
  WeightPenalty penalty_;
  double max_norm_ = 0;
  int weighted_layers_ = 0;
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  std::vector<const Matrix<T>*> hidden_outputs_;
  Loss loss_ = Loss::softmax_cross_entropy;
  SoftmaxWithLoss<T> loss_layer_;
  MeanSquaredError<T> squared_error_;
  ParamList<T> params_;
  ParamList<T> decayed_;
  std::vector<Buffer<T>> buffers_;
  Matrix<T> input_;
  LabelReader label_reader_;
};

}  // namespace scratchnet
