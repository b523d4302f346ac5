// Dropout (Srivastava et al. 2014). The book's form by default: training keeps
// a unit with probability 1 - ratio and leaves it unscaled, testing multiplies
// by 1 - ratio. Inverted dropout scales by 1 / (1 - ratio) in training instead
// and leaves test mode untouched.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

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
  // Drawn a block at a time: the words stay in L1, and g++ vectorises an
  // inner loop of fixed length at -O2 too (one of unknown length only at
  // -O3): W3's dropouts 73 -> 30 ms an epoch at -O2.
  void draw_mask(const Matrix<T>& x) {
    mask_.resize(x.rows(), x.cols());
    const T kept = inverted_ ? static_cast<T>(1 / (1 - ratio_)) : T(1);
    const std::uint32_t cut = Rng::cut32(ratio_);
    const auto keep = [&](std::uint64_t half) {
      return static_cast<std::uint32_t>(half) > cut ? kept : T(0);
    };
    constexpr Index kBlock = 32;
    std::array<std::uint64_t, kBlock> block;
    const std::uint64_t* words = block.data();
    T* mask = mask_.data();
    const Index size = mask_.size();
    Index done = 0;
    for (; done + 2 * kBlock <= size; done += 2 * kBlock) {
      rng_->fill(block.data(), kBlock);
      for (Index i = 0; i < kBlock; ++i) {
        mask[done + 2 * i] = keep(words[i]);
        mask[done + 2 * i + 1] = keep(words[i] >> 32);
      }
    }
    const Index rest = size - done;
    rng_->fill(block.data(), (rest + 1) / 2);
    for (Index i = 0; i < rest; ++i) mask[done + i] = keep(words[i / 2] >> (i % 2 * 32));
  }

  double ratio_;
  bool inverted_;
  Rng* rng_ = nullptr;
  bool hold_mask_ = false;
  Matrix<T> mask_, out_, dx_;
};

}  // namespace scratchnet
