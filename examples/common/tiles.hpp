// Small images (filters, feature maps, test images) tiled into one grid for
// gnuplot's `with image`, as the book draws its figures 7-24 and 8-3.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <filesystem>
#include <scratchnet/core/matrix.hpp>

#include "chapter6.hpp"

namespace examples {

// Where tile k of a grid of `columns` tiles of height x width, one pixel
// apart, has its top-left pixel (y down, as an image).
struct TileOrigin {
  scratchnet::Index x, y;
};
inline TileOrigin tile_origin(scratchnet::Index k, scratchnet::Index height,
                              scratchnet::Index width, scratchnet::Index columns) {
  return {(k % columns) * (width + 1), (k / columns) * (height + 1)};
}

// Tiles maps of height x width (one per row of `maps`) into a grid of
// `columns` tiles, each scaled to [0, 1] on its own, and writes it as
// x,y,value.
inline void write_tiles(const std::filesystem::path& path, const scratchnet::Matrix<float>& maps,
                        scratchnet::Index height, scratchnet::Index width,
                        scratchnet::Index columns) {
  using scratchnet::Index;
  const Index count = maps.rows();
  const Index rows = (count + columns - 1) / columns;
  const Index grid_w = columns * (width + 1) - 1, grid_h = rows * (height + 1) - 1;
  scratchnet::Matrix<float> grid = scratchnet::Matrix<float>::Zero(grid_h, grid_w);
  for (Index k = 0; k < count; ++k) {
    const auto map = maps.row(k);
    const float low = map.minCoeff(), span = std::max(map.maxCoeff() - low, 1e-12F);
    const TileOrigin origin = tile_origin(k, height, width, columns);
    grid.block(origin.y, origin.x, height, width) =
        (Eigen::Map<const scratchnet::Matrix<float>>(map.data(), height, width).array() - low) /
        span;
  }
  CsvFile csv(path, "x,y,value");
  for (Index y = 0; y < grid_h; ++y) {
    for (Index x = 0; x < grid_w; ++x) csv.row(x, y, grid(y, x));
  }
  csv.close();
}

}  // namespace examples
