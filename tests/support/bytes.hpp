// Bytes of test files: read and write them whole, cut them, put integers in
// them, gzip them in memory. Shared by the tests of the IDX reader, the model
// file and the bad-input corpus.
#pragma once

#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include "scratchnet/core/file_envelope.hpp"

namespace scratchnet::test {

using Bytes = scratchnet::Bytes;

inline Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes a new file rather than truncating the old one: ext4 flushes a file
// truncated and rewritten when it is closed, which makes loops over many
// variants of one file slow.
inline void write_bytes(const std::string& path, const Bytes& bytes) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  REQUIRE(out);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out);
}

// The first n bytes.
inline Bytes head(const Bytes& b, std::size_t n) {
  if (n > b.size()) FAIL("head(" << n << ") of " << b.size() << " bytes");
  return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
}

// Appends v big-endian, as IDX files store their header.
inline void put_be32(Bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<unsigned char>(v >> shift));
}

// Overwrites width bytes at offset with value, little-endian, as model and
// checkpoint files store it.
inline void put_le(Bytes& bytes, std::size_t offset, std::uint64_t value, std::size_t width) {
  REQUIRE(offset + width <= bytes.size());
  for (std::size_t i = 0; i < width; ++i) {
    bytes[offset + i] = static_cast<unsigned char>(value >> (8 * i));
  }
}

inline std::uint64_t get_le(const Bytes& bytes, std::size_t offset, std::size_t width) {
  REQUIRE(offset + width <= bytes.size());
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    value |= static_cast<std::uint64_t>(bytes[offset + i]) << (8 * i);
  }
  return value;
}

// The bytes of a one-member gzip file holding data, as gzip writes them.
inline Bytes gzip(const Bytes& data) {
  z_stream s{};
  REQUIRE(deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                       Z_DEFAULT_STRATEGY) == Z_OK);
  Bytes out(deflateBound(&s, static_cast<uLong>(data.size())) + 32);
  s.next_in = const_cast<Bytef*>(data.data());
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

}  // namespace scratchnet::test
