// The bytes of a data file, read front to back whether the file is stored raw
// or gzip-compressed. The IDX reader sits on top of this and never needs to
// know which it got, except to decide what can be checked before reading.
//
// Compression is detected by the gzip magic bytes (1f 8b), not by the file
// name: downloaded MNIST files are often decompressed by a browser but keep
// their .gz name, or the reverse.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#ifdef SCRATCHNET_HAS_ZLIB
#include <zlib.h>
#endif

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/regular_file.hpp"

namespace scratchnet::detail {

class ByteSource {
 public:
  explicit ByteSource(std::string path) : path_(std::move(path)) {
    std::string why;
    RegularFile opened = open_regular_file(path_, why);
    if (!opened.file) fail("cannot open file (" + why + ")");
    file_ = std::move(opened.file);
    file_size_ = opened.size;

    unsigned char magic[2] = {0, 0};
    gzip_ = std::fread(magic, 1, 2, file_.get()) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    std::rewind(file_.get());
    if (gzip_) open_gzip();
  }

  ~ByteSource() {
#ifdef SCRATCHNET_HAS_ZLIB
    if (inflating_) inflateEnd(&stream_);
#endif
  }
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  const std::string& path() const {
    return path_;
  }
  bool gzip() const {
    return gzip_;
  }
  std::uint64_t file_size() const {
    return file_size_;
  }

  // True once a gzip stream has run out of compressed input before its
  // end-of-stream marker, i.e. the compressed file is cut short.
  bool truncated() const {
    return truncated_;
  }

  // Reads up to n bytes; fewer only at the end of the data. Throws DataError
  // on a read error or a corrupt gzip stream.
  std::size_t read(std::uint8_t* dst, std::size_t n) {
    return gzip_ ? read_gzip(dst, n) : read_raw(dst, n);
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(path_ + ": " + what);
  }

 private:
  std::size_t read_raw(std::uint8_t* dst, std::size_t n) {
    const std::size_t got = std::fread(dst, 1, n, file_.get());
    if (got < n && std::ferror(file_.get()))
      fail("read error (" + std::string(std::strerror(errno)) + ")");
    return got;
  }

#ifdef SCRATCHNET_HAS_ZLIB
  void open_gzip() {
    stream_ = z_stream{};
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) fail("cannot start zlib's decompressor");
    inflating_ = true;
  }

  bool refill() {
    const std::size_t got = read_raw(in_.get(), kInputChunk);
    stream_.next_in = in_.get();
    stream_.avail_in = static_cast<uInt>(got);
    return got > 0;
  }

  std::size_t read_gzip(std::uint8_t* dst, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
      if (stream_.avail_in == 0 && !refill()) {
        truncated_ = !member_ended_;
        break;
      }
      // Input left after a complete member: another member follows (what
      // `cat a.gz b.gz` makes), or garbage, which inflate will reject.
      if (member_ended_) {
        inflateReset(&stream_);
        member_ended_ = false;
        in_later_member_ = true;
      }
      const std::size_t want = std::min<std::size_t>(n - done, std::size_t{1} << 30);
      stream_.next_out = dst + done;
      stream_.avail_out = static_cast<uInt>(want);
      const int rc = inflate(&stream_, Z_NO_FLUSH);
      done += want - stream_.avail_out;
      if (rc == Z_STREAM_END) {
        member_ended_ = true;
      } else if (rc == Z_MEM_ERROR) {
        fail("out of memory while decompressing");
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {  // Z_BUF_ERROR: wants more input
        const std::string why = stream_.msg ? stream_.msg : "error " + std::to_string(rc);
        if (in_later_member_ && stream_.total_out == 0) {
          fail("corrupt gzip stream: unexpected bytes after its end (zlib: " + why + ")");
        }
        fail("corrupt gzip stream (zlib: " + why + ")");
      }
    }
    return done;
  }

  static constexpr std::size_t kInputChunk = 1 << 16;
  std::unique_ptr<std::uint8_t[]> in_{new std::uint8_t[kInputChunk]};
  z_stream stream_{};
  bool inflating_ = false;
  bool member_ended_ = false;
  bool in_later_member_ = false;
#else
  void open_gzip() {
    fail(
        "the file is gzip-compressed, but zlib support is missing from this build "
        "(link zlib and define SCRATCHNET_HAS_ZLIB, or decompress the file with gunzip)");
  }
  std::size_t read_gzip(std::uint8_t*, std::size_t) {
    return 0;
  }
#endif

  std::string path_;
  FilePtr file_;
  std::uint64_t file_size_ = 0;
  bool gzip_ = false;
  bool truncated_ = false;
};

}  // namespace scratchnet::detail
