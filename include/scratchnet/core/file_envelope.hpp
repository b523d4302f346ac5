// The files of the library (model files, checkpoints) on disk: an envelope
// of 8 magic bytes, a u32 version, the body and a CRC-32 of everything before
// it, and the whole-file read that refuses what is not a regular file or does
// not start with the magic. (The write is core/atomic_file.hpp.) The only
// header of the binary format that touches files.
#pragma once

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "scratchnet/core/binary_reader.hpp"
#include "scratchnet/core/binary_writer.hpp"
#include "scratchnet/core/crc32.hpp"
#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/regular_file.hpp"

namespace scratchnet {

namespace detail {

[[noreturn]] inline void fail_file(const std::string& path, const std::string& why) {
  throw ModelFormatError(path + ": " + why);
}

[[noreturn]] inline void fail_too_large(const std::string& path, const std::string& kind,
                                        std::uint64_t size, std::uint64_t limit) {
  fail_file(path, "too large to be a " + kind + " (at least " + std::to_string(size) +
                      " bytes; the limit is " + std::to_string(limit) + ")");
}

}  // namespace detail

// What model files and checkpoints share: 8 magic bytes, a u32 version, the
// body, and a CRC-32 of everything before it.
struct FileEnvelope {
  std::array<unsigned char, 8> magic;
  std::uint32_t version;         // the one written
  std::string kind;              // "model", "checkpoint": names the file in messages
  std::uint32_t oldest_version;  // the oldest one still read

  // "version 2", "versions 1 to 2"
  std::string versions_read() const {
    if (oldest_version == version) return "version " + std::to_string(version);
    return "versions " + std::to_string(oldest_version) + " to " + std::to_string(version);
  }
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
// returns a reader over the body (after the version, before the CRC); the
// version found goes to *version_found when given.
inline BinaryReader open_envelope(const Bytes& bytes, const std::string& path,
                                  const FileEnvelope& envelope, std::size_t min_size,
                                  std::uint32_t* version_found = nullptr) {
  const auto refuse = [&](const std::string& why) { detail::fail_file(path, why); };
  if (bytes.size() < min_size) {
    refuse("too short to be a " + envelope.kind + " file (" + std::to_string(bytes.size()) +
           " bytes; a " + envelope.kind + " file has at least " + std::to_string(min_size) + ")");
  }
  check_magic(bytes, path, envelope);
  BinaryReader in(bytes.data(), bytes.size() - 4, path);
  in.raw(envelope.magic.size(), "magic");
  const std::uint32_t version = in.u32("format version");
  if (version < envelope.oldest_version || version > envelope.version) {
    refuse("unsupported " + envelope.kind + " format version " + std::to_string(version) +
           " (this scratchnet reads " + envelope.versions_read() + ")");
  }
  if (version_found != nullptr) *version_found = version;
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
