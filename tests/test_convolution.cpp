// Convolution and pooling (layers/convolution.hpp, layers/pooling.hpp,
// layers/im2col.hpp, layers/winograd.hpp): outputs computed by hand and by
// their defining sums, with every algorithm of the layer, input gradients against
// central differences for stride 1 and 2, padding 0 to 2, several channels,
// filters and rows, networks of them against the numerical gradient, and
// shapes that do not fit refused by name.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>

#include "scratchnet/layers/convolution.hpp"
#include "scratchnet/layers/pooling.hpp"
#include "scratchnet/network/gradient_check.hpp"
#include "scratchnet/network/layer_spec.hpp"
#include "support/errors.hpp"

namespace sn = scratchnet;
using sn::Matrix;
using sn::Shape;

namespace {

Matrix<double> normal_matrix(sn::Index rows, sn::Index cols, std::uint64_t seed) {
  Matrix<double> m(rows, cols);
  sn::Rng(seed).fill_normal(m, 1.0);
  return m;
}

// The largest difference between the layer's dx and the central difference
// of L = sum(weights * y) with respect to each value of x.
double input_gradient_error(sn::Layer<double>& layer, Matrix<double> x) {
  const Matrix<double> y = layer.forward(x, true);
  const Matrix<double> weights = normal_matrix(y.rows(), y.cols(), 77);
  layer.set_input_gradient(true);
  const Matrix<double> dx = layer.backward(weights);
  double worst = 0;
  const double h = 1e-6;
  for (sn::Index i = 0; i < x.size(); ++i) {
    const double saved = x.data()[i];
    x.data()[i] = saved + h;
    const double plus = layer.forward(x, true).cwiseProduct(weights).sum();
    x.data()[i] = saved - h;
    const double minus = layer.forward(x, true).cwiseProduct(weights).sum();
    x.data()[i] = saved;
    worst = std::max(worst, std::abs((plus - minus) / (2 * h) - dx.data()[i]));
  }
  return worst;
}

// A convolution layer's input shape and settings: a case of the tests below
// that check the layer against its definition and against central differences.
struct ConvolutionCase {
  Shape input;
  sn::Index filters, size, stride, pad;
};

// Calls check with each case and a layer made to it, the case named in the
// message of any failure.
void check_convolutions(
    std::initializer_list<ConvolutionCase> cases,
    const std::function<void(const ConvolutionCase&, sn::Convolution<double>&)>& check) {
  for (const ConvolutionCase& c : cases) {
    INFO("input " << c.input.to_string() << ", " << c.filters << " filters " << c.size
                  << ", stride " << c.stride << ", pad " << c.pad);
    sn::Convolution<double> conv(c.input, c.filters, c.size, c.stride, c.pad);
    check(c, conv);
  }
}

}  // namespace

TEST_CASE("A convolution computed by hand", "[conv]") {
  // One 3x3 image, one 2x2 filter [[1, 2], [3, 4]], bias 0.5, stride 1, no pad.
  sn::Convolution<double> conv(Shape{1, 3, 3}, 1, 2);
  conv.W << 1, 2, 3, 4;
  conv.b << 0.5;
  Matrix<double> x(1, 9);
  x << 1, 2, 3, 4, 5, 6, 7, 8, 9;
  Matrix<double> expected(1, 4);
  expected << 37.5, 47.5, 67.5, 77.5;  // 1*1 + 2*2 + 3*4 + 4*5 + 0.5, ...
  CHECK(conv.forward(x, false) == expected);
  CHECK(conv.output_shape(Shape{1, 3, 3}) == Shape{1, 2, 2});

  // Two filters 3x3, pad 1, stride 2 on two rows: 2 x 2 x 2 outputs each.
  sn::Convolution<double> padded(Shape{1, 3, 3}, 2, 3, 2, 1);
  padded.W.setZero();
  padded.W(0, 4) = 1;  // the centre: the pixel under it
  padded.W(1, 0) = 1;  // the top left: the pixel up and left of it, 0 in the padding
  Matrix<double> two(2, 9);
  two.row(0) = x.row(0);
  two.row(1) = -x.row(0);
  Matrix<double> padded_expected(2, 8);
  padded_expected << 1, 3, 7, 9, 0, 0, 0, 5,  //
      -1, -3, -7, -9, 0, 0, 0, -5;
  CHECK(padded.forward(two, false) == padded_expected);
}

// Every way the layer computes (the layer picks one by its shape: im2col's col
// for the first and sixth cases here, the channels-last col for the others up
// to the sixth, Winograd's F(2x2, 3x3) for the last four, of 3 x 3 filters,
// stride 1, 8 or more channels; odd outputs, pads 0 to 2) against the
// definition: y(f, oy, ox) = b(f) + sum over (c, fy, fx) of
// W(f, (c, fy, fx)) x(c, oy S + fy - P, ox S + fx - P), 0 outside the image;
// dW(f, (c, fy, fx)) = sum over (n, oy, ox) of dy(f, oy, ox) times that x,
// dx at that x the sum of dy(f, oy, ox) W(f, (c, fy, fx)), db(f) the sum of
// dy(f, oy, ox).
TEST_CASE("Convolution's output and gradients are the defining sums", "[conv]") {
  const auto cases = {
      ConvolutionCase{{1, 9, 9}, 2, 3, 2, 1}, ConvolutionCase{{3, 6, 6}, 4, 3, 1, 1},
      ConvolutionCase{{2, 5, 7}, 3, 3, 2, 1}, ConvolutionCase{{2, 5, 5}, 2, 3, 2, 2},
      ConvolutionCase{{3, 4, 6}, 5, 2, 2, 0}, ConvolutionCase{{4, 10, 12}, 3, 3, 1, 1},
      ConvolutionCase{{8, 5, 7}, 3, 3, 1, 0}, ConvolutionCase{{8, 6, 6}, 4, 3, 1, 1},
      ConvolutionCase{{9, 4, 5}, 2, 3, 1, 2}, ConvolutionCase{{16, 7, 6}, 17, 3, 1, 1}};
  int winograd_layers = 0;
  check_convolutions(cases, [&](const ConvolutionCase& c, sn::Convolution<double>& conv) {
    winograd_layers += conv.uses_winograd() ? 1 : 0;
    conv.set_input_gradient(true);
    conv.W = normal_matrix(c.filters, c.input.channels * c.size * c.size, 11);
    conv.b = normal_matrix(1, c.filters, 12);
    const Matrix<double> x = normal_matrix(2, c.input.size(), 13);
    const Shape out = conv.output_shape(c.input);
    const Matrix<double> dy = normal_matrix(2, out.size(), 14);
    Matrix<double> y = Matrix<double>::Zero(2, out.size());
    Matrix<double> dW = Matrix<double>::Zero(conv.W.rows(), conv.W.cols());
    Matrix<double> dx = Matrix<double>::Zero(2, c.input.size());
    Matrix<double> db = Matrix<double>::Zero(1, c.filters);
    for (sn::Index n = 0; n < 2; ++n) {
      for (sn::Index f = 0; f < c.filters; ++f) {
        for (sn::Index oy = 0; oy < out.height; ++oy) {
          for (sn::Index ox = 0; ox < out.width; ++ox) {
            const sn::Index at = (f * out.height + oy) * out.width + ox;
            y(n, at) = conv.b(0, f);
            db(0, f) += dy(n, at);
            for (sn::Index ch = 0; ch < c.input.channels; ++ch) {
              for (sn::Index fy = 0; fy < c.size; ++fy) {
                for (sn::Index fx = 0; fx < c.size; ++fx) {
                  const sn::Index iy = oy * c.stride + fy - c.pad, ix = ox * c.stride + fx - c.pad;
                  if (iy < 0 || iy >= c.input.height || ix < 0 || ix >= c.input.width) continue;
                  const sn::Index pixel = (ch * c.input.height + iy) * c.input.width + ix;
                  const sn::Index k = (ch * c.size + fy) * c.size + fx;
                  y(n, at) += conv.W(f, k) * x(n, pixel);
                  dW(f, k) += dy(n, at) * x(n, pixel);
                  dx(n, pixel) += dy(n, at) * conv.W(f, k);
                }
              }
            }
          }
        }
      }
    }
    CHECK((conv.forward(x, true) - y).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((conv.backward(dy) - dx).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((conv.dW - dW).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((conv.db - db).cwiseAbs().maxCoeff() < 1e-12);
  });
  CHECK(winograd_layers == 4);
}

TEST_CASE("Pooling computed by hand, ties to the first maximum", "[conv]") {
  Matrix<double> x(1, 16);
  x << 1, 2, 5, 5,   //
      3, 4, 5, 5,    //
      -1, -2, 0, 0,  //
      -3, -4, 0, 0;
  sn::Pooling<double> max(sn::PoolingKind::max, Shape{1, 4, 4}, 2, 2);
  Matrix<double> expected(1, 4);
  expected << 4, 5, -1, 0;
  CHECK(max.forward(x, true) == expected);
  Matrix<double> dout(1, 4);
  dout << 10, 20, 30, 40;
  Matrix<double> dx_expected = Matrix<double>::Zero(1, 16);
  dx_expected(0, 5) = 10;   // the 4
  dx_expected(0, 2) = 20;   // the first of the four 5s
  dx_expected(0, 8) = 30;   // -1
  dx_expected(0, 10) = 40;  // the first 0
  CHECK(max.backward(dout) == dx_expected);

  sn::Pooling<double> average(sn::PoolingKind::average, Shape{1, 4, 4}, 2, 2);
  Matrix<double> mean(1, 4);
  mean << 2.5, 5, -2.5, 0;
  CHECK(average.forward(x, true) == mean);
}

TEST_CASE("Max pooling agrees with a window-by-window search, ties and overlaps included",
          "[conv]") {
  struct Case {
    Shape input;
    sn::Index size, stride, pad;
  };
  // The first is the book's 2 x 2 stride 2 tiling; values from {-2, ..., 2}
  // make ties in most windows.
  for (const Case& c : {Case{{3, 8, 6}, 2, 2, 0}, Case{{2, 7, 7}, 3, 2, 1},
                        Case{{2, 6, 6}, 2, 1, 1}, Case{{1, 9, 6}, 3, 3, 0}}) {
    INFO("input " << c.input.to_string() << ", window " << c.size << ", stride " << c.stride
                  << ", pad " << c.pad);
    sn::Pooling<float> pool(sn::PoolingKind::max, c.input, c.size, c.stride, c.pad);
    const Shape out = pool.output_shape(c.input);
    sn::Rng rng(21);
    Matrix<float> x(3, c.input.size());
    for (sn::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.below(5)) - 2;
    Matrix<float> dout(3, out.size());
    for (sn::Index i = 0; i < dout.size(); ++i) dout.data()[i] = static_cast<float>(i + 1);
    Matrix<float> expected(3, out.size());
    Matrix<float> expected_dx = Matrix<float>::Zero(3, c.input.size());
    for (sn::Index n = 0; n < 3; ++n) {
      for (sn::Index ch = 0; ch < out.channels; ++ch) {
        for (sn::Index oy = 0; oy < out.height; ++oy) {
          for (sn::Index ox = 0; ox < out.width; ++ox) {
            sn::Index best = -1;
            for (sn::Index fy = 0; fy < c.size; ++fy) {
              for (sn::Index fx = 0; fx < c.size; ++fx) {
                const sn::Index y = oy * c.stride - c.pad + fy, xx = ox * c.stride - c.pad + fx;
                if (y < 0 || y >= c.input.height || xx < 0 || xx >= c.input.width) continue;
                const sn::Index cell = (ch * c.input.height + y) * c.input.width + xx;
                if (best < 0 || x(n, cell) > x(n, best)) best = cell;
              }
            }
            const sn::Index at = (ch * out.height + oy) * out.width + ox;
            expected(n, at) = x(n, best);
            expected_dx(n, best) += dout(n, at);
          }
        }
      }
    }
    CHECK(pool.forward(x, true) == expected);
    CHECK(pool.backward(dout) == expected_dx);
  }
}

TEST_CASE("Convolution and pooling input gradients match central differences", "[conv][gradient]") {
  const auto cases = {
      ConvolutionCase{{1, 5, 5}, 2, 3, 1, 0}, ConvolutionCase{{3, 6, 6}, 4, 3, 1, 1},
      ConvolutionCase{{2, 7, 7}, 3, 3, 2, 1}, ConvolutionCase{{2, 5, 5}, 2, 3, 2, 2},
      ConvolutionCase{{3, 4, 6}, 5, 2, 2, 0}, ConvolutionCase{{8, 5, 4}, 3, 3, 1, 1},
      ConvolutionCase{{8, 4, 5}, 2, 3, 1, 2}};
  check_convolutions(cases, [](const ConvolutionCase& c, sn::Convolution<double>& conv) {
    sn::Rng rng(5);
    conv.initialize(sn::WeightInit::he(), rng);
    conv.b = normal_matrix(1, c.filters, 6);
    CHECK(input_gradient_error(conv, normal_matrix(3, c.input.size(), 8)) < 1e-7);
  });
  for (const sn::PoolingKind how : {sn::PoolingKind::max, sn::PoolingKind::average}) {
    for (const sn::Index stride : {1, 2}) {
      for (const sn::Index pad : {0, 1}) {
        INFO("stride " << stride << ", pad " << pad);
        sn::Pooling<double> pool(how, Shape{2, 6, 6}, 2, stride, pad);
        CHECK(input_gradient_error(pool, normal_matrix(3, 72, 9)) < 1e-7);
      }
    }
  }
}

TEST_CASE("Convolutional networks' backprop matches the numerical gradient", "[conv][gradient]") {
  sn::Rng rng(4);
  Matrix<double> x(4, 2 * 8 * 8);
  rng.fill_normal(x, 1.0);
  sn::Labels labels(4);
  labels << 0, 2, 1, 2;
  for (const char* layers :
       {"conv(3,3,pad=1),tanh,maxpool(2),conv(4,2,stride=2,pad=1),sigmoid,affine(3)",
        "conv(2,5,pad=2),relu,avgpool(2),flatten,affine(5),tanh,affine(3)",
        "conv(3,2,stride=2),tanh,conv(2,2,stride=2),tanh,affine(3)",
        "conv(3,3,pad=1),batchnorm,tanh,maxpool(2),conv(2,3),batchnorm(0.5),sigmoid,affine(3)",
        "conv(8,3,pad=1),tanh,conv(9,3),tanh,maxpool(2),conv(3,3,pad=2),affine(3)"}) {
    INFO(layers);
    sn::Sequential<double> net(Shape{2, 8, 8}, 3);
    sn::add_layers(net, sn::parse_layer_specs<double>(layers));
    net.initialize(sn::WeightInit::xavier());
    net.set_weight_decay(0.01);
    sn::GradientCheckOptions check;
    check.h = 1e-5;  // batch norm is strongly curved (test_network.cpp)
    const auto rows = sn::compare_gradients(net, x, labels, check);
    INFO(rows);
    for (const auto& row : rows) CHECK(row.max_relative < 1e-6);
  }
}

TEST_CASE("Batch norm after a convolution normalises each channel", "[conv]") {
  // 3 rows of 2 channels of 2x3: each channel's 18 values (3 rows x 6
  // positions) to mean 0 and variance 1 (biased, eps 1e-6), gamma 1, beta 0.
  const Matrix<double> x = normal_matrix(3, 12, 21) * 3.0;
  sn::Sequential<double> net(Shape{2, 2, 3});
  net.add("batchnorm");
  CHECK(net.param("gamma0").cols() == 2);  // numbered 0: no weighted layer before it
  const Matrix<double>& y = net.forward_all(x, true);
  for (sn::Index c = 0; c < 2; ++c) {
    double mean = 0, squares = 0;
    for (sn::Index n = 0; n < 3; ++n) {
      for (sn::Index p = 0; p < 6; ++p) mean += x(n, c * 6 + p) / 18;
    }
    for (sn::Index n = 0; n < 3; ++n) {
      for (sn::Index p = 0; p < 6; ++p) squares += std::pow(x(n, c * 6 + p) - mean, 2) / 18;
    }
    for (sn::Index n = 0; n < 3; ++n) {
      for (sn::Index p = 0; p < 6; ++p) {
        CHECK(y(n, c * 6 + p) == Approx((x(n, c * 6 + p) - mean) / std::sqrt(squares + 1e-6)));
      }
    }
  }
  CHECK(sn::test::refusal([&] { net.add(std::make_unique<sn::BatchNorm<double>>(2)); }) ==
        "layer 2 (batchnorm): batchnorm: normalises 2 features, gets 12");
}

TEST_CASE("Windows that do not fit are refused, naming the layer", "[conv][errors]") {
  const auto refusal = [](const std::string& layers) {
    return sn::test::refusal([&] {
      sn::Sequential<float> net(Shape{1, 28, 28});
      sn::add_layers(net, sn::parse_layer_specs(layers));
    });
  };
  CHECK(refusal("conv(30,5),maxpool(30)") ==
        "layer 2 'maxpool(30)' at character 12: maxpool: a window of 30x30 does not fit an input "
        "of 30x24x24 padded by 0");
  CHECK(refusal("conv(8,3,stride=2)") ==
        "layer 1 'conv(8,3,stride=2)' at character 1: conv: stride 2 does not divide 25x25 (input "
        "1x28x28 padded by 0, less the window): the last row or column would be left out");
  CHECK(refusal("conv(8,3,pad=3)") ==
        "layer 1 'conv(8,3,pad=3)' at character 1: conv: pads by 3, as much as its window of 3x3");
  CHECK(refusal("conv(0,3)") ==
        "layer 1 'conv(0,3)' at character 1: argument 'filters': must be a whole number in [1, "
        "2147483647], got 0");
  CHECK(refusal("conv(8,3,pad=-1)") ==
        "layer 1 'conv(8,3,pad=-1)' at character 1: argument 'pad': must be a whole number in [0, "
        "2147483647], got -1");
  // A filter far larger than any input is refused before anything is allocated.
  CHECK(refusal("conv(1000000,2000000000,pad=1999999999)") ==
        "layer 1 'conv(1000000,2000000000,pad=1999999999)' at character 1: network: would hold "
        "more than the 134217728 parameter and buffer values a network may have");
}

TEST_CASE("SimpleConvNet's shapes, names and He fan-in", "[conv]") {
  sn::Sequential<float> net(Shape{1, 28, 28}, 1);
  sn::add_layers(net, sn::parse_layer_specs("conv(30,5),relu,maxpool(2),affine(100),relu,"
                                            "affine(10)"));
  CHECK(net.layers()[0]->output_shape(Shape{1, 28, 28}) == Shape{30, 24, 24});
  CHECK(net.layers()[2]->output_shape(Shape{30, 24, 24}) == Shape{30, 12, 12});
  CHECK(net.param("W1").rows() == 30);
  CHECK(net.param("W1").cols() == 25);
  CHECK(net.param("W2").rows() == 30 * 12 * 12);
  CHECK(net.output_size() == 10);
  net.initialize(sn::WeightInit::he());
  // He: std sqrt(2 / fan-in), the fan-in of a filter is C FH FW = 25.
  const Matrix<float>& w = net.param("W1");
  const double std_dev = std::sqrt(w.squaredNorm() / static_cast<double>(w.size()));
  CHECK(std_dev == Approx(std::sqrt(2.0 / 25)).epsilon(0.15));
}
