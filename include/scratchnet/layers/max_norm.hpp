// Max-norm (Srivastava et al. 2014, with dropout): after each update, every
// unit's incoming weight vector w is scaled back onto the ball of radius c
// when it has left it,
//
//   w = w * c / ||w||    if ||w|| > c,    else w unchanged,
//
// which bounds the weights without pulling on those inside the ball (L2
// pulls on all of them). A unit's incoming weights are a column of an affine
// W (inputs x outputs) and a row of a convolution's W (a filter): each layer
// applies this to its own (Layer::limit_incoming_norms).
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "scratchnet/core/errors.hpp"

namespace scratchnet {

// c, unless it is not a finite number >= 0 (0 = no max-norm): then
// std::invalid_argument "max_norm: ...".
inline double checked_max_norm(double c) {
  require(std::isfinite(c) && c >= 0, "max_norm",
          "must be a finite number >= 0 (0 = off), got " + detail::option_value(c));
  return c;
}

// Scales one unit's weights (a column or row expression of a matrix) back to
// norm c when their norm exceeds it; a unit within c keeps its bits. The
// limit is the largest T not above c (float(0.4) is above 0.4). Rounding can
// leave the scaled norm an ulp above it: the weights then shrink by one ulp
// at a time, a few times at most, so that ||w|| <= c holds as computed.
template <typename Weights>
void limit_norm(Weights&& weights, double c) {
  using T = typename std::decay_t<Weights>::Scalar;
  T limit = static_cast<T>(c);
  if (static_cast<double>(limit) > c) limit = std::nextafter(limit, T(0));
  const T norm = weights.norm();
  if (!(norm > limit)) return;
  weights *= limit / norm;
  const T one_ulp_less = T(1) - std::numeric_limits<T>::epsilon();
  for (int pass = 0; pass < 4 && weights.norm() > limit; ++pass) weights *= one_ulp_less;
}

}  // namespace scratchnet
