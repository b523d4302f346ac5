// CRC-32, the checksum at the end of every model and checkpoint file.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#ifdef SCRATCHNET_HAS_ZLIB
#include <zlib.h>
#endif

namespace scratchnet {

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

}  // namespace scratchnet
