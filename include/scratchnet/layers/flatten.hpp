// Flatten: an image of C x H x W taken as the vector of its C H W values. A
// row already holds them in that order, so the values pass as they are; only
// the shape the next layer sees changes (the book's Affine reshapes its input
// the same way, and so does ours: a flatten before an affine is optional).
#pragma once

#include <memory>
#include <string>

#include "scratchnet/layers/layer_kind.hpp"

namespace scratchnet {

template <typename T>
class Flatten : public Layer<T> {
 public:
  static LayerKind<T> layer_kind() { return kind_without_arguments<T, Flatten>("flatten"); }
  std::string kind() const override { return "flatten"; }

  Shape output_shape(const Shape& input) const override { return Shape::vector(input.size()); }

  // y = x
  const Matrix<T>& forward(const Matrix<T>& x, bool /*train*/) override { return x; }
  // dx = dy
  const Matrix<T>& backward(const Matrix<T>& dout) override { return dout; }
};

}  // namespace scratchnet
