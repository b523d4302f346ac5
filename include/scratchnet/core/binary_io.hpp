// Binary files of the library (the model file, checkpoints): little-endian
// values appended to a byte buffer, a reader over a byte buffer that checks
// every read against the bytes left, CRC-32, and whole-file read (the write
// is core/atomic_file.hpp).
//
// Every value is stored little-endian whatever the host's byte order: an
// integer byte by byte, a float or double as the bits of its IEEE 754 value.
// A string is a u32 byte count and the bytes; a matrix is u64 rows, u64 cols
// and rows * cols values in row-major order.
#pragma once

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#ifdef SCRATCHNET_HAS_ZLIB
#include <zlib.h>
#endif

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"
#include "scratchnet/core/regular_file.hpp"

namespace scratchnet {

using Bytes = std::vector<unsigned char>;

namespace detail {

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the one zlib, gzip and
// PNG use, one table lookup per byte.
inline std::uint32_t crc32_by_table(const unsigned char* data, std::size_t size,
                                    std::uint32_t previous = 0) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t crc = previous ^ 0xFFFFFFFFU;
  for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFFU] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFU;
}

template <typename T>
using FloatBits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

[[noreturn]] inline void fail_file(const std::string& path, const std::string& why) {
  throw ModelFormatError(path + ": " + why);
}

[[noreturn]] inline void fail_too_large(const std::string& path, const std::string& kind,
                                        std::uint64_t size, std::uint64_t limit) {
  fail_file(path, "too large to be a " + kind + " (at least " + std::to_string(size) +
                      " bytes; the limit is " + std::to_string(limit) + ")");
}

}  // namespace detail

// The CRC-32 of data[0, size), or of the bytes before them (whose CRC-32 is
// previous) followed by them: zlib's crc32() when the library is built with
// zlib, the table above otherwise (the two give the same value).
inline std::uint32_t crc32(const unsigned char* data, std::size_t size,
                           std::uint32_t previous = 0) {
#ifdef SCRATCHNET_HAS_ZLIB
  uLong crc = previous;
  constexpr std::size_t kChunk = std::size_t{1} << 30;  // zlib takes a uInt length
  do {
    const std::size_t n = std::min(size, kChunk);
    crc = ::crc32(crc, data, static_cast<uInt>(n));
    data += n;
    size -= n;
  } while (size > 0);
  return static_cast<std::uint32_t>(crc);
#else
  return detail::crc32_by_table(data, size, previous);
#endif
}

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

// What model files and checkpoints share: 8 magic bytes, a u32 version, the
// body, and a CRC-32 of everything before it.
struct FileEnvelope {
  std::array<unsigned char, 8> magic;
  std::uint32_t version;
  std::string kind;  // "model", "checkpoint": names the file in messages
};

// Throws "<path>: not a scratchnet model file ..." unless bytes (at least
// the magic's size) start with the envelope's magic.
inline void check_magic(const Bytes& bytes, const std::string& path, const FileEnvelope& envelope) {
  if (!std::equal(envelope.magic.begin(), envelope.magic.end(), bytes.begin())) {
    detail::fail_file(path, "not a scratchnet " + envelope.kind +
                                " file (it does not start with \"" +
                                std::string(envelope.magic.begin(), envelope.magic.end()) + "\")");
  }
}

// Checks the magic, then the version, then the checksum, in that order, and
// returns a reader over the body (after the version, before the CRC).
inline BinaryReader open_envelope(const Bytes& bytes, const std::string& path,
                                  const FileEnvelope& envelope, std::size_t min_size) {
  const auto refuse = [&](const std::string& why) { detail::fail_file(path, why); };
  if (bytes.size() < min_size) {
    refuse("too short to be a " + envelope.kind + " file (" + std::to_string(bytes.size()) +
           " bytes; a " + envelope.kind + " file has at least " + std::to_string(min_size) + ")");
  }
  check_magic(bytes, path, envelope);
  BinaryReader in(bytes.data(), bytes.size() - 4, path);
  in.raw(envelope.magic.size(), "magic");
  const std::uint32_t version = in.u32("format version");
  if (version != envelope.version) {
    refuse("unsupported " + envelope.kind + " format version " + std::to_string(version) +
           " (this scratchnet reads version " + std::to_string(envelope.version) + ")");
  }
  BinaryReader crc_field(bytes.data() + bytes.size() - 4, 4, path);
  const std::uint32_t stored = crc_field.u32("checksum");
  const std::uint32_t computed = crc32(bytes.data(), bytes.size() - 4);
  if (stored != computed) {
    char numbers[64];
    std::snprintf(numbers, sizeof numbers, " (stored 0x%08x, computed 0x%08x)", stored, computed);
    refuse("corrupted: checksum mismatch" + std::string(numbers));
  }
  return in;
}

// Starts a file of that envelope; finish it with crc32_of_all().
inline void begin_envelope(BinaryWriter& out, const FileEnvelope& envelope) {
  out.raw(envelope.magic.data(), envelope.magic.size());
  out.u32(envelope.version);
}

// The whole file, which must be a regular file (a FIFO or device node is
// refused by its type, core/regular_file.hpp). Throws ModelFormatError
// "<path>: cannot open: <reason>", or "<path>: too large ..." (before reading
// anything) when it holds more than max_size bytes; kind names the expected
// file in that message. With an envelope, the first bytes must be its magic,
// checked before the rest is read: a wrong file of gigabytes is refused at
// once.
inline Bytes read_whole_file(const std::string& path, std::uint64_t max_size,
                             const std::string& kind = "file",
                             const FileEnvelope* envelope = nullptr) {
  std::string why;
  const detail::RegularFile opened = detail::open_regular_file(path, why);
  if (!opened.file) detail::fail_file(path, "cannot open: " + why);
  if (opened.size > max_size) detail::fail_too_large(path, kind, opened.size, max_size);

  Bytes bytes;
  bytes.reserve(static_cast<std::size_t>(opened.size));
  // Read to the end rather than trust the size: the file may change.
  std::array<unsigned char, std::size_t{1} << 16> chunk;
  std::size_t want = envelope ? envelope->magic.size() : chunk.size();
  for (;;) {
    const std::size_t n = std::fread(chunk.data(), 1, want, opened.file.get());
    if (bytes.size() + n > max_size) detail::fail_too_large(path, kind, bytes.size() + n, max_size);
    bytes.insert(bytes.end(), chunk.data(), chunk.data() + n);
    if (envelope && bytes.size() == envelope->magic.size()) check_magic(bytes, path, *envelope);
    if (n < want) break;
    want = chunk.size();
  }
  if (std::ferror(opened.file.get())) {
    detail::fail_file(path, "cannot read: " + std::string(std::strerror(errno)));
  }
  return bytes;
}

}  // namespace scratchnet
