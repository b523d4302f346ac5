// Reader for the IDX files MNIST and Fashion-MNIST come in, raw or gzipped.
//
// An IDX file is a big-endian header followed by unsigned bytes:
//   images: magic 0x00000803 (2051), count, rows, cols, count*rows*cols pixels
//   labels: magic 0x00000801 (2049), count, count labels
// The header is untrusted input. Nothing is allocated from its sizes until
// they are known to fit: a raw file is compared with its length on disk, and
// a gzip stream, whose length is only known at its end, is read in chunks
// that grow with the data actually arriving, so a header claiming 2^31 images
// in a 1 KB file fails at once instead of asking for a terabyte.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"
#include "scratchnet/data/byte_source.hpp"

namespace scratchnet {

// Pixels stay uint8 here: converted to float once per dataset or batch, so
// the 47 MB of MNIST training images are never held as floats twice.
struct IdxImages {
  Index count = 0;  // images returned (fewer than header_count if a prefix was asked for)
  Index rows = 0;
  Index cols = 0;
  std::vector<std::uint8_t> pixels;  // count * rows * cols, image after image, row-major
  Index header_count = 0;            // images the file holds, as its header says
};

namespace detail {

constexpr std::uint32_t kIdxImagesMagic = 0x00000803;
constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;

inline std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

inline bool multiply_fits(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return false;
  out = a * b;
  return true;
}

inline std::string hex32(std::uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 0xf];
  return s;
}

// What a wrong magic number suggests the file is, so that the message can
// say "this is the label file" rather than only "bad magic".
inline std::string guess_file_kind(std::uint32_t magic) {
  if (magic == kIdxImagesMagic) return "an IDX image file";
  if (magic == kIdxLabelsMagic) return "an IDX label file";
  if ((magic >> 16) == 0x1f8b) return "a gzip file inside a gzip file (compressed twice)";
  if (magic == 0x504b0304) return "a zip archive";
  if ((magic >> 8) == 0x425a68) return "a bzip2 file";
  if (magic == 0xfd377a58) return "an xz file";
  if ((magic >> 24) == '<') return "an HTML or XML page (a failed download?)";
  if ((magic >> 16) == 0 && (magic >> 8 & 0xff) >= 0x08 && (magic >> 8 & 0xff) <= 0x0e) {
    return "an IDX file with " + std::to_string(magic & 0xff) + " dimensions and type code " +
           "0x" + hex32(magic >> 8 & 0xff).substr(8);
  }
  return "no known format: not an IDX file";
}

struct IdxRecords {
  std::uint32_t dims[3] = {0, 0, 0};  // count, then rows and cols for images
  Index returned = 0;                 // records given to the store
};

// Where read_idx_records puts the data bytes. Another store (load_mnist's)
// converts them as they arrive, so the file's bytes are never all held.
struct IdxByteStore {
  std::vector<std::uint8_t> bytes;
  void begin(const IdxRecords& /*header*/, std::size_t likely_bytes) {
    bytes.reserve(likely_bytes);
  }
  void append(const std::uint8_t* p, std::size_t n) { bytes.insert(bytes.end(), p, p + n); }
};

// Moves up to n bytes from src to store in pieces of 64 KB; returns how many.
template <typename Store>
std::size_t copy_to(ByteSource& src, Store& store, std::size_t n) {
  std::vector<std::uint8_t> piece(std::min<std::size_t>(n, std::size_t{1} << 16));
  std::size_t done = 0;
  while (done < n) {
    const std::size_t got = src.read(piece.data(), std::min(piece.size(), n - done));
    if (got == 0) break;
    store.append(piece.data(), got);
    done += got;
  }
  return done;
}

// Reads the header and the first max_count records (0 = all) of an IDX file
// with the given magic (3 dimensions for images, 1 for labels), and hands the
// records' bytes to store in order: store.begin(header, n) gives the header's
// dimensions and how many bytes are likely to come (never more than the data
// proves possible, so a store may allocate that much), store.append(p, n) gives
// them, piece by piece.
template <typename Store>
IdxRecords read_idx_records(const std::string& path, std::uint32_t magic, Index max_count,
                            Store& store) {
  require(max_count >= 0, "max_count", "must be >= 0 (0 reads every record)");
  const bool images = magic == kIdxImagesMagic;
  const char* noun = images ? "images" : "labels";
  ByteSource src(path);

  const std::size_t header_bytes = images ? 16 : 8;
  std::uint8_t header[16] = {};
  const std::size_t got_header = src.read(header, header_bytes);
  if (got_header >= 4 && big_endian_u32(header) != magic) {
    const std::uint32_t found = big_endian_u32(header);
    src.fail("bad magic number " + hex32(found) + ", expected " + hex32(magic) + " (" +
             std::to_string(magic) + ") for an IDX " + (images ? "image" : "label") +
             " file; this looks like " + guess_file_kind(found));
  }
  if (got_header < header_bytes) {
    src.fail("truncated: the file ends inside the " + std::to_string(header_bytes) +
             "-byte IDX header after " + std::to_string(got_header) + " bytes" +
             (src.truncated() ? " (the compressed file is cut short)" : ""));
  }

  IdxRecords out;
  for (int i = 0; i < (images ? 3 : 1); ++i) out.dims[i] = big_endian_u32(header + 4 + 4 * i);
  const std::uint64_t count = out.dims[0];
  if (count == 0) src.fail(std::string("the header says the file holds zero ") + noun);
  if (images && out.dims[1] == 0) src.fail("the header says the images have zero rows");
  if (images && out.dims[2] == 0) src.fail("the header says the images have zero columns");

  // 32-bit count x rows x cols can exceed 64 bits; every product is checked.
  const std::uint64_t record_bytes = images ? std::uint64_t{out.dims[1]} * out.dims[2] : 1;
  std::uint64_t data_bytes = 0;
  const std::string claim =
      std::to_string(count) + " " + noun +
      (images ? " of " + std::to_string(out.dims[1]) + "x" + std::to_string(out.dims[2]) : "");
  if (!multiply_fits(count, record_bytes, data_bytes) ||
      data_bytes > static_cast<std::uint64_t>(std::numeric_limits<Index>::max()) - header_bytes) {
    src.fail("the header claims " + claim + ", more bytes than can be addressed");
  }
  const std::uint64_t total_bytes = header_bytes + data_bytes;
  const std::string promise = "the header promises " + claim + " = " + std::to_string(total_bytes) +
                              " bytes with the header";

  const std::uint64_t wanted = max_count > 0 && static_cast<std::uint64_t>(max_count) < count
                                   ? static_cast<std::uint64_t>(max_count)
                                   : count;
  out.returned = static_cast<Index>(wanted);

  if (!src.gzip()) {
    // The length on disk settles the size before anything is allocated.
    if (src.file_size() < total_bytes) {
      src.fail("truncated: " + promise + ", but the file has only " +
               std::to_string(src.file_size()) + " bytes");
    }
    if (src.file_size() > total_bytes) {
      src.fail("trailing bytes: " + promise + ", but the file has " +
               std::to_string(src.file_size() - total_bytes) + " bytes more");
    }
    const auto to_read = static_cast<std::size_t>(wanted * record_bytes);
    store.begin(out, to_read);
    if (copy_to(src, store, to_read) < to_read) {
      src.fail("truncated: the file shrank while being read");
    }
    return out;
  }

  // A gzip stream's length is known only at its end, and zlib checks its
  // CRC-32 and length only there: the records not wanted are decompressed
  // too and dropped, so that a prefix is never taken from a damaged file.
  //
  // Grow with the data that has arrived, never by the header's word alone.
  // The first reservation is capped at 8x the compressed size (MNIST's
  // images compress 2-5x), which a 1 KB file cannot turn into a terabyte;
  // for real files it is the whole size at once, so nothing is copied on the
  // way. Past it the buffer doubles with the data.
  const std::uint64_t wanted_bytes = wanted * record_bytes;
  store.begin(out, static_cast<std::size_t>(std::min(wanted_bytes, 8 * src.file_size())));
  std::uint64_t arrived = copy_to(src, store, static_cast<std::size_t>(wanted_bytes));
  std::uint8_t scratch[1 << 14];
  if (arrived == wanted_bytes) {
    for (std::size_t got; (got = src.read(scratch, sizeof scratch)) > 0;) arrived += got;
  }
  if (arrived < data_bytes) {
    src.fail("truncated: " + promise + ", but the data ends after " +
             std::to_string(header_bytes + arrived) + " bytes" +
             (src.truncated() ? " (the compressed file is cut short)" : ""));
  }
  if (arrived > data_bytes) {
    src.fail("trailing bytes: " + promise + ", but the decompressed data has " +
             std::to_string(arrived - data_bytes) + " bytes more");
  }
  if (src.truncated()) {
    src.fail("truncated: the gzip stream is cut short before its end marker and checksum");
  }
  return out;
}

}  // namespace detail

// Reads an IDX image file (magic 2051), raw or gzipped. With max_count > 0,
// only the first max_count images are returned; the whole file is still
// checked: its length against its header, and a gzip file's CRC-32. Every fault throws DataError
// "<path>: <what is wrong>".
inline IdxImages read_idx_images(const std::string& path, Index max_count = 0) {
  detail::IdxByteStore store;
  const detail::IdxRecords r =
      detail::read_idx_records(path, detail::kIdxImagesMagic, max_count, store);
  IdxImages out;
  out.count = r.returned;
  out.header_count = static_cast<Index>(r.dims[0]);
  out.rows = static_cast<Index>(r.dims[1]);
  out.cols = static_cast<Index>(r.dims[2]);
  out.pixels = std::move(store.bytes);
  return out;
}

// Reads an IDX label file (magic 2049), raw or gzipped. With num_classes > 0,
// every label returned must be below it. max_count as for read_idx_images;
// header_count, if given, receives the number of labels the file holds.
inline Labels read_idx_labels(const std::string& path, int num_classes = 0, Index max_count = 0,
                              Index* header_count = nullptr) {
  require(num_classes >= 0, "num_classes", "must be >= 0 (0 accepts any label)");
  detail::IdxByteStore store;
  const detail::IdxRecords r =
      detail::read_idx_records(path, detail::kIdxLabelsMagic, max_count, store);
  Labels labels(r.returned);
  for (Index i = 0; i < r.returned; ++i) {
    const int label = store.bytes[static_cast<std::size_t>(i)];
    if (num_classes > 0 && label >= num_classes) {
      throw DataError(path + ": label " + std::to_string(label) + " at index " + std::to_string(i) +
                      " is out of range for " + std::to_string(num_classes) +
                      " classes (expected 0.." + std::to_string(num_classes - 1) + ")");
    }
    labels[i] = label;
  }
  if (header_count) *header_count = static_cast<Index>(r.dims[0]);
  return labels;
}

}  // namespace scratchnet
