// Forward and backward of one Convolution layer at each shape of the book's
// SimpleConvNet (its first layer) and DeepConvNet (all six), a batch of 100,
// one thread: the measurement behind docs/performance.md's choice of
// algorithm per layer. Prints the median of 15 repetitions in milliseconds and
// what the layer uses: Winograd's F(2x2, 3x3) (its dW still from a col), or
// im2col's or the channels-last col for everything.
//
//   conv_layers
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "scratchnet/core/rng.hpp"
#include "scratchnet/layers/convolution.hpp"

namespace {

struct LayerShape {
  scratchnet::Shape input;
  scratchnet::Index filters, size, pad;
  bool input_gradient;  // false for a network's first layer
};

template <typename Step>
double median_ms(const Step& step) {
  std::vector<double> ms;
  for (int repetition = 0; repetition < 15; ++repetition) {
    const auto start = std::chrono::steady_clock::now();
    step();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::nth_element(ms.begin(), ms.begin() + 7, ms.end());
  return ms[7];
}

}  // namespace

int main() {
  using scratchnet::Index;
  const LayerShape shapes[] = {{{1, 28, 28}, 30, 5, 0, false}, {{1, 28, 28}, 16, 3, 1, false},
                               {{16, 28, 28}, 16, 3, 1, true}, {{16, 14, 14}, 32, 3, 1, true},
                               {{32, 14, 14}, 32, 3, 2, true}, {{32, 8, 8}, 64, 3, 1, true},
                               {{64, 8, 8}, 64, 3, 1, true}};
  scratchnet::Rng rng(1);
  double forward_total = 0, backward_total = 0;
  std::printf("%-10s %7s %6s %4s %-14s %10s %11s\n", "input", "filters", "size", "pad", "algorithm",
              "forward ms", "backward ms");
  for (const LayerShape& s : shapes) {
    scratchnet::Convolution<float> conv(s.input, s.filters, s.size, 1, s.pad);
    conv.initialize(scratchnet::WeightInit::he(), rng);
    conv.set_input_gradient(s.input_gradient);
    scratchnet::Matrix<float> x(100, s.input.size());
    rng.fill_normal(x, 1.0);
    x = x.cwiseMax(0.0f);  // as after a ReLU
    scratchnet::Matrix<float> dy(100, conv.output_shape(s.input).size());
    rng.fill_normal(dy, 1.0);
    const double forward = median_ms([&] { conv.forward(x, true); });
    const double backward = median_ms([&] { conv.backward(dy); });
    forward_total += forward;
    backward_total += backward;
    std::printf("%-10s %7ld %6ld %4ld %-14s %10.2f %11.2f\n", s.input.to_string().c_str(),
                static_cast<long>(s.filters), static_cast<long>(s.size), static_cast<long>(s.pad),
                conv.uses_winograd()            ? "winograd"
                : conv.uses_channels_last_col() ? "channels-last"
                                                : "im2col",
                forward, backward);
  }
  std::printf("%-44s %10.2f %11.2f\n", "all", forward_total, backward_total);
  return 0;
}
