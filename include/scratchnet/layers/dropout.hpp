// Dropout (Srivastava et al. 2014). The book's form by default: training keeps
// a unit with probability 1 - ratio and leaves it unscaled, testing multiplies
// by 1 - ratio. Inverted dropout scales by 1 / (1 - ratio) in training instead
// and leaves test mode untouched.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/layers/layer_kind.hpp"

namespace scratchnet {

template <typename T>
class Dropout : public Layer<T> {
 public:
  // Draws its masks from the generator of the network it is added to
  // (bind_rng), or from rng, which must outlive the layer.
  explicit Dropout(double ratio, bool inverted = false) : ratio_(ratio), inverted_(inverted) {
    require(ratio >= 0 && ratio < 1, "dropout_ratio", "must be in [0, 1)");
  }
  Dropout(double ratio, Rng& rng, bool inverted = false) : Dropout(ratio, inverted) { rng_ = &rng; }

  // dropout(ratio, inverted = 0)
  static LayerKind<T> layer_kind() {
    return {"dropout", {"ratio", "inverted"}, [](const LayerConfig& config, const Shape&) {
              return std::make_unique<Dropout>(config.number("ratio"),
                                               config.flag_or("inverted", false));
            }};
  }
  std::string kind() const override { return "dropout"; }
  LayerConfig config() const override {
    LayerConfig config{{"ratio", ratio_}};
    if (inverted_) config.set("inverted", 1);
    return config;
  }
  void bind_rng(Rng& rng) override { rng_ = &rng; }

  // A held mask is reused by every training forward of the same shape, so a
  // numerical gradient sees the same network as backprop.
  void hold_random_state(bool hold) override { hold_mask_ = hold; }
  bool mask_held() const { return hold_mask_; }
  const Matrix<T>& mask() const { return mask_; }

  // train: mask = (u > ratio) [/ (1 - ratio) when inverted], y = x * mask;
  // test:  y = x * (1 - ratio) [y = x when inverted]
  const Matrix<T>& forward(const Matrix<T>& x, bool train) override {
    if (!train) {
      out_ = inverted_ ? x : x * static_cast<T>(1 - ratio_);
      return out_;
    }
    if (rng_ == nullptr) fail("dropout", "has no random generator: add it to a network first");
    if (!hold_mask_ || !same_shape(mask_, x)) draw_mask(x);
    out_ = x.cwiseProduct(mask_);
    return out_;
  }

  // dx = dout * mask
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    dx_ = dout.cwiseProduct(mask_);
    return dx_;
  }

 private:
  // mask = (u > ratio) for a uniform u of 32 bits per value (Rng::cut32):
  // the book's rand(shape) > ratio to 2^-32. Value 2i is the low half of draw
  // i, value 2i + 1 its high half: half the draws of a uniform() per value,
  // the generator having been three quarters of the time of W3's dropouts.
  void draw_mask(const Matrix<T>& x) {
    mask_.resize(x.rows(), x.cols());
    const Index pairs = mask_.size() / 2;
    words_.resize(static_cast<std::size_t>(pairs + 1));
    rng_->fill(words_.data(), mask_.size() - pairs);
    const T kept = inverted_ ? static_cast<T>(1 / (1 - ratio_)) : T(1);
    const std::uint32_t cut = Rng::cut32(ratio_);
    T* mask = mask_.data();
    const auto keep = [&](std::uint64_t half) {
      return static_cast<std::uint32_t>(half) > cut ? kept : T(0);
    };
    const auto fill_pair = [&](Index i) {
      const std::uint64_t word = words_[static_cast<std::size_t>(i)];
      mask[2 * i] = keep(word);
      mask[2 * i + 1] = keep(word >> 32);
    };
    // Blocks of a fixed size, which g++ vectorises at -O2 too (a loop of
    // unknown length only at -O3): W3's dropouts 73 -> 30 ms an epoch at -O2.
    constexpr Index kBlock = 32;
    const Index blocked = pairs - pairs % kBlock;
    for (Index block = 0; block < blocked; block += kBlock) {
      for (Index i = block; i < block + kBlock; ++i) fill_pair(i);
    }
    for (Index i = blocked; i < pairs; ++i) fill_pair(i);
    if (mask_.size() % 2 == 1)
      mask[mask_.size() - 1] = keep(words_[static_cast<std::size_t>(pairs)]);
  }

  double ratio_;
  bool inverted_;
  Rng* rng_ = nullptr;
  bool hold_mask_ = false;
  std::vector<std::uint64_t> words_;
  Matrix<T> mask_, out_, dx_;
};

}  // namespace scratchnet
