// The reading half of the library's binary files: what BinaryWriter
// (core/binary_writer.hpp) wrote, read back with every read checked against
// the bytes left.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "scratchnet/core/binary_writer.hpp"
#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

// Reads little-endian values from data[0, size), front to back. A read past the
// end throws ModelFormatError("<path>: truncated: <what> ...") and reads
// nothing; a declared size is checked against the bytes left before anything
// is allocated for it. The reader does not own the bytes.
class BinaryReader {
 public:
  BinaryReader(const unsigned char* data, std::size_t size, std::string path)
      : data_(data), size_(size), path_(std::move(path)) {}

  std::size_t position() const { return position_; }
  std::size_t remaining() const { return size_ - position_; }
  const std::string& path() const { return path_; }

  std::uint8_t u8(const std::string& what) { return static_cast<std::uint8_t>(get_le(1, what)); }
  std::uint32_t u32(const std::string& what) { return static_cast<std::uint32_t>(get_le(4, what)); }
  std::uint64_t u64(const std::string& what) { return get_le(8, what); }
  std::int64_t i64(const std::string& what) { return static_cast<std::int64_t>(u64(what)); }
  double f64(const std::string& what) {
    const std::uint64_t bits = u64(what);
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }

  // A u8 that must be 0 or 1.
  bool boolean(const std::string& what) {
    const std::uint8_t v = u8(what);
    if (v > 1) fail(what + ": expected 0 or 1, found " + std::to_string(v));
    return v == 1;
  }

  // Throws the truncated error unless size bytes remain.
  void need(std::size_t size, const std::string& what) const {
    if (size > remaining()) truncated(what, std::to_string(size) + " bytes");
  }

  // size raw bytes.
  const unsigned char* raw(std::size_t size, const std::string& what) {
    need(size, what);
    const unsigned char* at = data_ + position_;
    position_ += size;
    return at;
  }

  // A u32 byte count, then the bytes; longer than max_length is an error.
  std::string string(const std::string& what, std::size_t max_length = 4096) {
    const std::uint32_t length = u32(what + " length");
    if (length > max_length) {
      fail(what + ": length " + std::to_string(length) + " is over the limit of " +
           std::to_string(max_length));
    }
    const unsigned char* at = raw(length, what);
    return std::string(reinterpret_cast<const char*>(at), length);
  }

  // Throws the truncated error unless count items of item_size bytes remain:
  // the check to make before allocating for a declared count.
  void need_items(std::uint64_t count, std::size_t item_size, const std::string& what,
                  const std::string& items = "items") const {
    if (count > remaining() / item_size) {
      truncated(what, std::to_string(count) + " " + items + " of " + std::to_string(item_size) +
                          " bytes");
    }
  }

  // count values of T into out, which has room for them.
  template <typename T>
  void values(T* out, std::size_t count, const std::string& what) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "float or double");
    need_items(count, sizeof(T), what, "values");
    const unsigned char* in = raw(count * sizeof(T), what);
    for (std::size_t i = 0; i < count; ++i, in += sizeof(T)) {
      detail::FloatBits<T> bits = 0;
      for (std::size_t b = 0; b < sizeof(T); ++b) {
        bits |=
            static_cast<detail::FloatBits<T>>(static_cast<detail::FloatBits<T>>(in[b]) << (8 * b));
      }
      std::memcpy(out + i, &bits, sizeof(T));
    }
  }

  // u64 rows, u64 cols, then the values; out is resized only once the bytes
  // for all of them are known to be there.
  template <typename T>
  void matrix(Matrix<T>& out, const std::string& what) {
    const std::uint64_t rows = u64(what + " rows");
    const std::uint64_t cols = u64(what + " cols");
    constexpr auto kMaxDimension = static_cast<std::uint64_t>(std::numeric_limits<Index>::max());
    if (rows > kMaxDimension || cols > kMaxDimension) {
      fail(what + ": invalid shape " + std::to_string(rows) + "x" + std::to_string(cols));
    }
    if (rows != 0 && cols > remaining() / sizeof(T) / rows) {
      truncated(what, std::to_string(rows) + "x" + std::to_string(cols) + " values of " +
                          std::to_string(sizeof(T)) + " bytes");
    }
    out.resize(static_cast<Index>(rows), static_cast<Index>(cols));
    values(out.data(), static_cast<std::size_t>(rows * cols), what);
  }

  // Throws ModelFormatError("<path>: <message>").
  [[noreturn]] void fail(const std::string& message) const {
    throw ModelFormatError(path_ + ": " + message);
  }

 private:
  [[noreturn]] void truncated(const std::string& what, const std::string& needs) const {
    fail("truncated: " + what + " needs " + needs + " at byte offset " + std::to_string(position_) +
         ", but only " + std::to_string(remaining()) + " bytes remain");
  }
  std::uint64_t get_le(std::size_t width, const std::string& what) {
    const unsigned char* in = raw(width, what);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v |= static_cast<std::uint64_t>(in[i]) << (8 * i);
    return v;
  }

  const unsigned char* data_;
  std::size_t size_;
  std::size_t position_ = 0;
  std::string path_;
};

}  // namespace scratchnet
