// The writing half of the library's binary files (the model file,
// checkpoints): little-endian values appended to a byte buffer.
//
// Every value is stored little-endian whatever the host's byte order: an
// integer byte by byte, a float or double as the bits of its IEEE 754 value.
// A string is a u32 byte count and the bytes; a matrix is u64 rows, u64 cols
// and rows * cols values in row-major order. core/binary_reader.hpp reads them.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "scratchnet/core/crc32.hpp"
#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

using Bytes = std::vector<unsigned char>;

namespace detail {
template <typename T>
using FloatBits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
}  // namespace detail

// Appends little-endian values to a byte buffer.
class BinaryWriter {
 public:
  void u8(std::uint8_t v) { bytes_.push_back(v); }
  void u32(std::uint32_t v) { put_le(v, 4); }
  void u64(std::uint64_t v) { put_le(v, 8); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f64(double v) { u64(bits_of(v)); }
  void raw(const unsigned char* data, std::size_t size) {
    bytes_.insert(bytes_.end(), data, data + size);
  }

  // u32 byte count, then the bytes.
  void string(const std::string& s) {
    if (s.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw std::length_error("BinaryWriter::string: longer than 4 GiB");
    }
    u32(static_cast<std::uint32_t>(s.size()));
    raw(reinterpret_cast<const unsigned char*>(s.data()), s.size());
  }

  // count values of T (float or double), no header.
  template <typename T>
  void values(const T* data, std::size_t count) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "float or double");
    std::size_t at = bytes_.size();
    bytes_.resize(at + count * sizeof(T));
    for (std::size_t i = 0; i < count; ++i, at += sizeof(T)) {
      store_le(bytes_.data() + at, bits_of(data[i]), sizeof(T));
    }
  }

  // u64 rows, u64 cols, then the values row by row.
  template <typename T>
  void matrix(const Matrix<T>& m) {
    u64(static_cast<std::uint64_t>(m.rows()));
    u64(static_cast<std::uint64_t>(m.cols()));
    values(m.data(), static_cast<std::size_t>(m.size()));
  }

  // The CRC-32 of everything written so far, appended as a u32.
  void crc32_of_all() { u32(crc32(bytes_.data(), bytes_.size())); }

  void reserve(std::size_t size) { bytes_.reserve(size); }
  std::size_t size() const { return bytes_.size(); }
  const Bytes& bytes() const { return bytes_; }
  Bytes take() { return std::move(bytes_); }

 private:
  template <typename T>
  static detail::FloatBits<T> bits_of(T v) {
    detail::FloatBits<T> bits;
    std::memcpy(&bits, &v, sizeof v);
    return bits;
  }
  static void store_le(unsigned char* out, std::uint64_t v, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i) out[i] = static_cast<unsigned char>(v >> (8 * i));
  }
  void put_le(std::uint64_t v, std::size_t width) {
    const std::size_t at = bytes_.size();
    bytes_.resize(at + width);
    store_le(bytes_.data() + at, v, width);
  }

  Bytes bytes_;
};

}  // namespace scratchnet
