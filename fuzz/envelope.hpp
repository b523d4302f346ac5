// What the model and checkpoint targets share. Both files are scratchnet
// envelopes: an 8-byte magic, a u32 version, the body and a CRC-32 of it all
// at the end (core/file_envelope.hpp). Nearly every mutation of such a file stops
// at the checksum, so the targets read a flag byte first that can repair it.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_file.hpp"
#include "scratchnet/core/file_envelope.hpp"

namespace fuzz {

// The file made from an input data[0, size), size >= 1, whose first byte is
// flags:
//   bit 0  recompute the CRC-32 at the end over the (mutated) body, so that
//          the parser behind the checksum is reached
//   bit 1  write the envelope's magic (8 characters) and version over the
//          first 12 bytes
//   bit 2  with bit 1, write the oldest version still read instead
inline std::vector<std::uint8_t> enveloped(const std::uint8_t* data, std::size_t size,
                                           const scratchnet::FileEnvelope& envelope) {
  const std::uint8_t flags = data[0];
  std::vector<std::uint8_t> bytes(data + 1, data + size);
  if ((flags & 2) != 0 && bytes.size() >= 12) {
    std::copy(envelope.magic.begin(), envelope.magic.end(), bytes.begin());
    const std::uint32_t version = (flags & 4) != 0 ? envelope.oldest_version : envelope.version;
    for (std::size_t i = 0; i < 4; ++i)
      bytes[8 + i] = static_cast<std::uint8_t>(version >> (8 * i));
  }
  if ((flags & 1) != 0 && bytes.size() >= 4) {
    const std::size_t body = bytes.size() - 4;
    const std::uint32_t crc = scratchnet::crc32(bytes.data(), body);
    for (std::size_t i = 0; i < 4; ++i) bytes[body + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  }
  return bytes;
}

inline std::vector<unsigned char> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in),
                                    std::istreambuf_iterator<char>());
}

// A path of this process's own for saving what loaded again.
inline std::string scratch_file(const std::string& name) {
  return scratch_folder() + "/scratchnet_fuzz_" + name + "_" + std::to_string(::getpid());
}

// What loaded must save and load again to the very same file: save(path)
// writes it, reload(path) loads it and saves it back. A difference or an
// exception is a finding about `kind` ("model", "checkpoint").
template <typename Save, typename Reload>
void expect_fixed_point(const std::string& kind, const Save& save, const Reload& reload) {
  static const std::string saved = scratch_file(kind);
  try {
    save(saved);
    const std::vector<unsigned char> first = read_file(saved);
    reload(saved);
    const bool same = read_file(saved) == first;
    std::remove(saved.c_str());
    if (!same) finding("save -> load -> save changed the " + kind);
  } catch (const std::exception& e) {
    std::remove(saved.c_str());
    finding("a loaded " + kind + " does not save and load again: " + e.what());
  }
}

}  // namespace fuzz
