// ReLU, y = max(0, x). The gradient passes where x > 0 (the book's mask is
// x <= 0), and x > 0 exactly where y > 0, so the output serves as the mask.
#pragma once

#include <string>

#include "scratchnet/core/parallel.hpp"
#include "scratchnet/layers/layer_kind.hpp"

namespace scratchnet {
namespace detail {

// dout where out > 0, else 0: ReLU's gradient gate. Eigen 3.4 leaves
// `(out > 0).select(dout, 0)` to the compiler, which vectorises it at -O3 but
// not at -O2 (g++ 12), where it was a branch per value: 15% of a W1 epoch
// (docs/performance.md). As one compare and one AND per packet Eigen
// vectorises it at every level; the values are the select's, bit for bit.
template <typename T>
struct PassWherePositive {
  T operator()(const T& dout, const T& out) const { return out > T(0) ? dout : T(0); }
  template <typename Packet>
  Packet packetOp(const Packet& dout, const Packet& out) const {
    using namespace Eigen::internal;
    return pand(dout, pcmp_lt(pzero(out), out));
  }
};

}  // namespace detail
}  // namespace scratchnet

namespace Eigen::internal {
template <typename T>
struct functor_traits<scratchnet::detail::PassWherePositive<T>> {
  enum { Cost = 2, PacketAccess = packet_traits<T>::HasCmp };
};
}  // namespace Eigen::internal

namespace scratchnet {

template <typename T>
class Relu : public Layer<T> {
 public:
  static LayerKind<T> layer_kind() { return kind_without_arguments<T, Relu>("relu"); }
  std::string kind() const override { return "relu"; }
  bool is_activation() const override { return true; }

  // y = max(0, x)
  const Matrix<T>& forward(const Matrix<T>& x, bool /*train*/) override {
    out_.resize(x.rows(), x.cols());
    parallel_row_blocks(x.rows(), [&](Index begin, Index count) {
      out_.middleRows(begin, count) = x.middleRows(begin, count).cwiseMax(T(0));
    });
    return out_;
  }

  // dx = dout where x > 0, else 0
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    dx_.resize(dout.rows(), dout.cols());
    parallel_row_blocks(dout.rows(), [&](Index begin, Index count) {
      dx_.middleRows(begin, count) =
          dout.middleRows(begin, count)
              .binaryExpr(out_.middleRows(begin, count), detail::PassWherePositive<T>());
    });
    return dx_;
  }

 private:
  Matrix<T> out_, dx_;
};

}  // namespace scratchnet
