// Tests of the IDX reader (data/idx.hpp) and load_mnist (data/mnist.hpp) on
// small files written here, raw and gzipped, and every fault a file can have.
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>

#include "scratchnet/data/data.hpp"
#include "support/bytes.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using scratchnet::DataError;
using scratchnet::Index;
using scratchnet::test::Bytes;
using scratchnet::test::data_error;
using scratchnet::test::gzip;
using scratchnet::test::head;
using scratchnet::test::put_be32;
using scratchnet::test::TempDir;
using scratchnet::test::write_bytes;

Bytes images_file(std::uint32_t count, std::uint32_t rows, std::uint32_t cols, const Bytes& pixels,
                  std::uint32_t magic = 0x803) {
  Bytes b;
  put_be32(b, magic);
  put_be32(b, count);
  put_be32(b, rows);
  put_be32(b, cols);
  b.insert(b.end(), pixels.begin(), pixels.end());
  return b;
}

Bytes labels_file(const Bytes& labels, std::uint32_t magic = 0x801) {
  Bytes b;
  put_be32(b, magic);
  put_be32(b, static_cast<std::uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

// Image i, pixel p has a value that tells both apart; 0 and 255 both occur.
Bytes pattern_pixels(std::size_t count, std::size_t per_image) {
  Bytes p(count * per_image);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>((i * 37 + 11) % 256);
  if (!p.empty()) p.front() = 0, p.back() = 255;
  return p;
}

void write_gzip(const std::string& path, const Bytes& bytes) {
  write_bytes(path, gzip(bytes));
}

}  // namespace

TEST_CASE("read_idx_images reads raw and gzip files byte for byte", "[data][idx]") {
  TempDir dir;
  const Bytes pixels = pattern_pixels(3, 4 * 5);
  const Bytes file = images_file(3, 4, 5, pixels);
  write_bytes(dir.file("raw"), file);
  write_gzip(dir.file("packed.gz"), file);
  write_gzip(dir.file("packed_without_gz_suffix"), file);  // detected by content, not name
  write_bytes(dir.file("raw_named.gz"), file);

  for (const char* name : {"raw", "packed.gz", "packed_without_gz_suffix", "raw_named.gz"}) {
    INFO(name);
    const scratchnet::IdxImages images = scratchnet::read_idx_images(dir.file(name));
    CHECK(images.count == 3);
    CHECK(images.header_count == 3);
    CHECK(images.rows == 4);
    CHECK(images.cols == 5);
    CHECK(images.pixels == pixels);
  }
}

TEST_CASE("gzip data many times larger than the compressed file is read whole", "[data][idx]") {
  // 3 MB of nearly constant pixels compress to a few KB, far past the
  // reader's first reservation, so the buffer has to grow with the data.
  TempDir dir;
  Bytes pixels(300 * 100 * 100, 7);
  pixels[12345] = 0;
  pixels.back() = 255;
  write_gzip(dir.file("flat.gz"), images_file(300, 100, 100, pixels));
  REQUIRE(fs::file_size(dir.file("flat.gz")) * 8 < pixels.size());
  const scratchnet::IdxImages images = scratchnet::read_idx_images(dir.file("flat.gz"));
  CHECK(images.count == 300);
  CHECK(images.pixels == pixels);
}

TEST_CASE("read_idx_labels reads labels and checks their range", "[data][idx]") {
  TempDir dir;
  const Bytes values = {0, 9, 3, 7, 1, 12};
  write_bytes(dir.file("labels"), labels_file(values));
  write_gzip(dir.file("labels.gz"), labels_file(values));
  for (const char* name : {"labels", "labels.gz"}) {
    INFO(name);
    const scratchnet::Labels labels = scratchnet::read_idx_labels(dir.file(name));
    REQUIRE(labels.size() == 6);
    for (Index i = 0; i < 6; ++i) CHECK(labels[i] == values[static_cast<std::size_t>(i)]);
    CHECK(scratchnet::read_idx_labels(dir.file(name), 13).size() == 6);

    const std::string msg = data_error([&] { scratchnet::read_idx_labels(dir.file(name), 10); });
    CHECK_THAT(msg, StartsWith(dir.file(name)) && Contains("label 12 at index 5") &&
                        Contains("out of range"));
  }
  CHECK_THROWS_AS(scratchnet::read_idx_labels(dir.file("labels"), -1), std::invalid_argument);
}

TEST_CASE("the IDX reader names a file it cannot open", "[data][idx]") {
  TempDir dir;
  const std::string missing = dir.file("no_such_file");
  CHECK_THAT(data_error([&] { scratchnet::read_idx_images(missing); }),
             StartsWith(missing) && Contains("cannot open"));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_labels(dir.path().string()); }),
             StartsWith(dir.path().string()) && Contains("cannot open") && Contains("directory"));
}

TEST_CASE("a bad magic number says what the file looks like", "[data][idx]") {
  TempDir dir;
  const std::string labels = dir.file("labels"), images = dir.file("images");
  const std::string text = dir.file("page.html"), twice = dir.file("twice.gz");
  write_bytes(labels, labels_file({1, 2, 3}));
  write_bytes(images, images_file(1, 2, 2, {1, 2, 3, 4}));
  const std::string html = "<!DOCTYPE html><html>Not Found</html>";
  write_bytes(text, Bytes(html.begin(), html.end()));
  write_gzip(twice, gzip(images_file(1, 2, 2, {1, 2, 3, 4})));

  CHECK_THAT(data_error([&] { scratchnet::read_idx_images(labels); }),
             StartsWith(labels) && Contains("bad magic") && Contains("0x00000801") &&
                 Contains("expected 0x00000803") && Contains("IDX label file"));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_labels(images); }),
             StartsWith(images) && Contains("bad magic") && Contains("expected 0x00000801") &&
                 Contains("IDX image file"));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_images(text); }),
             StartsWith(text) && Contains("bad magic") && Contains("HTML"));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_images(twice); }),
             StartsWith(twice) && Contains("bad magic") && Contains("compressed twice"));
}

TEST_CASE("a truncated IDX file is reported with expected and present sizes", "[data][idx]") {
  TempDir dir;
  const Bytes full = images_file(4, 3, 3, pattern_pixels(4, 9));  // 16 + 36 = 52 bytes
  const std::string raw = dir.file("cut"), gz = dir.file("cut.gz");
  for (const std::size_t keep : {std::size_t{0}, std::size_t{3}, std::size_t{9}, std::size_t{15}}) {
    INFO("cut inside the header after " << keep << " bytes");
    write_bytes(raw, head(full, keep));
    write_gzip(gz, head(full, keep));
    for (const std::string& path : {raw, gz}) {
      CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path); }),
                 StartsWith(path) && Contains("truncated") && Contains("16-byte IDX header") &&
                     Contains("after " + std::to_string(keep) + " bytes"));
    }
  }
  for (const std::size_t keep :
       {std::size_t{16}, std::size_t{17}, std::size_t{30}, std::size_t{51}}) {
    INFO("cut inside the data after " << keep << " bytes");
    write_bytes(raw, head(full, keep));
    write_gzip(gz, head(full, keep));
    CHECK_THAT(data_error([&] { scratchnet::read_idx_images(raw); }),
               StartsWith(raw) && Contains("truncated") && Contains("= 52 bytes") &&
                   Contains("has only " + std::to_string(keep) + " bytes"));
    CHECK_THAT(data_error([&] { scratchnet::read_idx_images(gz); }),
               StartsWith(gz) && Contains("truncated") && Contains("= 52 bytes") &&
                   Contains("ends after " + std::to_string(keep) + " bytes"));
  }
  const Bytes labels = labels_file({1, 2, 3, 4, 5});
  write_bytes(raw, head(labels, 10));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_labels(raw); }),
             StartsWith(raw) && Contains("truncated") && Contains("5 labels = 13 bytes"));
  write_bytes(raw, head(labels, 6));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_labels(raw); }),
             Contains("truncated") && Contains("8-byte IDX header"));
}

TEST_CASE("a gzip file cut short is truncated wherever the cut falls", "[data][idx]") {
  TempDir dir;
  const Bytes compressed = gzip(images_file(50, 8, 8, pattern_pixels(50, 64)));
  const std::string path = dir.file("cut.gz");
  const std::size_t n = compressed.size();
  // Inside the gzip header, inside the deflate data, inside the CRC, in the size.
  for (const std::size_t keep : {std::size_t{5}, std::size_t{12}, n / 2, n - 6, n - 1}) {
    INFO("compressed file cut to " << keep << " of " << n << " bytes");
    write_bytes(path, head(compressed, keep));
    CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path); }),
               StartsWith(path) && Contains("truncated"));
    // Reading only a prefix must not hide the damage.
    CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path, 2); }),
               StartsWith(path) && Contains("truncated"));
  }
}

TEST_CASE("bytes after the promised data are reported", "[data][idx]") {
  TempDir dir;
  Bytes file = images_file(2, 2, 2, pattern_pixels(2, 4));
  file.insert(file.end(), {7, 7, 7});
  const std::string raw = dir.file("long"), gz = dir.file("long.gz");
  write_bytes(raw, file);
  write_gzip(gz, file);
  for (const std::string& path : {raw, gz}) {
    CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path); }),
               StartsWith(path) && Contains("trailing bytes") && Contains("3 bytes more"));
  }
  Bytes labels = labels_file({1, 2});
  labels.push_back(0);
  write_bytes(raw, labels);
  CHECK_THAT(data_error([&] { scratchnet::read_idx_labels(raw); }),
             StartsWith(raw) && Contains("trailing bytes") && Contains("1 bytes more"));
}

TEST_CASE("empty dimensions are rejected", "[data][idx]") {
  TempDir dir;
  const std::string path = dir.file("empty");
  write_bytes(path, images_file(0, 28, 28, {}));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path); }),
             StartsWith(path) && Contains("zero images"));
  write_bytes(path, images_file(1, 0, 28, {}));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path); }),
             StartsWith(path) && Contains("zero rows"));
  write_bytes(path, images_file(1, 28, 0, {}));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path); }),
             StartsWith(path) && Contains("zero columns"));
  write_gzip(path, labels_file({}));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_labels(path); }),
             StartsWith(path) && Contains("zero labels"));
}

TEST_CASE("a header claiming 2^31 images in a tiny file fails before allocating", "[data][idx]") {
  TempDir dir;
  const std::uint32_t huge = std::uint32_t{1} << 31;
  // 2^31 images of 28x28 would be 1.7 TB: an attempt to allocate it would
  // throw std::bad_alloc (or abort under a sanitizer), not DataError.
  const Bytes images = images_file(huge, 28, 28, Bytes(1000, 1));
  Bytes labels = labels_file(Bytes(1000, 1));
  labels[4] = 0x80, labels[5] = labels[6] = labels[7] = 0;
  const std::string raw = dir.file("huge"), gz = dir.file("huge.gz");
  const std::string raw_labels = dir.file("huge_labels"), gz_labels = dir.file("huge_labels.gz");
  write_bytes(raw, images);
  write_gzip(gz, images);
  write_bytes(raw_labels, labels);
  write_gzip(gz_labels, labels);

  const auto start = std::chrono::steady_clock::now();
  for (const std::string& path : {raw, gz}) {
    CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path); }),
               StartsWith(path) && Contains("truncated") && Contains("2147483648 images of 28x28"));
    CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path, 10); }), Contains("truncated"));
  }
  for (const std::string& path : {raw_labels, gz_labels}) {
    CHECK_THAT(data_error([&] { scratchnet::read_idx_labels(path); }),
               StartsWith(path) && Contains("truncated") && Contains("2147483648 labels"));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 1.0);

  // Sizes whose product does not even fit in 64 bits.
  const std::uint32_t max = std::numeric_limits<std::uint32_t>::max();
  write_bytes(raw, images_file(max, max, max, Bytes(16, 0)));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_images(raw); }),
             StartsWith(raw) && Contains("more bytes than can be addressed"));
}

TEST_CASE("a corrupt gzip stream is reported as corrupt", "[data][idx]") {
  TempDir dir;
  const Bytes file = images_file(40, 10, 10, pattern_pixels(40, 100));
  const Bytes good = gzip(file);
  const std::string path = dir.file("bad.gz");

  SECTION("garbage after the gzip magic") {
    Bytes garbage = {0x1f, 0x8b};
    for (int i = 0; i < 200; ++i) garbage.push_back(static_cast<std::uint8_t>(i * 73 + 5));
    write_bytes(path, garbage);
    CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path); }),
               StartsWith(path) && Contains("corrupt gzip stream"));
  }
  SECTION("a damaged body") {
    Bytes damaged = good;
    for (std::size_t i = damaged.size() / 2; i < damaged.size() / 2 + 16; ++i) damaged[i] ^= 0xa5;
    write_bytes(path, damaged);
    CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path); }),
               StartsWith(path) && Contains("corrupt gzip stream"));
  }
  SECTION("a wrong checksum") {
    Bytes damaged = good;
    damaged[damaged.size() - 8] ^= 0xff;  // first CRC-32 byte of the trailer
    write_bytes(path, damaged);
    CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path); }),
               StartsWith(path) && Contains("corrupt gzip stream") && Contains("check"));
  }
  SECTION("garbage after the end of the stream") {
    Bytes padded = good;
    padded.insert(padded.end(), {'j', 'u', 'n', 'k'});
    write_bytes(path, padded);
    CHECK_THAT(data_error([&] { scratchnet::read_idx_images(path); }),
               StartsWith(path) && Contains("unexpected bytes after its end"));
  }
}

TEST_CASE("a changed label under the old CRC is caught when only a prefix is read", "[data][idx]") {
  // What issue 15 saw: one label changed near the end of a labels .gz, its
  // CRC-32 left as it was, trained to exit 0 under --limit-train 500.
  TempDir dir;
  Bytes labels(100);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
  Bytes changed = labels;
  changed[95] = 3;
  const Bytes good = gzip(labels_file(labels));
  Bytes forged = gzip(labels_file(changed));
  std::copy(good.end() - 8, good.end(), forged.end() - 8);  // the old CRC-32 and length
  const std::string path = dir.file("labels.gz");
  write_bytes(path, forged);
  for (const scratchnet::Index max_count : {0, 5, 99}) {
    INFO("max_count " << max_count);
    CHECK_THAT(data_error([&] { scratchnet::read_idx_labels(path, 10, max_count); }),
               StartsWith(path + ": corrupt gzip stream") && Contains("check"));
  }
}

TEST_CASE("concatenated gzip members are read as one stream", "[data][idx]") {
  TempDir dir;
  const Bytes pixels = pattern_pixels(6, 9);
  const Bytes file = images_file(6, 3, 3, pixels);
  Bytes both = gzip(head(file, 30));
  const Bytes second = gzip(Bytes(file.begin() + 30, file.end()));
  both.insert(both.end(), second.begin(), second.end());
  const std::string path = dir.file("two_members.gz");
  write_bytes(path, both);
  CHECK(scratchnet::read_idx_images(path).pixels == pixels);
  // A prefix read decompresses both members too; the result is the prefix.
  const scratchnet::IdxImages first = scratchnet::read_idx_images(path, 2);
  CHECK(first.count == 2);
  CHECK(first.pixels == head(pixels, 18));
}

TEST_CASE("max_count reads only the first records", "[data][idx]") {
  TempDir dir;
  const Bytes pixels = pattern_pixels(10, 6);
  const Bytes labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  write_bytes(dir.file("images"), images_file(10, 2, 3, pixels));
  write_gzip(dir.file("images.gz"), images_file(10, 2, 3, pixels));
  write_bytes(dir.file("labels"), labels_file(labels));
  write_gzip(dir.file("labels.gz"), labels_file(labels));
  for (const char* suffix : {"", ".gz"}) {
    INFO("suffix '" << suffix << "'");
    const auto images = scratchnet::read_idx_images(dir.file(std::string("images") + suffix), 4);
    CHECK(images.count == 4);
    CHECK(images.header_count == 10);
    CHECK(images.pixels == head(pixels, 24));
    CHECK(scratchnet::read_idx_images(dir.file(std::string("images") + suffix), 99).count == 10);
    Index total = 0;
    const auto first =
        scratchnet::read_idx_labels(dir.file(std::string("labels") + suffix), 10, 3, &total);
    CHECK(first.size() == 3);
    CHECK(first[2] == 2);
    CHECK(total == 10);
  }
  // A raw file's length is checked against the header even for a prefix.
  write_bytes(dir.file("images"), head(images_file(10, 2, 3, pixels), 50));
  CHECK_THAT(data_error([&] { scratchnet::read_idx_images(dir.file("images"), 1); }),
             Contains("truncated"));
  CHECK_THROWS_AS(scratchnet::read_idx_images(dir.file("images.gz"), -1), std::invalid_argument);
}

// ---------------------------------------------------------------- load_mnist

namespace {

const char* const kMnistNames[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                   "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

// Writes a small MNIST-layout folder: 6 training and 4 test images of 3x2.
// gz[i] chooses whether file i of kMnistNames is gzipped.
void write_mnist(const TempDir& dir, std::array<bool, 4> gz,
                 const Bytes& train_labels = {0, 1, 2, 3, 4, 9}, std::uint32_t test_rows = 3) {
  const Bytes contents[] = {images_file(6, 3, 2, pattern_pixels(6, 6)), labels_file(train_labels),
                            images_file(4, test_rows, 2, pattern_pixels(4, test_rows * 2)),
                            labels_file({5, 6, 7, 8})};
  for (std::size_t i = 0; i < 4; ++i) {
    if (gz[i]) {
      write_gzip(dir.file(std::string(kMnistNames[i]) + ".gz"), contents[i]);
    } else {
      write_bytes(dir.file(kMnistNames[i]), contents[i]);
    }
  }
}

}  // namespace

TEST_CASE("load_mnist finds raw and .gz files and scales pixels to [0, 1]", "[data][mnist]") {
  const std::array<bool, 4> layouts[] = {
      {false, false, false, false}, {true, true, true, true}, {true, false, false, true}};
  for (const auto& gz : layouts) {
    TempDir dir;
    write_mnist(dir, gz);
    const scratchnet::MnistData<float> data = scratchnet::load_mnist(dir.path().string());
    CHECK(data.train_images_path == dir.file(std::string(kMnistNames[0]) + (gz[0] ? ".gz" : "")));
    CHECK(data.train_labels_path == dir.file(std::string(kMnistNames[1]) + (gz[1] ? ".gz" : "")));
    CHECK(data.test_images_path == dir.file(std::string(kMnistNames[2]) + (gz[2] ? ".gz" : "")));
    CHECK(data.test_labels_path == dir.file(std::string(kMnistNames[3]) + (gz[3] ? ".gz" : "")));
    REQUIRE(data.train.size() == 6);
    REQUIRE(data.train.features() == 6);
    REQUIRE(data.test.size() == 4);
    CHECK(data.train.labels[5] == 9);
    CHECK(data.test.labels[0] == 5);

    const Bytes pixels = pattern_pixels(6, 6);
    for (Index i = 0; i < 36; ++i) {
      const std::uint8_t k = pixels[static_cast<std::size_t>(i)];
      CHECK(data.train.x.data()[i] == static_cast<float>(k) / 255.0f);
    }
    CHECK(data.train.x(0, 0) == 0.0f);  // pixel 0
    CHECK(data.train.x(5, 5) == 1.0f);  // pixel 255
    CHECK(data.train.x.minCoeff() >= 0.0f);
    CHECK(data.train.x.maxCoeff() <= 1.0f);
  }
}

TEST_CASE("load_mnist<double> holds the book's float32 values", "[data][mnist]") {
  TempDir dir;
  write_mnist(dir, {false, false, true, true});
  const auto data = scratchnet::load_mnist<double>(dir.path().string());
  const Bytes pixels = pattern_pixels(4, 6);
  for (Index i = 0; i < 24; ++i) {
    const std::uint8_t k = pixels[static_cast<std::size_t>(i)];
    CHECK(data.test.x.data()[i] == static_cast<double>(static_cast<float>(k) / 255.0f));
  }
}

TEST_CASE("load_mnist prefers the raw file when both exist", "[data][mnist]") {
  TempDir dir;
  write_mnist(dir, {true, true, true, true});
  write_mnist(dir, {false, false, false, false});
  const auto data = scratchnet::load_mnist(dir.path().string());
  CHECK(data.train_images_path == dir.file(kMnistNames[0]));
  CHECK(data.test_labels_path == dir.file(kMnistNames[3]));
}

TEST_CASE("load_mnist keeps only max_train and max_test samples", "[data][mnist]") {
  for (const bool gz : {false, true}) {
    TempDir dir;
    write_mnist(dir, {gz, gz, gz, gz});
    scratchnet::MnistOptions options;
    options.max_train = 4;
    options.max_test = 1;
    const auto data = scratchnet::load_mnist(dir.path().string(), options);
    CHECK(data.train.size() == 4);
    CHECK(data.train.labels.size() == 4);
    CHECK(data.train.labels[3] == 3);
    CHECK(data.test.size() == 1);
    CHECK(data.test.labels[0] == 5);
    options.max_train = 1000;  // more than there are: all of them
    CHECK(scratchnet::load_mnist(dir.path().string(), options).train.size() == 6);
    options.max_test = -1;
    CHECK_THROWS_AS(scratchnet::load_mnist(dir.path().string(), options), std::invalid_argument);
  }
}

TEST_CASE("load_mnist reports images and labels that do not pair up", "[data][mnist]") {
  TempDir dir;
  write_mnist(dir, {false, true, false, false}, {0, 1, 2, 3, 4});
  const std::string images = dir.file(kMnistNames[0]);
  const std::string labels = dir.file(std::string(kMnistNames[1]) + ".gz");
  for (const Index max_train : {Index{0}, Index{2}}) {
    INFO("max_train " << max_train);
    scratchnet::MnistOptions options;
    options.max_train = max_train;
    CHECK_THAT(
        data_error([&] { scratchnet::load_mnist(dir.path().string(), options); }),
        StartsWith(images) && Contains("6 images") && Contains(labels) && Contains("5 labels"));
  }
}

TEST_CASE("load_mnist rejects bad folders, missing files, bad labels and shapes", "[data][mnist]") {
  TempDir dir;
  const std::string folder = dir.path().string();
  const std::string missing = dir.file("nowhere");
  CHECK_THAT(data_error([&] { scratchnet::load_mnist(missing); }),
             StartsWith(missing) && Contains("does not exist"));

  write_mnist(dir, {false, false, false, false});
  fs::remove(dir.file(kMnistNames[2]));
  CHECK_THAT(data_error([&] { scratchnet::load_mnist(folder); }),
             StartsWith(folder) && Contains("missing t10k-images-idx3-ubyte"));

  write_mnist(dir, {false, false, false, false}, {0, 1, 2, 10, 4, 5});
  CHECK_THAT(data_error([&] { scratchnet::load_mnist(folder); }),
             StartsWith(dir.file(kMnistNames[1])) && Contains("label 10 at index 3"));

  write_mnist(dir, {false, false, false, false}, {0, 1, 2, 3, 4, 5}, 4);
  CHECK_THAT(data_error([&] { scratchnet::load_mnist(folder); }),
             Contains("4x2") && Contains("3x2"));
}

TEST_CASE("load_mnist reads a prefix of the installed Fashion-MNIST", "[data][mnist][fashion]") {
#ifdef SCRATCHNET_FASHION_MNIST_DIR
  const std::string folder = SCRATCHNET_FASHION_MNIST_DIR;
#else
  const std::string folder = "/usr/share/datasets/fashion-mnist";
#endif
  if (!fs::is_directory(folder)) {
    WARN("Fashion-MNIST is not installed at " << folder << "; skipped");
    return;
  }
  scratchnet::MnistOptions options;
  options.max_train = 300;
  options.max_test = 200;
  const auto data = scratchnet::load_mnist(folder, options);
  for (const auto* part : {&data.train, &data.test}) {
    CHECK(part->features() == 784);
    CHECK(part->labels.size() == part->size());
    CHECK(part->labels.minCoeff() >= 0);
    CHECK(part->labels.maxCoeff() < 10);
    CHECK(part->x.minCoeff() >= 0.0f);
    CHECK(part->x.maxCoeff() <= 1.0f);
    CHECK(part->x.maxCoeff() == 1.0f);  // some pixel is fully white
  }
  CHECK(data.train.size() == 300);
  CHECK(data.test.size() == 200);
}
