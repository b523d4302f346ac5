// Batch Normalization (Ioffe & Szegedy 2015) as the book's layers.py writes
// it: per column, biased batch variance, eps 1e-6 (the book's 10e-7), running
// statistics that start at 0 and move by momentum 0.9, used in test mode. An
// image is normalised per channel, over every row and position (torch's
// BatchNorm2d); a vector of n features is n channels of one value each.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/layers/layer_kind.hpp"

namespace scratchnet {

template <typename T>
class BatchNorm : public Layer<T> {
 public:
  static constexpr double kEpsilon = 1e-6;
  static constexpr double kDefaultMomentum = 0.9;

  // features: the channels; spatial: the values of each channel in a row
  // (H W of an image, 1 for a vector).
  explicit BatchNorm(Index features, double momentum = kDefaultMomentum, Index spatial = 1)
      : gamma(Matrix<T>::Ones(1, features)),
        beta(Matrix<T>::Zero(1, features)),
        dgamma(Matrix<T>::Zero(1, features)),
        dbeta(Matrix<T>::Zero(1, features)),
        running_mean(Matrix<T>::Zero(1, features)),
        running_var(Matrix<T>::Zero(1, features)),
        momentum_(momentum),
        spatial_(spatial) {
    require(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1)");
  }

  // batchnorm(momentum = 0.9), over the channels of what it gets: gamma,
  // beta and the two running statistics.
  static LayerKind<T> layer_kind() {
    return {"batchnorm",
            {"momentum"},
            [](const LayerConfig& config, const Shape& input) {
              return std::make_unique<BatchNorm>(input.channels,
                                                 config.number_or("momentum", kDefaultMomentum),
                                                 input.spatial_size());
            },
            [](const LayerConfig&, const Shape& input) {
              return 4 * static_cast<std::uint64_t>(input.channels);
            }};
  }
  std::string kind() const override { return "batchnorm"; }
  LayerConfig config() const override {
    if (momentum_ == kDefaultMomentum) return {};
    return {{"momentum", momentum_}};
  }

  Shape output_shape(const Shape& input) const override {
    if (spatial_ == 1) {
      require(input.size() == gamma.cols(), "batchnorm",
              "normalises " + std::to_string(gamma.cols()) + " features, gets " +
                  std::to_string(input.size()));
    } else {
      require(input.channels == gamma.cols() && input.spatial_size() == spatial_, "batchnorm",
              "normalises " + std::to_string(gamma.cols()) + " channels of " +
                  std::to_string(spatial_) + " values, gets " + input.to_string());
    }
    return input;
  }

  // An image goes through as one column per channel, a row per (n, position).
  const Matrix<T>& forward(const Matrix<T>& x, bool train) override {
    if (spatial_ == 1) return normalize(x, train);
    to_channel_columns(x, x_columns_);
    from_channel_columns(normalize(x_columns_, train), image_out_);
    return image_out_;
  }
  const Matrix<T>& backward(const Matrix<T>& dout) override {
    if (spatial_ == 1) return normalize_backward(dout);
    to_channel_columns(dout, dout_columns_);
    from_channel_columns(normalize_backward(dout_columns_), image_dx_);
    return image_dx_;
  }

  void append_params(ParamList<T>& params, int number) override {
    const std::string n = std::to_string(number);
    params.push_back({"gamma" + n, &gamma, &dgamma});
    params.push_back({"beta" + n, &beta, &dbeta});
  }

  void append_buffers(std::vector<Buffer<T>>& buffers, int number) override {
    const std::string n = std::to_string(number);
    buffers.push_back({"running_mean" + n, &running_mean});
    buffers.push_back({"running_var" + n, &running_var});
  }

  Matrix<T> gamma, beta, dgamma, dbeta, running_mean, running_var;

 private:
  // The passes below go row by row where they broadcast a row of statistics:
  // Eigen 3.4 vectorises a row-major matrix's rowwise() broadcast only where
  // the compiler does (-O3), a contiguous row at every level (-O2: W3's batch
  // norms 3x slower the other way, docs/performance.md). Three passes forward
  // and two backward, multiplying where the book divides by std: W3's six
  // batch norms 41 -> 25 ms an epoch against eight passes with divisions.

  // train: mu = mean(x), var = mean((x - mu)^2), xn = (x - mu) / sqrt(var + eps),
  //        running = m running + (1 - m) batch;  test: mu, var = running.   y = gamma xn + beta
  const Matrix<T>& normalize(const Matrix<T>& x, bool train) {
    if (train) {
      const auto momentum = static_cast<T>(momentum_);
      if (x.rows() < 2) fail("BatchNorm", "training needs a batch of at least 2 rows");
      const T n = static_cast<T>(x.rows());
      mean_.noalias() = x.colwise().sum() / n;
      var_.setZero(1, x.cols());
      for (Index r = 0; r < x.rows(); ++r) var_.array() += (x.row(r) - mean_).array().square();
      var_ /= n;
      running_mean = momentum * running_mean + (T(1) - momentum) * mean_;
      running_var = momentum * running_var + (T(1) - momentum) * var_;
    }
    const Matrix<T>& mu = train ? mean_ : running_mean;
    inv_std_ = (train ? var_ : running_var).array().unaryExpr([](T var) {
      return T(1) / std::sqrt(var + T(kEpsilon));
    });
    xn_.resize(x.rows(), x.cols());
    out_.resize(x.rows(), x.cols());
    for (Index r = 0; r < x.rows(); ++r) {
      xn_.row(r).array() = (x.row(r) - mu).array() * inv_std_.array();
      out_.row(r).array() = xn_.row(r).array() * gamma.array() + beta.array();
    }
    return out_;
  }

  // dbeta = sum(dout), dgamma = sum(xn dout), and the book's chain through
  // dxn, dvar, dmu collapsed: dx = gamma / std (dout - (dbeta + xn dgamma) / N)
  const Matrix<T>& normalize_backward(const Matrix<T>& dout) {
    const T n = static_cast<T>(dout.rows());
    dbeta.setZero(1, dout.cols());
    dgamma.setZero(1, dout.cols());
    for (Index r = 0; r < dout.rows(); ++r) {
      dbeta += dout.row(r);
      dgamma.array() += xn_.row(r).array() * dout.row(r).array();
    }
    gain_ = (gamma.array() * inv_std_.array()).matrix();
    mean_dbeta_ = dbeta / n;
    mean_dgamma_ = dgamma / n;
    dx_.resize(dout.rows(), dout.cols());
    for (Index r = 0; r < dout.rows(); ++r) {
      dx_.row(r).array() = gain_.array() * (dout.row(r).array() - mean_dbeta_.array() -
                                            xn_.row(r).array() * mean_dgamma_.array());
    }
    return dx_;
  }

  // columns(n S + s, c) = rows(n, c S + s), and back.
  void to_channel_columns(const Matrix<T>& rows, Matrix<T>& columns) const {
    const Index channels = gamma.cols();
    columns.resize(rows.rows() * spatial_, channels);
    for (Index n = 0; n < rows.rows(); ++n) {
      columns.middleRows(n * spatial_, spatial_) =
          Eigen::Map<const Matrix<T>>(rows.row(n).data(), channels, spatial_).transpose();
    }
  }
  void from_channel_columns(const Matrix<T>& columns, Matrix<T>& rows) const {
    const Index channels = gamma.cols();
    rows.resize(columns.rows() / spatial_, channels * spatial_);
    for (Index n = 0; n < rows.rows(); ++n) {
      Eigen::Map<Matrix<T>>(rows.row(n).data(), channels, spatial_) =
          columns.middleRows(n * spatial_, spatial_).transpose();
    }
  }

  double momentum_;
  Index spatial_;
  Matrix<T> mean_, var_, inv_std_, xn_, out_, gain_, mean_dbeta_, mean_dgamma_, dx_;
  Matrix<T> x_columns_, dout_columns_, image_out_, image_dx_;
};

}  // namespace scratchnet
