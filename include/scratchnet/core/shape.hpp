// The shape of one sample: channels x height x width, stored in a row of
// channels * height * width values, channel by channel, each channel row by
// row (the book's N x C x H x W with N the rows of a batch). A plain vector of
// n features is n x 1 x 1: n channels of one value, so that what acts per
// channel (batch norm) acts per feature on it.
#pragma once

#include <string>

#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

struct Shape {
  Index channels = 1;
  Index height = 1;
  Index width = 1;

  static Shape vector(Index values) { return {values, 1, 1}; }

  // Values in one sample: its width in a row of a batch.
  Index size() const { return channels * height * width; }
  Index spatial_size() const { return height * width; }
  bool is_vector() const { return height == 1 && width == 1; }

  // "784" for a vector, "1x28x28" for an image.
  std::string to_string() const {
    if (is_vector()) return std::to_string(channels);
    return std::to_string(channels) + "x" + std::to_string(height) + "x" + std::to_string(width);
  }

  bool operator==(const Shape& other) const {
    return channels == other.channels && height == other.height && width == other.width;
  }
  bool operator!=(const Shape& other) const { return !(*this == other); }
};

}  // namespace scratchnet
