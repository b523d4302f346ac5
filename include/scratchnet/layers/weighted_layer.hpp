// What a layer with a weight matrix W and a bias row b shares (Affine,
// Convolution): the book's names W<n> and b<n>, L2 weight decay on W only,
// and no dx when it is a network's first layer (nothing before it needs one,
// and it costs a product as large as the one for dW).
#pragma once

#include <string>

#include "scratchnet/layers/layer_kind.hpp"

namespace scratchnet {

template <typename T>
class WeightedLayer : public Layer<T> {
 public:
  bool weighted() const override { return true; }
  void append_params(ParamList<T>& params, int number) override {
    const std::string n = std::to_string(number);
    params.push_back({"W" + n, &W, &dW});
    params.push_back({"b" + n, &b, &db});
  }
  void append_decayed(ParamList<T>& params, int number) override {
    params.push_back({"W" + std::to_string(number), &W, &dW});
  }
  void set_input_gradient(bool needed) override { input_gradient_ = needed; }

  Matrix<T> W, b, dW, db;

 protected:
  bool input_gradient_ = true;
};

}  // namespace scratchnet
