// libFuzzer target: the IDX image and label readers (data/idx.hpp) on any
// bytes, raw or gzip-compressed.
//
// Input: one flag byte, then the file.
//   bit 0     gzip-compress the file here first (the fuzzer mutates what is
//             inside the gzip stream; without it, a .gz seed is mutated as
//             compressed bytes, which exercises zlib's error paths)
//   bit 1     read it as labels, else as images
//   bits 2-3  max_count: 0 (all), 1, 3 or 1000
//   bit 4     labels: num_classes 10, else 0 (any label)
//   bits 5-7  with bit 0: cut this many bytes off the end of the gzip stream
//
// The reader must return or throw DataError "<path>: <fault>". Anything else
// (another exception, a sanitizer report, a result that contradicts the
// file) is a finding.
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "fuzz_file.hpp"
#include "scratchnet/data/idx.hpp"

namespace {

std::vector<std::uint8_t> gzip(const std::uint8_t* data, std::size_t size) {
  z_stream s{};
  if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    fuzz::finding("deflateInit2 failed");
  }
  std::vector<std::uint8_t> out(deflateBound(&s, static_cast<uLong>(size)) + 32);
  s.next_in = const_cast<Bytef*>(data);
  s.avail_in = static_cast<uInt>(size);
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  if (deflate(&s, Z_FINISH) != Z_STREAM_END) fuzz::finding("deflate did not finish");
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

std::uint64_t expected_count(std::uint64_t header_count, scratchnet::Index max_count) {
  return max_count > 0 ? std::min(header_count, static_cast<std::uint64_t>(max_count))
                       : header_count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::FuzzFile file;
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  const bool wrap = (flags & 1) != 0;
  const bool labels = (flags & 2) != 0;
  static constexpr scratchnet::Index kMaxCounts[] = {0, 1, 3, 1000};
  const scratchnet::Index max_count = kMaxCounts[(flags >> 2) & 3];
  const int num_classes = (flags & 16) != 0 ? 10 : 0;
  const std::size_t cut = flags >> 5;

  std::vector<std::uint8_t> bytes(data + 1, data + size);
  if (wrap) {
    bytes = gzip(bytes.data(), bytes.size());
    bytes.resize(bytes.size() - std::min(cut, bytes.size()));
  }
  const bool is_gzip = bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
  const std::string& path = file.write(bytes.data(), bytes.size());

  fuzz::reads_or_names_file<scratchnet::DataError>(path, "read_idx", [&] {
    if (labels) {
      scratchnet::Index header_count = -1;
      const scratchnet::Labels read =
          scratchnet::read_idx_labels(path, num_classes, max_count, &header_count);
      if (header_count <= 0) fuzz::finding("labels read with a header count <= 0");
      const auto n = static_cast<std::uint64_t>(read.size());
      if (n != expected_count(static_cast<std::uint64_t>(header_count), max_count)) {
        fuzz::finding("label count disagrees with the header and max_count");
      }
      if (!is_gzip && bytes.size() != 8 + static_cast<std::uint64_t>(header_count)) {
        fuzz::finding("a raw label file of the wrong length was accepted");
      }
      for (scratchnet::Index i = 0; i < read.size(); ++i) {
        if (read[i] < 0 || read[i] > 255 || (num_classes > 0 && read[i] >= num_classes)) {
          fuzz::finding("label out of range was returned");
        }
      }
    } else {
      const scratchnet::IdxImages images = scratchnet::read_idx_images(path, max_count);
      if (images.count <= 0 || images.rows <= 0 || images.cols <= 0) {
        fuzz::finding("images read with a zero dimension");
      }
      const auto n = static_cast<std::uint64_t>(images.count);
      const auto per_image = static_cast<std::uint64_t>(images.rows * images.cols);
      if (n != expected_count(static_cast<std::uint64_t>(images.header_count), max_count)) {
        fuzz::finding("image count disagrees with the header and max_count");
      }
      if (images.pixels.size() != n * per_image)
        fuzz::finding("pixel count is not count*rows*cols");
      if (!is_gzip &&
          bytes.size() != 16 + static_cast<std::uint64_t>(images.header_count) * per_image) {
        fuzz::finding("a raw image file of the wrong length was accepted");
      }
    }
  });
  return 0;
}
