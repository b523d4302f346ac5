// The model file (network/model_file.hpp, docs/model-format.md) of a MultiLayerNet and the binary
// I/O under it (core/binary_writer.hpp, binary_reader.hpp, file_envelope.hpp): exact round trips in
// float and double, byte-for-byte determinism, and a ModelFormatError naming the fault for every
// truncation, bit flip and crafted inconsistency, never a crash, in files of version 2 (what save
// writes) and of version 1 (what scratchnet wrote before, crafted by support/model_bytes.hpp).
// Version 2's layer list is tested in test_model_file_v2.cpp.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "scratchnet/core/atomic_file.hpp"
#include "scratchnet/core/file_envelope.hpp"
#include "scratchnet/network/model_file.hpp"
#include "support/bytes.hpp"
#include "support/model_bytes.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using Catch::Contains;
using Catch::StartsWith;
using scratchnet::Activation;
using scratchnet::Index;
using scratchnet::Labels;
using scratchnet::Matrix;
using scratchnet::ModelFormatError;
using scratchnet::MultiLayerNet;
using scratchnet::MultiLayerNetOptions;
using scratchnet::WeightInit;
using scratchnet::test::Bytes;
using scratchnet::test::get_le;
using scratchnet::test::load_error;
using scratchnet::test::put_le;
using scratchnet::test::read_bytes;
using scratchnet::test::reseal;
using scratchnet::test::TempDir;
using scratchnet::test::v1_model_bytes;
using scratchnet::test::write_bytes;
using namespace scratchnet::test::two_hidden_layers;

namespace {

// The body (everything before the CRC) cut to length, with a valid CRC.
Bytes resealed_prefix(const Bytes& bytes, std::size_t length) {
  Bytes out = scratchnet::test::head(bytes, length);
  out.resize(length + 4);
  reseal(out);
  return out;
}

MultiLayerNetOptions small_options(std::uint64_t seed = 7) {
  MultiLayerNetOptions o;
  o.input_size = 6;
  o.hidden_sizes = {5, 4};
  o.output_size = 3;
  o.use_batchnorm = true;
  o.dropout_ratio = 0.2;
  o.weight_decay_lambda = 0.01;
  o.weight_init = WeightInit(0.05);
  o.seed = seed;
  return o;
}

template <typename T>
Matrix<T> sample_input(Index rows, std::uint64_t seed) {
  scratchnet::Rng rng(seed);
  Matrix<T> x(rows, 6);
  rng.fill_normal(x, 1.0);
  return x;
}

// A net trained a few steps by hand, so that batch norm's running statistics
// and every parameter have moved from their initial values.
template <typename T>
MultiLayerNet<T> trained_net(const MultiLayerNetOptions& options, int steps = 5) {
  MultiLayerNet<T> net(options);
  const Matrix<T> x = sample_input<T>(16, 99);
  scratchnet::Rng rng(5);
  Labels labels(16);
  for (Index i = 0; i < labels.size(); ++i) {
    labels(i) = static_cast<int>(rng.below(static_cast<std::uint64_t>(options.output_size)));
  }
  for (int step = 0; step < steps; ++step) {
    net.gradient(x, labels);
    for (const auto& p : net.params()) *p.value -= T(0.1) * *p.grad;
  }
  return net;
}

template <typename T>
bool same_bits(const Matrix<T>& a, const Matrix<T>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(T)) == 0;
}

void check_same_options(const MultiLayerNetOptions& a, const MultiLayerNetOptions& b) {
  CHECK(a.input_size == b.input_size);
  CHECK(a.hidden_sizes == b.hidden_sizes);
  CHECK(a.output_size == b.output_size);
  CHECK(a.activation == b.activation);
  CHECK(a.weight_init.kind() == b.weight_init.kind());
  CHECK(a.weight_init.to_string() == b.weight_init.to_string());
  CHECK(a.weight_decay_lambda == b.weight_decay_lambda);
  CHECK(a.use_batchnorm == b.use_batchnorm);
  CHECK(a.dropout_ratio == b.dropout_ratio);
  CHECK(a.inverted_dropout == b.inverted_dropout);
  CHECK(a.seed == b.seed);
}

template <typename T>
void check_same_model(MultiLayerNet<T>& a, MultiLayerNet<T>& b) {
  check_same_options(a.options(), b.options());
  REQUIRE(a.params().size() == b.params().size());
  for (std::size_t i = 0; i < a.params().size(); ++i) {
    INFO("parameter " << a.params()[i].name);
    CHECK(a.params()[i].name == b.params()[i].name);
    CHECK(same_bits(*a.params()[i].value, *b.params()[i].value));
  }
  REQUIRE(a.buffers().size() == b.buffers().size());
  for (std::size_t i = 0; i < a.buffers().size(); ++i) {
    INFO("buffer " << a.buffers()[i].name);
    CHECK(a.buffers()[i].name == b.buffers()[i].name);
    CHECK(same_bits(*a.buffers()[i].value, *b.buffers()[i].value));
  }
  const Matrix<T> x = sample_input<T>(10, 123);
  const Matrix<T> from_a = a.predict(x, false);
  const Matrix<T> from_b = b.predict(x, false);
  CHECK(same_bits(from_a, from_b));
}

// The offsets where each section of a model file ends, walked by the layout
// of docs/model-format.md (either version); the last is the file's size.
template <typename T>
std::vector<std::size_t> section_ends(const Bytes& bytes) {
  std::vector<std::size_t> ends;
  std::size_t at = 0;
  const auto mark = [&](std::size_t size) {
    at += size;
    ends.push_back(at);
  };
  const auto mark_string = [&] {
    const auto length = static_cast<std::size_t>(get_le(bytes, at, 4));
    mark(4);
    mark(length);
  };
  mark(8);  // magic
  const auto version = get_le(bytes, at, 4);
  mark(4);
  mark(4);  // scalar type
  mark(8);  // input size (version 1), channels (version 2)
  if (version == 1) {
    const auto hidden = static_cast<std::size_t>(get_le(bytes, at, 4));
    mark(4);
    for (std::size_t i = 0; i < hidden; ++i) mark(8);
    for (std::size_t size : std::vector<std::size_t>{8, 4, 4, 8, 8, 1, 8, 1, 8})
      mark(size);  // output_size ... seed
  } else {
    mark(8);                                                                   // height
    mark(8);                                                                   // width
    mark_string();                                                             // loss
    for (std::size_t size : std::vector<std::size_t>{8, 8, 4, 8}) mark(size);  // decay ... init std
    const auto layers = static_cast<std::size_t>(get_le(bytes, at, 4));
    mark(4);
    for (std::size_t i = 0; i < layers; ++i) {
      mark_string();  // kind
      const auto arguments = static_cast<std::size_t>(get_le(bytes, at, 4));
      mark(4);
      for (std::size_t a = 0; a < arguments; ++a) {
        mark_string();
        mark(8);
      }
    }
  }
  for (int list = 0; list < 2; ++list) {  // parameters, buffers
    const auto count = static_cast<std::size_t>(get_le(bytes, at, 4));
    mark(4);
    for (std::size_t i = 0; i < count; ++i) {
      const auto name_length = static_cast<std::size_t>(get_le(bytes, at, 4));
      mark(4);
      mark(name_length);
      const auto rows = static_cast<std::size_t>(get_le(bytes, at, 8));
      mark(8);
      const auto cols = static_cast<std::size_t>(get_le(bytes, at, 8));
      mark(8);
      mark(rows * cols * sizeof(T));
    }
  }
  mark(4);  // CRC
  return ends;
}

}  // namespace

TEMPLATE_TEST_CASE("A loaded model is the saved one, bit for bit", "[model_file]", float, double) {
  TempDir dir;
  const std::string path = dir.file("model.bin");
  MultiLayerNet<TestType> net = trained_net<TestType>(small_options());
  // Training moved the running statistics off their initial zeros.
  CHECK(net.buffers().size() == 4);
  CHECK(net.buffers()[0].name == "running_mean1");
  CHECK(net.buffers()[0].value->cwiseAbs().maxCoeff() > 0);
  CHECK(net.buffers()[1].value->cwiseAbs().maxCoeff() > 0);

  net.save(path);
  CHECK(dir.entries() == std::vector<std::string>{"model.bin"});
  MultiLayerNet<TestType> loaded = MultiLayerNet<TestType>::load(path);
  check_same_model(net, loaded);

  const Matrix<TestType> x = sample_input<TestType>(20, 8);
  Labels labels = Labels::Zero(20);
  CHECK(net.accuracy(x, labels) == loaded.accuracy(x, labels));
  CHECK(net.loss(x, labels) == loaded.loss(x, labels));

  // Saving what was loaded gives the same file again.
  loaded.save(dir.file("again.bin"));
  CHECK(read_bytes(path) == read_bytes(dir.file("again.bin")));
}

TEMPLATE_TEST_CASE("Every option survives the round trip", "[model_file]", float, double) {
  std::vector<MultiLayerNetOptions> cases;
  {
    MultiLayerNetOptions o;  // no hidden layer: one Affine and the loss
    o.input_size = 6;
    o.output_size = 2;
    o.seed = 1;
    cases.push_back(o);
  }
  {
    MultiLayerNetOptions o;
    o.input_size = 6;
    o.hidden_sizes = {3};
    o.output_size = 4;
    o.activation = Activation::sigmoid;
    o.weight_init = WeightInit::xavier();
    o.seed = 0xFFFFFFFFFFFFFFFFULL;
    cases.push_back(o);
  }
  {
    MultiLayerNetOptions o;
    o.input_size = 6;
    o.hidden_sizes = {7, 2, 5};
    o.output_size = 3;
    o.activation = Activation::tanh;
    o.weight_init = WeightInit(0.01);
    o.dropout_ratio = 0.5;
    o.inverted_dropout = true;
    o.use_batchnorm = true;
    o.weight_decay_lambda = 0.1;
    o.seed = 3;
    cases.push_back(o);
  }
  {
    MultiLayerNetOptions o = small_options();
    o.weight_init = WeightInit::he();
    o.use_batchnorm = false;
    cases.push_back(o);
  }
  TempDir dir;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("case " << i);
    MultiLayerNet<TestType> net = trained_net<TestType>(cases[i], 2);
    const std::string path = dir.file("model" + std::to_string(i) + ".bin");
    net.save(path);
    MultiLayerNet<TestType> loaded = MultiLayerNet<TestType>::load(path);
    check_same_model(net, loaded);
    CHECK(loaded.buffers().size() ==
          (cases[i].use_batchnorm ? 2 * cases[i].hidden_sizes.size() : 0));
    // The layout the tests below rely on is the one documented.
    CHECK(section_ends<TestType>(read_bytes(path)).back() == read_bytes(path).size());
    const Bytes v1 = v1_model_bytes(net);
    CHECK(section_ends<TestType>(v1).back() == v1.size());
    // A file of version 1 loads to the same model.
    MultiLayerNet<TestType> from_v1 = MultiLayerNet<TestType>::from_bytes(v1);
    check_same_model(net, from_v1);
  }
}

TEST_CASE("The file depends on the model only", "[model_file]") {
  TempDir dir;
  const MultiLayerNet<double> net = trained_net<double>(small_options(7));
  net.save(dir.file("a.bin"));
  net.save(dir.file("b.bin"));
  const Bytes a = read_bytes(dir.file("a.bin"));
  CHECK(a == read_bytes(dir.file("b.bin")));
  // Saving over an existing file replaces it.
  net.save(dir.file("a.bin"));
  CHECK(a == read_bytes(dir.file("a.bin")));

  // Another seed, one more training step, another scalar type: other bytes.
  trained_net<double>(small_options(8)).save(dir.file("seed.bin"));
  trained_net<double>(small_options(7), 6).save(dir.file("steps.bin"));
  trained_net<float>(small_options(7)).save(dir.file("float.bin"));
  CHECK(a != read_bytes(dir.file("seed.bin")));
  CHECK(a != read_bytes(dir.file("steps.bin")));
  CHECK(a != read_bytes(dir.file("float.bin")));

  // The documented header.
  REQUIRE(a.size() > 16);
  CHECK(std::string(a.begin(), a.begin() + 8) == "SCRNMODL");
  CHECK(get_le(a, kVersion, 4) == 2);
  CHECK(get_le(a, kScalar, 4) == 8);
  CHECK(get_le(read_bytes(dir.file("float.bin")), kScalar, 4) == 4);
  CHECK(get_le(a, a.size() - 4, 4) == scratchnet::crc32(a.data(), a.size() - 4));
  CHECK(section_ends<double>(a).back() == a.size());
}

TEST_CASE("Loading as the other scalar type names both", "[model_file][errors]") {
  TempDir dir;
  trained_net<float>(small_options()).save(dir.file("f.bin"));
  trained_net<double>(small_options()).save(dir.file("d.bin"));
  CHECK_THROWS_MATCHES(
      MultiLayerNet<double>::load(dir.file("f.bin")), ModelFormatError,
      Catch::Matchers::Message(
          dir.file("f.bin") +
          ": holds float parameters, loading as MultiLayerNet<double>; load it with "
          "MultiLayerNet<float>::load"));
  CHECK_THROWS_AS(MultiLayerNet<float>::load(dir.file("d.bin")), ModelFormatError);
  CHECK_THROWS_WITH(MultiLayerNet<float>::load(dir.file("d.bin")),
                    StartsWith(dir.file("d.bin") + ": holds double parameters") &&
                        Contains("MultiLayerNet<float>"));
}

TEMPLATE_TEST_CASE("A file cut anywhere is refused", "[model_file][errors]", float, double) {
  TempDir dir;
  const MultiLayerNet<TestType> net = trained_net<TestType>(small_options());
  net.save(dir.file("model.bin"));
  const Bytes v2 = read_bytes(dir.file("model.bin"));
  const Bytes bytes = v1_model_bytes(net);
  const std::string path = dir.file("cut.bin");
  constexpr std::size_t kMinBytes = scratchnet::detail::model_file::kMinBytes;

  SECTION("at every section boundary and every byte") {
    for (const Bytes& file : {v2, bytes}) {
      const std::vector<std::size_t> ends = section_ends<TestType>(file);
      REQUIRE(ends.back() == file.size());
      std::vector<std::size_t> lengths(ends.begin(), ends.end() - 1);
      for (std::size_t length = 0; length < file.size(); ++length) lengths.push_back(length);
      for (std::size_t length : lengths) {
        INFO("version " << get_le(file, kVersion, 4) << ", length " << length);
        const std::string error = load_error<TestType>(
            path, Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(length)));
        REQUIRE_THAT(error, StartsWith(path + ": "));
        if (length < kMinBytes) {
          REQUIRE_THAT(error, Contains("too short to be a model file"));
        } else {
          REQUIRE_THAT(error, Contains("corrupted: checksum mismatch"));
        }
      }
    }
  }

  SECTION("with a valid checksum, every section is checked for length") {
    for (const Bytes& file : {v2, bytes}) {
      for (std::size_t length = kMinBytes - 4; length < file.size() - 4; ++length) {
        INFO("version " << get_le(file, kVersion, 4) << ", length " << length);
        const std::string error = load_error<TestType>(path, resealed_prefix(file, length));
        REQUIRE_THAT(error, StartsWith(path + ": truncated: "));
      }
    }
    // Version 1, whose offsets are fixed:
    // At a boundary the message names the section that is missing.
    // The architecture is checked against the bytes left before it is built.
    CHECK_THAT(load_error<TestType>(path, resealed_prefix(bytes, kFirstName - 4)),
               Contains("truncated: the architecture in its options has 110 parameter and "
                        "buffer values of " +
                        std::to_string(sizeof(TestType)) + " bytes, but only 0 bytes follow"));
    CHECK_THAT(load_error<TestType>(path, resealed_prefix(bytes, kFirstName - 2)),
               Contains("truncated: the architecture in its options"));
    CHECK_THAT(load_error<TestType>(path, resealed_prefix(bytes, 88)),
               Contains("truncated: options: seed needs 8 bytes at byte offset 86, but only 2 "
                        "bytes remain"));
    const std::size_t last_values = bytes.size() - 4 - 4 * sizeof(TestType);
    CHECK_THAT(load_error<TestType>(path, resealed_prefix(bytes, last_values + 1)),
               Contains("truncated: values of buffer running_var2 needs 4 values of " +
                        std::to_string(sizeof(TestType)) + " bytes"));
    CHECK_THAT(load_error<TestType>(path, resealed_prefix(bytes, last_values - 1)),
               Contains("truncated: buffer running_var2 cols needs 8 bytes"));
    CHECK_THAT(load_error<TestType>(path, resealed_prefix(bytes, last_values - 9)),
               Contains("truncated: buffer running_var2 rows needs 8 bytes"));
  }
}

TEST_CASE("Every single-bit flip is caught", "[model_file][errors]") {
  TempDir dir;
  trained_net<float>(small_options()).save(dir.file("model.bin"));
  const Bytes bytes = read_bytes(dir.file("model.bin"));
  const std::string path = dir.file("flipped.bin");
  std::size_t flips = 0;
  std::string wrong;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes flipped = bytes;
      flipped[i] = static_cast<unsigned char>(flipped[i] ^ (1U << bit));
      const std::string error = load_error<float>(path, flipped);
      // A flip of version 2 to 3, another version that is read, is left to the checksum.
      const std::uint64_t version = get_le(flipped, kVersion, 4);
      const bool known_version = version >= 1 && version <= 3;
      const char* expected = i < 8                           ? "not a scratchnet model file"
                             : i < kScalar && !known_version ? "unsupported model format version"
                                                             : "corrupted: checksum mismatch";
      if (error.rfind(path + ": ", 0) != 0 || error.find(expected) == std::string::npos) {
        if (wrong.empty()) {
          wrong = "byte " + std::to_string(i) + " bit " + std::to_string(bit) + ": '" + error + "'";
        }
      }
      ++flips;
    }
  }
  CHECK(flips == 8 * bytes.size());
  INFO(wrong);
  CHECK(wrong.empty());
}

TEST_CASE("A file of another version names both versions", "[model_file][errors]") {
  TempDir dir;
  trained_net<double>(small_options()).save(dir.file("model.bin"));
  Bytes bytes = read_bytes(dir.file("model.bin"));
  for (std::uint64_t version : {0ULL, 4ULL, 0xFFFFFFFFULL}) {
    put_le(bytes, kVersion, version, 4);
    reseal(bytes);  // so that the version check, not the checksum, fires
    const std::string path = dir.file("v.bin");
    CHECK(load_error<double>(path, bytes) == path + ": unsupported model format version " +
                                                 std::to_string(version) +
                                                 " (this scratchnet reads versions 1 to 3)");
  }
}

TEST_CASE("Inconsistent version-1 files with a valid checksum name the fault",
          "[model_file][errors]") {
  TempDir dir;
  const Bytes good = v1_model_bytes(trained_net<double>(small_options()));
  const std::string path = dir.file("bad.bin");
  REQUIRE(load_error<double>(path, good).empty());
  REQUIRE(get_le(good, kHidden0, 8) == 5);
  REQUIRE(std::string(good.begin() + kFirstName + 4, good.begin() + kFirstName + 6) == "W1");

  const auto patched = [&](std::size_t offset, std::uint64_t value, std::size_t width) {
    Bytes bytes = good;
    put_le(bytes, offset, value, width);
    reseal(bytes);
    return load_error<double>(path, bytes);
  };
  const auto f64_bits = [](double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof v);
    return bits;
  };
  REQUIRE(get_le(good, kDropout, 8) == f64_bits(0.2));
  REQUIRE(get_le(good, kBatchnorm, 1) == 1);

  CHECK_THAT(patched(kScalar, 3, 4), StartsWith(path + ": invalid scalar type 3"));
  CHECK_THAT(patched(kHidden0, 6, 8),
             StartsWith(path + ": parameter W1 is 6x5 but the architecture in its options makes "
                               "it 6x6"));
  CHECK_THAT(patched(kFirstName + 4, 'X', 1),
             StartsWith(path + ": parameter 1 is named 'X1' but the architecture in its options "
                               "has 'W1' there"));
  CHECK_THAT(patched(kBatchnorm, 0, 1),
             StartsWith(path + ": holds 10 parameters but the architecture in its options has 6"));
  CHECK_THAT(patched(kBatchnorm, 2, 1),
             StartsWith(path + ": options: use_batchnorm: expected 0 or 1, found 2"));
  CHECK_THAT(patched(kDropout, f64_bits(1.5), 8),
             StartsWith(path + ": invalid options: dropout_ratio"));
  CHECK_THAT(patched(kDropout, f64_bits(std::nan("")), 8),
             StartsWith(path + ": invalid options: dropout_ratio"));
  CHECK_THAT(patched(16, static_cast<std::uint64_t>(-4), 8),
             StartsWith(path + ": invalid options: input_size"));
  CHECK_THAT(patched(kActivation, 9, 4),
             StartsWith(path + ": invalid options: unknown activation code 9"));
  CHECK_THAT(patched(kInitKind, 7, 4),
             StartsWith(path + ": invalid options: unknown weight_init code 7"));
  CHECK_THAT(patched(kInitStd, f64_bits(-1.0), 8),
             StartsWith(path + ": invalid options: weight_init"));
  // Sizes far beyond the file are refused before anything is allocated: as
  // more than a network may hold, or, under that, as more than the file has.
  CHECK_THAT(patched(kHidden0, 1ULL << 40, 8),
             StartsWith(path + ": invalid options: hidden_sizes"));
  CHECK_THAT(patched(kHidden0, 0x7FFFFFFFFFFFFFFFULL, 8),
             StartsWith(path + ": invalid options: hidden_sizes"));
  CHECK_THAT(patched(kHidden0, 100000, 8), StartsWith(path + ": truncated: "));
  CHECK_THAT(patched(kHiddenCount, 0xFFFFFFFFULL, 4),
             StartsWith(path + ": truncated: options: hidden_sizes"));
  CHECK_THAT(patched(kFirstName, 0xFFFFFFFFULL, 4),
             StartsWith(path + ": name of parameter 1: length 4294967295 is over the limit"));

  // Bytes between the last buffer and the checksum.
  Bytes longer = good;
  longer.insert(longer.end() - 4, {1, 2, 3});
  reseal(longer);
  CHECK(load_error<double>(path, longer) == path + ": 3 trailing bytes after the last buffer");

  // A value changed in place is a valid (other) model.
  Bytes other = good;
  other[good.size() - 10] = static_cast<unsigned char>(other[good.size() - 10] ^ 1U);
  reseal(other);
  CHECK(load_error<double>(path, other).empty());
}

TEST_CASE("Random damage with a valid checksum never crashes", "[model_file][errors]") {
  TempDir dir;
  const MultiLayerNet<float> net = trained_net<float>(small_options());
  net.save(dir.file("model.bin"));
  const std::string path = dir.file("damaged.bin");
  scratchnet::Rng rng(2024);
  int refused = 0;
  const Bytes versions[2] = {read_bytes(dir.file("model.bin")), v1_model_bytes(net)};
  for (int trial = 0; trial < 3000; ++trial) {
    const Bytes& good = versions[trial % 2];
    Bytes bytes = good;
    const auto changes = 1 + rng.below(4);
    for (std::uint64_t c = 0; c < changes; ++c) {
      // Mostly in the header and options, where the sizes are.
      const std::size_t limit = rng.below(2) == 0 ? kFirstName + 40 : good.size() - 4;
      const auto at = static_cast<std::size_t>(rng.below(limit));
      bytes[at] = static_cast<unsigned char>(rng.below(256));
    }
    if (rng.below(8) == 0) bytes.resize(static_cast<std::size_t>(rng.below(good.size())));
    if (bytes.size() >= 4) reseal(bytes);
    refused += load_error<float>(path, bytes).empty() ? 0 : 1;
  }
  CHECK(refused > 1000);
}

TEST_CASE("Files that are not models", "[model_file][errors]") {
  TempDir dir;
  const std::string missing = dir.file("missing.bin");
  CHECK_THROWS_MATCHES(
      MultiLayerNet<float>::load(missing), ModelFormatError,
      Catch::Matchers::Message(missing + ": cannot open: No such file or directory"));
  CHECK_THROWS_WITH(MultiLayerNet<float>::load(dir.path().string()),
                    StartsWith(dir.path().string() + ": cannot open: "));

  const std::string path = dir.file("other.bin");
  CHECK(load_error<float>(path, {}) ==
        path + ": too short to be a model file (0 bytes; a model file has at least 88)");
  const std::string text(200, 'x');
  CHECK(load_error<float>(path, Bytes(text.begin(), text.end())) ==
        path + ": not a scratchnet model file (it does not start with \"SCRNMODL\")");
}

TEST_CASE("A failed save leaves nothing behind", "[model_file][errors]") {
  TempDir dir;
  const MultiLayerNet<float> net = trained_net<float>(small_options());

  const std::string nowhere = dir.file("no_such_folder/model.bin");
  CHECK_THROWS_WITH(net.save(nowhere), StartsWith(nowhere + ": cannot save: ") &&
                                           Contains("No such file or directory"));
  CHECK_THROWS_AS(net.save(nowhere), std::runtime_error);
  CHECK(dir.entries().empty());

  // A folder is never replaced (test_atomic_file.cpp has the other kinds).
  fs::create_directory(dir.path() / "folder");
  const std::string folder = dir.file("folder");
  CHECK_THROWS_WITH(net.save(folder), folder +
                                          ": cannot save: it is a directory; only a regular "
                                          "file is replaced");
  CHECK(dir.entries() == std::vector<std::string>{"folder"});
  CHECK(fs::is_empty(dir.path() / "folder"));

  net.save(dir.file("model.bin"));
  CHECK(dir.entries() == std::vector<std::string>{"folder", "model.bin"});
  CHECK_FALSE(dir.has_temp_file());
}

TEST_CASE("CRC-32 is the standard one, with and without zlib", "[binary_io]") {
  const std::string check = "123456789";
  const auto* data = reinterpret_cast<const unsigned char*>(check.data());
  CHECK(scratchnet::crc32(data, check.size()) == 0xCBF43926U);
  CHECK(scratchnet::detail::crc32_by_table(data, check.size()) == 0xCBF43926U);
  CHECK(scratchnet::crc32(data, 0) == 0);
  // In two pieces, the second given the CRC-32 of the first.
  CHECK(scratchnet::crc32(data + 4, 5, scratchnet::crc32(data, 4)) == 0xCBF43926U);
  CHECK(scratchnet::detail::crc32_by_table(
            data + 4, 5, scratchnet::detail::crc32_by_table(data, 4)) == 0xCBF43926U);
  scratchnet::Rng rng(11);
  for (std::size_t size : std::vector<std::size_t>{1, 2, 3, 7, 64, 1000, 65537}) {
    Bytes bytes(size);
    for (auto& b : bytes) b = static_cast<unsigned char>(rng.below(256));
    CHECK(scratchnet::crc32(bytes.data(), size) ==
          scratchnet::detail::crc32_by_table(bytes.data(), size));
  }
}

TEST_CASE("Binary writer and reader round trip, little-endian", "[binary_io]") {
  scratchnet::BinaryWriter out;
  out.u8(0xAB);
  out.u32(0x01020304U);
  out.u64(0x0102030405060708ULL);
  out.i64(-5);
  out.f64(-0.0);
  out.f64(1.0);
  out.string("running_mean1");
  out.string("");
  Matrix<float> mf(2, 3);
  mf << 1.5f, -2.0f, 3.25f, 0.0f, -0.0f, 1e-30f;
  Matrix<double> md(3, 1);
  md << 1.0 / 3.0, -1e300, std::numeric_limits<double>::infinity();
  out.matrix(mf);
  out.matrix(md);
  out.matrix(Matrix<double>(0, 4));

  const Bytes& b = out.bytes();
  CHECK(Bytes(b.begin(), b.begin() + 13) == Bytes{0xAB, 4, 3, 2, 1, 8, 7, 6, 5, 4, 3, 2, 1});
  CHECK(get_le(b, 21, 8) == 0x8000000000000000ULL);  // -0.0
  CHECK(get_le(b, 29, 8) == 0x3FF0000000000000ULL);  // 1.0

  scratchnet::BinaryReader in(b.data(), b.size(), "mem");
  CHECK(in.u8("a") == 0xAB);
  CHECK(in.u32("b") == 0x01020304U);
  CHECK(in.u64("c") == 0x0102030405060708ULL);
  CHECK(in.i64("d") == -5);
  const double negative_zero = in.f64("e");
  CHECK(negative_zero == 0.0);
  CHECK(std::signbit(negative_zero));
  CHECK(in.f64("f") == 1.0);
  CHECK(in.string("g") == "running_mean1");
  CHECK(in.string("h").empty());
  Matrix<float> rf;
  Matrix<double> rd, empty;
  in.matrix(rf, "mf");
  in.matrix(rd, "md");
  in.matrix(empty, "empty");
  CHECK(same_bits(rf, mf));
  CHECK(same_bits(rd, md));
  CHECK(empty.rows() == 0);
  CHECK(empty.cols() == 4);
  CHECK(in.remaining() == 0);
  CHECK(in.position() == b.size());
  CHECK_THROWS_MATCHES(in.u8("one more"), ModelFormatError,
                       Catch::Matchers::Message("mem: truncated: one more needs 1 bytes at byte "
                                                "offset " +
                                                std::to_string(b.size()) +
                                                ", but only 0 bytes "
                                                "remain"));
}

TEST_CASE("The reader never reads or allocates past the end", "[binary_io][errors]") {
  scratchnet::BinaryWriter out;
  out.u64(1ULL << 62);  // rows
  out.u64(1ULL << 62);  // cols: the product overflows 64 bits
  out.f64(1.0);
  const Bytes& b = out.bytes();
  {
    scratchnet::BinaryReader in(b.data(), b.size(), "huge");
    Matrix<double> m;
    CHECK_THROWS_WITH(in.matrix(m, "m"), StartsWith("huge: truncated: m needs "));
    CHECK(m.size() == 0);
  }
  {
    scratchnet::BinaryWriter w;
    w.u64(0);
    w.u64(1ULL << 63);  // more than an Eigen index holds
    scratchnet::BinaryReader in(w.bytes().data(), w.bytes().size(), "wide");
    Matrix<double> m;
    CHECK_THROWS_WITH(in.matrix(m, "m"),
                      StartsWith("wide: m: invalid shape 0x9223372036854775808"));
  }
  {
    scratchnet::BinaryWriter w;
    w.u64(3);
    w.u64(1);
    w.f64(1.0);
    w.f64(2.0);  // one value short
    scratchnet::BinaryReader in(w.bytes().data(), w.bytes().size(), "short");
    Matrix<double> m;
    CHECK_THROWS_WITH(in.matrix(m, "m"), StartsWith("short: truncated: m needs 3x1 values"));
  }
  {
    scratchnet::BinaryWriter w;
    w.u32(100);  // a string of 100 bytes with 2 present
    w.u8('a');
    w.u8('b');
    scratchnet::BinaryReader in(w.bytes().data(), w.bytes().size(), "s");
    CHECK_THROWS_WITH(in.string("name"), StartsWith("s: truncated: name needs 100 bytes"));
  }
  {
    const Bytes three{1, 2, 3};
    scratchnet::BinaryReader in(three.data(), three.size(), "t");
    CHECK_THROWS_AS(in.u32("x"), ModelFormatError);
    CHECK(in.position() == 0);  // a failed read consumes nothing
    CHECK(in.u8("y") == 1);
    CHECK_THROWS_AS(in.need_items(2, 2, "z"), ModelFormatError);
    CHECK_NOTHROW(in.need_items(1, 2, "z"));
  }
}

TEST_CASE("Whole files: size limit and atomic replacement", "[binary_io]") {
  TempDir dir;
  const std::string path = dir.file("f.bin");
  scratchnet::write_file_atomically(path, Bytes{1, 2, 3, 4, 5});
  CHECK(read_bytes(path) == Bytes{1, 2, 3, 4, 5});
  CHECK(scratchnet::read_whole_file(path, 5) == Bytes{1, 2, 3, 4, 5});
  CHECK_THROWS_WITH(scratchnet::read_whole_file(path, 4, "model file"),
                    StartsWith(path + ": too large to be a model file"));
  scratchnet::write_file_atomically(path, Bytes{});
  CHECK(read_bytes(path).empty());
  CHECK(scratchnet::read_whole_file(path, 0).empty());
  CHECK(dir.entries() == std::vector<std::string>{"f.bin"});
}
