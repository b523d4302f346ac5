// Bad input files, generated here: every way an IDX or model file can be wrong
// that tests/test_idx.cpp and tests/test_model_file.cpp do not already try.
// Each one must throw DataError (IDX) or ModelFormatError (model) whose
// message starts with the file's path and names the fault; none may crash,
// hang or allocate what the file does not justify.
//
// Also the inputs that fuzzing (fuzz/, scripts/fuzz.sh) found, as
// regression tests, at the end of the file.
#include <sys/resource.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "scratchnet/core/file_envelope.hpp"
#include "scratchnet/data/data.hpp"
#include "scratchnet/network/model_file.hpp"
#include "scratchnet/training/checkpoint.hpp"
#include "support/bytes.hpp"
#include "support/errors.hpp"
#include "support/hostile_files.hpp"
#include "support/model_bytes.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using scratchnet::DataError;
using scratchnet::ModelFormatError;
using scratchnet::MultiLayerNet;
using scratchnet::MultiLayerNetOptions;
using scratchnet::test::Bytes;
using scratchnet::test::data_error;
using scratchnet::test::gzip;
using scratchnet::test::head;
using scratchnet::test::load_error;
using scratchnet::test::put_be32;
using scratchnet::test::put_le;
using scratchnet::test::read_bytes;
using scratchnet::test::reseal;
using scratchnet::test::TempDir;
using scratchnet::test::write_bytes;
using namespace scratchnet::test::two_hidden_layers;

// ------------------------------------------------------------------ IDX files

Bytes idx_images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                 std::uint32_t magic = 0x803) {
  Bytes b;
  put_be32(b, magic);
  put_be32(b, count);
  put_be32(b, rows);
  put_be32(b, cols);
  for (std::uint32_t i = 0; i < count * rows * cols; ++i) {
    b.push_back(static_cast<unsigned char>((i * 37 + 11) % 256));
  }
  return b;
}

Bytes idx_labels(std::uint32_t count, std::uint32_t magic = 0x801) {
  Bytes b;
  put_be32(b, magic);
  put_be32(b, count);
  for (std::uint32_t i = 0; i < count; ++i) b.push_back(static_cast<unsigned char>(i % 10));
  return b;
}

std::string images_error(const std::string& path, const Bytes& bytes) {
  write_bytes(path, bytes);
  return data_error([&] { scratchnet::read_idx_images(path); });
}

std::string labels_error(const std::string& path, const Bytes& bytes) {
  write_bytes(path, bytes);
  return data_error([&] { scratchnet::read_idx_labels(path); });
}

// ---------------------------------------------------------------- model files

std::uint64_t bits_of(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof v);
  return bits;
}

// Two hidden layers of 3 and 2 with batch norm: 4-3-2-2.
MultiLayerNetOptions corpus_net() {
  MultiLayerNetOptions o;
  o.input_size = 4;
  o.hidden_sizes = {3, 2};
  o.output_size = 2;
  o.use_batchnorm = true;
  o.dropout_ratio = 0.25;
  o.weight_decay_lambda = 0.01;
  o.weight_init = scratchnet::WeightInit(0.05);
  o.seed = 11;
  return o;
}

template <typename T>
// Its version-1 file: the corpus crafts the fields of that fixed layout.
Bytes model_bytes(const MultiLayerNetOptions& options = corpus_net()) {
  return scratchnet::test::v1_model_bytes(MultiLayerNet<T>(options));
}

// The offset of the count of the buffer section, walked through the
// parameters.
std::size_t buffer_count_offset(const Bytes& bytes, std::size_t scalar) {
  const auto le = [&](std::size_t at, std::size_t width) {
    return static_cast<std::size_t>(scratchnet::test::get_le(bytes, at, width));
  };
  std::size_t at = kParamCount;
  const std::size_t count = le(at, 4);
  at += 4;
  for (std::size_t i = 0; i < count; ++i) {
    at += 4 + le(at, 4);
    const std::size_t rows = le(at, 8), cols = le(at + 8, 8);
    at += 16 + rows * cols * scalar;
  }
  return at;
}

}  // namespace

// ====================================================================== IDX

TEST_CASE("An IDX file cut at any byte is truncated, raw or gzipped", "[bad_inputs][idx]") {
  TempDir dir;
  const std::string raw = dir.file("cut"), gz = dir.file("cut.gz");
  const Bytes images = idx_images(3, 2, 4);  // 16 + 24 bytes
  for (std::size_t length = 0; length < images.size(); ++length) {
    INFO("images cut to " << length << " bytes");
    const std::string from_raw = images_error(raw, head(images, length));
    const std::string from_gz = images_error(gz, gzip(head(images, length)));
    CHECK_THAT(from_raw, StartsWith(raw + ": truncated: "));
    CHECK_THAT(from_gz, StartsWith(gz + ": truncated: "));
    if (length < 16) {
      // At each boundary of the header (magic, count, rows, cols) and between.
      const std::string says =
          "the file ends inside the 16-byte IDX header after " + std::to_string(length) + " bytes";
      CHECK_THAT(from_raw, Contains(says));
      CHECK_THAT(from_gz, Contains(says));
    } else {
      CHECK_THAT(from_raw, Contains("3 images of 2x4 = 40 bytes") &&
                               Contains("has only " + std::to_string(length) + " bytes"));
      CHECK_THAT(from_gz, Contains("3 images of 2x4 = 40 bytes") &&
                              Contains("ends after " + std::to_string(length) + " bytes"));
    }
  }
  const Bytes labels = idx_labels(5);  // 8 + 5 bytes
  for (std::size_t length = 0; length < labels.size(); ++length) {
    INFO("labels cut to " << length << " bytes");
    const std::string from_raw = labels_error(raw, head(labels, length));
    const std::string from_gz = labels_error(gz, gzip(head(labels, length)));
    CHECK_THAT(from_raw, StartsWith(raw + ": truncated: "));
    CHECK_THAT(from_gz, StartsWith(gz + ": truncated: "));
    CHECK_THAT(from_raw, Contains(length < 8 ? "8-byte IDX header" : "5 labels = 13 bytes"));
  }
  // The compressed file itself cut at every byte: from inside the gzip header
  // to the last byte of its trailer.
  const Bytes compressed = gzip(images);
  for (std::size_t length = 2; length < compressed.size(); ++length) {
    INFO("gzip file cut to " << length << " of " << compressed.size() << " bytes");
    CHECK_THAT(images_error(gz, head(compressed, length)),
               StartsWith(gz + ": truncated") && Contains("cut short"));
  }
}

TEST_CASE("A wrong IDX magic number says what the file seems to be", "[bad_inputs][idx]") {
  TempDir dir;
  const std::string path = dir.file("train-images-idx3-ubyte");
  struct Case {
    std::uint32_t magic;
    const char* looks_like;
  };
  // IDX files of another element type or rank (the IDX "scalar type"),
  // and other formats a download can turn out to be.
  const Case cases[] = {
      {0x00000C03, "an IDX file with 3 dimensions and type code 0x0c"},  // int32
      {0x00000D03, "an IDX file with 3 dimensions and type code 0x0d"},  // float32
      {0x00000E03, "an IDX file with 3 dimensions and type code 0x0e"},  // float64
      {0x00000902, "an IDX file with 2 dimensions and type code 0x09"},  // int8 matrix
      {0x00000804, "an IDX file with 4 dimensions and type code 0x08"},
      {0x504B0304, "a zip archive"},
      {0x425A6839, "a bzip2 file"},
      {0xFD377A58, "an xz file"},
      {0x03080000, "no known format"},  // the magic in little-endian order
      {0x00000000, "no known format"},
      {0xFFFFFFFF, "no known format"},
  };
  for (const Case& c : cases) {
    INFO("magic " << std::hex << c.magic);
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", c.magic);
    const auto says = StartsWith(path + ": bad magic number " + std::string(hex) +
                                 ", expected 0x00000803 (2051) for an IDX image file; this looks "
                                 "like " +
                                 c.looks_like);
    CHECK_THAT(images_error(path, idx_images(2, 2, 2, c.magic)), says);
    CHECK_THAT(images_error(path, gzip(idx_images(2, 2, 2, c.magic))), says);
    CHECK_THAT(labels_error(path, idx_labels(3, c.magic)),
               StartsWith(path + ": bad magic number " + std::string(hex) +
                          ", expected 0x00000801 (2049)") &&
                   Contains(c.looks_like));
  }
}

TEST_CASE("Header sizes beyond what can be addressed are refused", "[bad_inputs][idx]") {
  TempDir dir;
  const std::string path = dir.file("huge");
  const std::uint32_t max = std::numeric_limits<std::uint32_t>::max();
  // (2^32 - 1)^2 fits in 64 bits but not in an Index.
  Bytes header = idx_images(1, 1, 1);
  header.resize(16);
  header[4] = header[5] = header[6] = header[7] = 0xff;
  header[8] = header[9] = header[10] = header[11] = 0xff;
  CHECK_THAT(images_error(path, header),
             StartsWith(path + ": the header claims " + std::to_string(max) + " images of " +
                        std::to_string(max) + "x1, more bytes than can be addressed"));
  CHECK_THAT(images_error(path, gzip(header)), Contains("more bytes than can be addressed"));
  // The largest label count, in a file of 8 bytes: raw and gzipped.
  Bytes labels = idx_labels(0);
  labels[4] = labels[5] = labels[6] = labels[7] = 0xff;
  CHECK_THAT(labels_error(path, labels), StartsWith(path + ": truncated: the header promises " +
                                                    std::to_string(max) + " labels"));
  CHECK_THAT(
      labels_error(path, gzip(labels)),
      StartsWith(path + ": truncated: the header promises " + std::to_string(max) + " labels") &&
          Contains("ends after 8 bytes"));
}

TEST_CASE("Gzip garbage is a corrupt gzip stream", "[bad_inputs][idx]") {
  TempDir dir;
  const std::string path = dir.file("bad.gz");
  const Bytes good = gzip(idx_images(4, 3, 3));
  REQUIRE(good.size() > 20);
  const auto corrupt = [&](const Bytes& bytes, const std::string& zlib_says) {
    CHECK_THAT(images_error(path, bytes),
               StartsWith(path + ": corrupt gzip stream (zlib: ") && Contains(zlib_says));
  };

  Bytes method = good;  // byte 2: compression method 8 (deflate) is the only one
  method[2] = 7;
  corrupt(method, "unknown compression method");
  Bytes flags = good;  // byte 3: the three high flag bits are reserved
  flags[3] = static_cast<unsigned char>(flags[3] | 0xe0);
  corrupt(flags, "unknown header flags set");
  Bytes length = good;  // the uncompressed size in the trailer
  length[length.size() - 4] = static_cast<unsigned char>(length[length.size() - 4] ^ 1U);
  corrupt(length, "incorrect length check");
  Bytes block = good;  // block type 3 is reserved
  block[10] = static_cast<unsigned char>(block[10] | 0x06);
  corrupt(block, "invalid block type");

  // A valid gzip stream around bytes that are not IDX.
  const std::string text = "this is not an IDX file at all";
  CHECK_THAT(images_error(path, gzip(Bytes(text.begin(), text.end()))),
             StartsWith(path + ": bad magic number") && Contains("no known format"));
  // The two magic bytes alone.
  CHECK_THAT(images_error(path, Bytes{0x1f, 0x8b}), StartsWith(path + ": truncated"));
  // A second member that is garbage.
  Bytes second = good;
  second.insert(second.end(), {0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef});
  CHECK_THAT(images_error(path, second), StartsWith(path + ": "));
}

TEST_CASE("Every flipped bit of the gzip stream is caught", "[bad_inputs][idx]") {
  // Every bit that carries data is covered: by the deflate format, by the
  // CRC-32 of the data and the length in the trailer, and behind those by the
  // IDX header's sizes. Not checked by gzip, so that flipping them leaves a
  // valid file: the header's bytes 4-9 (time, extra flags, OS), its FTEXT
  // flag, and the padding bits after the end-of-block code in the last byte
  // of the deflate data.
  TempDir dir;
  const std::string path = dir.file("flipped.gz");
  const Bytes images = idx_images(5, 4, 4);
  const Bytes good = gzip(images);
  write_bytes(path, good);
  REQUIRE(scratchnet::read_idx_images(path).pixels == Bytes(images.begin() + 16, images.end()));
  const std::size_t last_deflate_byte = good.size() - 9;
  std::string wrong;
  int padding_bits = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      if ((i >= 4 && i < 10) || (i == 3 && bit == 0)) continue;
      Bytes flipped = good;
      flipped[i] = static_cast<unsigned char>(flipped[i] ^ (1U << bit));
      write_bytes(path, flipped);
      // The whole file, and its first image only (as --limit-train reads).
      std::string errors[2];
      for (const int max_count : {0, 1}) {
        try {
          scratchnet::read_idx_images(path, max_count);
        } catch (const DataError& e) {
          errors[max_count] = e.what();
        }
      }
      if (errors[0].empty() && errors[1].empty() && i == last_deflate_byte) {
        ++padding_bits;
        continue;
      }
      for (const std::string& error : errors) {
        const bool named = error.rfind(path + ": ", 0) == 0 && error.size() > path.size() + 2;
        if (!named && wrong.empty()) {
          wrong = "byte " + std::to_string(i) + " bit " + std::to_string(bit) + ": '" + error + "'";
        }
      }
    }
  }
  INFO(wrong);
  CHECK(wrong.empty());
  CHECK(padding_bits < 8);
}

// ===================================================================== model

TEST_CASE("Every stored option out of range is named, as the constructor names it",
          "[bad_inputs][model_file]") {
  TempDir dir;
  const Bytes good = model_bytes<double>();
  const std::string path = dir.file("bad.bin");
  REQUIRE(load_error<double>(path, good).empty());
  const auto patched = [&](std::size_t offset, std::uint64_t value, std::size_t width) {
    Bytes bytes = good;
    put_le(bytes, offset, value, width);
    reseal(bytes);
    return load_error<double>(path, bytes);
  };
  const auto invalid = [&](const std::string& field) {
    return StartsWith(path + ": invalid options: " + field + ": ");
  };
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  REQUIRE(patched(kSeed, 0xFFFFFFFFFFFFFFFFULL, 8).empty());  // any seed is a seed

  for (const std::uint64_t size : {std::uint64_t{0}, static_cast<std::uint64_t>(-1)}) {
    INFO("size " << static_cast<std::int64_t>(size));
    CHECK_THAT(patched(kInputSize, size, 8), invalid("input_size"));
    CHECK_THAT(patched(kHidden0, size, 8), invalid("hidden_sizes[0]"));
    CHECK_THAT(patched(kHidden1, size, 8), invalid("hidden_sizes[1]"));
    CHECK_THAT(patched(kOutputSize, size, 8), invalid("output_size"));
  }
  for (const double bad : {nan, inf, -inf, 0.0, -0.05}) {
    INFO("weight_init std " << bad);
    CHECK_THAT(patched(kInitStd, bits_of(bad), 8), invalid("weight_init"));
  }
  for (const double bad : {nan, inf, -inf, -0.01}) {
    INFO("weight_decay_lambda " << bad);
    CHECK_THAT(patched(kWeightDecay, bits_of(bad), 8), invalid("weight_decay_lambda"));
  }
  for (const double bad : {nan, inf, -inf, 1.0, -0.25}) {
    INFO("dropout_ratio " << bad);
    CHECK_THAT(patched(kDropout, bits_of(bad), 8), invalid("dropout_ratio"));
  }
  CHECK_THAT(patched(kInverted, 2, 1),
             StartsWith(path + ": options: inverted_dropout: expected 0 or 1, found 2"));
  CHECK_THAT(patched(kActivation, 3, 4),
             StartsWith(path + ": invalid options: unknown activation code 3"));
  CHECK_THAT(patched(kInitKind, 3, 4),
             StartsWith(path + ": invalid options: unknown weight_init code 3"));
  // A hidden layer count that disagrees with the sizes that follow shifts
  // every later field: here the std of weight_init is read from the codes of
  // activation and weight_init, 0 and 0, which make a std of 0.
  CHECK_THAT(patched(kHiddenCount, 1, 4), invalid("weight_init"));
  CHECK_THAT(patched(kHiddenCount, 3, 4), StartsWith(path + ": "));
}

TEMPLATE_TEST_CASE("Sections that contradict the stored architecture are named",
                   "[bad_inputs][model_file]", float, double) {
  TempDir dir;
  const Bytes good = model_bytes<TestType>();
  const std::string path = dir.file("bad.bin");
  const std::size_t buffers = buffer_count_offset(good, sizeof(TestType));
  REQUIRE(load_error<TestType>(path, good).empty());
  REQUIRE(good[buffers] == 4);  // running mean and var, twice
  REQUIRE(std::string(reinterpret_cast<const char*>(good.data()) + buffers + 8, 13) ==
          "running_mean1");
  const auto patched = [&](std::size_t offset, std::uint64_t value, std::size_t width) {
    Bytes bytes = good;
    put_le(bytes, offset, value, width);
    reseal(bytes);
    return load_error<TestType>(path, bytes);
  };

  CHECK_THAT(patched(kParamCount, 0, 4),
             StartsWith(path + ": holds 0 parameters but the architecture in its options has 10"));
  CHECK_THAT(patched(buffers, 3, 4),
             StartsWith(path + ": holds 3 buffers but the architecture in its options has 4"));
  CHECK_THAT(patched(buffers, 0xFFFFFFFF, 4),
             StartsWith(path + ": holds 4294967295 buffers but the architecture"));
  CHECK_THAT(patched(buffers + 8, 'X', 1),
             StartsWith(path + ": buffer 1 is named 'Xunning_mean1' but the architecture in its "
                               "options has 'running_mean1' there"));
  // The name's length: shorter, longer, empty.
  CHECK_THAT(patched(buffers + 4, 12, 4), StartsWith(path + ": buffer 1 is named 'running_mean'"));
  CHECK_THAT(patched(buffers + 4, 0, 4), StartsWith(path + ": buffer 1 is named ''"));
  CHECK_THAT(patched(buffers + 4, 257, 4),
             StartsWith(path + ": name of buffer 1: length 257 is over the limit of 256"));
  // The running mean is a row of 3: stored as a column, or with no values.
  const std::size_t shape = buffers + 8 + 13;
  Bytes column = good;
  put_le(column, shape, 3, 8);
  put_le(column, shape + 8, 1, 8);
  reseal(column);
  CHECK_THAT(load_error<TestType>(path, column),
             StartsWith(path + ": buffer running_mean1 is 3x1 but the architecture in its options "
                               "makes it 1x3"));
  CHECK_THAT(patched(shape + 8, 0, 8), StartsWith(path + ": buffer running_mean1 is 1x0"));
  // Sizes that would overflow rows * cols * sizeof(T).
  Bytes huge = good;
  put_le(huge, shape, 1ULL << 62, 8);
  put_le(huge, shape + 8, 1ULL << 62, 8);
  reseal(huge);
  CHECK_THAT(load_error<TestType>(path, huge), StartsWith(path + ": buffer running_mean1 is "));
}

TEST_CASE("Other scalar type codes are refused before the options are read",
          "[bad_inputs][model_file]") {
  TempDir dir;
  const Bytes good = model_bytes<float>();
  const std::string path = dir.file("scalar.bin");
  for (const std::uint64_t code : {0ULL, 1ULL, 2ULL, 16ULL, 0x04000000ULL, 0xFFFFFFFFULL}) {
    Bytes bytes = good;
    put_le(bytes, 12, code, 4);
    reseal(bytes);
    for (const std::string& error :
         {load_error<float>(path, bytes), load_error<double>(path, bytes)}) {
      CHECK(error ==
            path + ": invalid scalar type " + std::to_string(code) + " (4 = float, 8 = double)");
    }
  }
}

TEST_CASE("Short bursts of damage anywhere are caught by the CRC", "[bad_inputs][model_file]") {
  // CRC-32 catches every burst of up to 32 bits; single-bit flips are tested
  // in test_model_file.cpp, here are 2- and 4-byte runs set to 0x00 or 0xff
  // and adjacent bytes swapped.
  TempDir dir;
  const Bytes good = model_bytes<float>();
  const std::string path = dir.file("burst.bin");
  std::string wrong;
  int tried = 0;
  const auto expect = [&](const Bytes& bytes, const std::string& what) {
    // Named by the first field it spoils: magic, version, else the CRC.
    const auto at = static_cast<std::size_t>(
        std::mismatch(bytes.begin(), bytes.end(), good.begin()).first - bytes.begin());
    if (at == bytes.size()) return;
    ++tried;
    const std::string error = load_error<float>(path, bytes);
    const char* fault = at < 8    ? "not a scratchnet model file"
                        : at < 12 ? "unsupported model format version"
                                  : "corrupted: checksum mismatch";
    if ((error.rfind(path + ": ", 0) != 0 || error.find(fault) == std::string::npos) &&
        wrong.empty()) {
      wrong = what + ": '" + error + "'";
    }
  };
  for (std::size_t at = 0; at + 4 <= good.size(); at += 3) {
    for (const std::size_t run : {std::size_t{2}, std::size_t{4}}) {
      for (const int fill : {0x00, 0xff}) {
        Bytes bytes = good;
        std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(at), run,
                    static_cast<unsigned char>(fill));
        expect(bytes, std::to_string(run) + " bytes of " + std::to_string(fill) + " at " +
                          std::to_string(at));
      }
    }
    Bytes swapped = good;
    std::swap(swapped[at], swapped[at + 1]);
    expect(swapped, "swap at " + std::to_string(at));
  }
  INFO(wrong);
  CHECK(wrong.empty());
  CHECK(tried > 500);
}

TEST_CASE("A model file over the size limit is refused before it is read",
          "[bad_inputs][model_file]") {
  TempDir dir;
  const std::string path = dir.file("huge.bin");
  {
    std::ofstream out(path, std::ios::binary);
    const std::string magic = "SCRNMODL";
    out.write(magic.data(), static_cast<std::streamsize>(magic.size()));
  }
  // A sparse file: 2 GiB + 1 byte on paper, 8 bytes on disk.
  std::error_code ec;
  fs::resize_file(path, (std::uintmax_t{1} << 31) + 1, ec);
  if (ec) {
    WARN("cannot make a sparse 2 GiB file here (" << ec.message() << "); skipped");
    return;
  }
  CHECK_THROWS_MATCHES(
      MultiLayerNet<float>::load(path), ModelFormatError,
      Catch::Matchers::Message(path + ": too large to be a model file (at least "
                                      "2147483649 bytes; the limit is 2147483648)"));
}

TEST_CASE("Other kinds of file given as a model are not models", "[bad_inputs][model_file]") {
  TempDir dir;
  const Bytes good = model_bytes<float>();
  const std::string path = dir.file("model.bin");
  const std::string not_a_model =
      path + ": not a scratchnet model file (it does not start with \"SCRNMODL\")";
  // A model file someone gzipped, an IDX file, a model with a text header.
  CHECK(load_error<float>(path, gzip(good)) == not_a_model);
  CHECK(load_error<float>(path, idx_images(2, 7, 7)) == not_a_model);
  Bytes prefixed = {'#', ' ', 'm', 'o', 'd', 'e', 'l', '\n'};
  prefixed.insert(prefixed.end(), good.begin(), good.end());
  CHECK(load_error<float>(path, prefixed) == not_a_model);
  // Two models in one file: the checksum is read from the second.
  Bytes twice = good;
  twice.insert(twice.end(), good.begin(), good.end());
  CHECK_THAT(load_error<float>(path, twice), StartsWith(path + ": corrupted: checksum mismatch"));
  // Only the magic, padded to the minimum size.
  Bytes magic_only(good.begin(), good.begin() + 8);
  magic_only.resize(90, 0);
  CHECK_THAT(load_error<float>(path, magic_only),
             StartsWith(path + ": unsupported model format version 0"));
}

// ============================================== what is not a regular file

namespace {

// The message of each reader's error for path: IDX images and labels (a
// prefix, as --limit-train reads), a model and a checkpoint.
std::vector<std::string> every_reader_error(const std::string& path) {
  using scratchnet::test::message_of;
  return {
      data_error([&] { scratchnet::read_idx_images(path); }),
      data_error([&] { scratchnet::read_idx_labels(path, 10, 5); }),
      message_of<ModelFormatError>([&] { MultiLayerNet<float>::load(path); }, "ModelFormatError"),
      message_of<ModelFormatError>([&] { scratchnet::load_checkpoint<double>(path); },
                                   "ModelFormatError"),
  };
}

long peak_resident_kib() {
  rusage usage{};
  REQUIRE(::getrusage(RUSAGE_SELF, &usage) == 0);
  return usage.ru_maxrss;
}

}  // namespace

TEST_CASE("Every reader refuses what is not a regular file, without waiting",
          "[bad_inputs][idx][model_file][checkpoint]") {
  // A FIFO used to block the open until a writer came (forever), and a
  // device such as /dev/zero was read for gigabytes before being refused.
  // Made here, in a scratch folder, never aimed at the machine's own files.
  TempDir dir;
  std::vector<std::pair<std::string, std::string>> paths = {
      {dir.file("fifo"), "named pipe (FIFO)"},
      {dir.file("socket"), "socket"},
      {dir.file("folder"), "directory"},
      {dir.file("link_to_fifo"), "named pipe (FIFO)"},
  };
  scratchnet::test::make_fifo(dir.file("fifo"));
  scratchnet::test::make_socket(dir.file("socket"));
  fs::create_directory(dir.file("folder"));
  fs::create_symlink("fifo", dir.file("link_to_fifo"));
  if (scratchnet::test::make_memory_device(dir.file("zero"), 5)) {
    paths.emplace_back(dir.file("zero"), "character device");
  }
  for (const auto& [path, kind] : paths) {
    for (const std::string& error : every_reader_error(path)) {
      CHECK_THAT(error, StartsWith(path + ": cannot open") &&
                            Contains("it is a " + kind + ", not a regular file"));
    }
  }
}

TEST_CASE("A model or checkpoint that starts wrong is refused before the rest is read",
          "[bad_inputs][model_file][checkpoint]") {
  TempDir dir;
  const std::string path = dir.file("zeros.bin");
  write_bytes(path, Bytes{});
  // A sparse file of zeros, 1 GiB on paper (under both size limits).
  constexpr long kGib = 1L << 30;
  std::error_code ec;
  fs::resize_file(path, kGib, ec);
  if (ec) {
    WARN("cannot make a sparse 1 GiB file here (" << ec.message() << "); skipped");
    return;
  }
  const long before = peak_resident_kib();
  const std::vector<std::string> errors = every_reader_error(path);
  CHECK(errors[2] == path + ": not a scratchnet model file (it does not start with \"SCRNMODL\")");
  CHECK(errors[3] ==
        path + ": not a scratchnet checkpoint file (it does not start with \"SCRNCKPT\")");
  // Reading it whole, as before, took the process's peak past 1 GiB.
  CHECK(peak_resident_kib() - before < kGib / 1024 / 4);
}

// ======================================================= fuzzing regressions
//
// Each input with which scripts/fuzz.sh makes a target crash becomes a test
// here, the input written by the test. None so far: fuzz_idx and fuzz_model
// ran for 26 minutes each (issue 8) without a finding. What fuzz_checkpoint
// found is at the end of tests/test_checkpoint.cpp.
