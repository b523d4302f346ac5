// A model file written on x86-64 loads on every architecture the suite runs
// on (x86-64, and aarch64 under qemu: the aarch64 preset) to the same model:
// it predicts the class scores that the x86-64 build predicted. The files are
// of version 1, written by scratchnet before version 2: they are also the
// test that such files still load, that saved again (as version 2) they load
// to the same tensors, and that the version-1 writer of the tests
// (support/model_bytes.hpp) is the one scratchnet had. tests/data/reference_*
// come from tests/reference/make_model_reference.cpp, run once on x86-64
// (tests/data/README.md).
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "scratchnet/network/model_file.hpp"
#include "support/bytes.hpp"
#include "support/model_bytes.hpp"
#include "support/temp_dir.hpp"

using scratchnet::Index;
using scratchnet::Matrix;
using scratchnet::MultiLayerNet;
using scratchnet::test::read_bytes;
using scratchnet::test::TempDir;

namespace {

std::string reference_file(const std::string& name) {
  return std::string(SCRATCHNET_TEST_DATA_DIR) + "/" + name;
}

// A file of comma-separated numbers after one header line, as
// make_model_reference writes it.
Matrix<double> read_reference_csv(const std::string& path) {
  INFO("reading " << path);
  std::ifstream in(path);
  REQUIRE(in);
  std::string line;
  REQUIRE(std::getline(in, line));  // the header
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::vector<double>& row = rows.emplace_back();
    for (std::string field; std::getline(fields, field, ',');) row.push_back(std::stod(field));
  }
  REQUIRE(!rows.empty());
  Matrix<double> m(static_cast<Index>(rows.size()), static_cast<Index>(rows.front().size()));
  for (Index r = 0; r < m.rows(); ++r) {
    const std::vector<double>& row = rows[static_cast<std::size_t>(r)];
    REQUIRE(static_cast<Index>(row.size()) == m.cols());
    for (Index c = 0; c < m.cols(); ++c) m(r, c) = row[static_cast<std::size_t>(c)];
  }
  return m;
}

}  // namespace

TEMPLATE_TEST_CASE("A model file saved on x86-64 loads here to the model x86-64 saved",
                   "[model_file][reference]", float, double) {
  using T = TestType;
  const std::string scalar = std::is_same_v<T, float> ? "float" : "double";
  const std::string model_path = reference_file("reference_model_" + scalar + ".bin");
  auto net = MultiLayerNet<T>::load(model_path);

  SECTION("saved again, it is the same model") {
    CHECK(scratchnet::test::v1_model_bytes(net) == read_bytes(model_path));
    const TempDir dir;
    net.save(dir.file("again.bin"));
    const auto again = MultiLayerNet<T>::load(dir.file("again.bin"));
    REQUIRE(again.params().size() == net.params().size());
    for (std::size_t i = 0; i < net.params().size(); ++i) {
      CHECK(*again.params()[i].value == *net.params()[i].value);
    }
    REQUIRE(again.buffers().size() == net.buffers().size());
    for (std::size_t i = 0; i < net.buffers().size(); ++i) {
      CHECK(*again.buffers()[i].value == *net.buffers()[i].value);
    }
  }

  SECTION("it predicts the scores x86-64 predicted") {
    // The inputs were floats and the scores T, each written with the digits
    // that give back exactly that value when read and rounded to its type.
    const Matrix<float> inputs =
        read_reference_csv(reference_file("reference_inputs.csv")).cast<float>();
    const Matrix<T> expected =
        read_reference_csv(reference_file("reference_scores_" + scalar + ".csv")).cast<T>();
    const Matrix<T> scores = net.predict(inputs, false);
    REQUIRE(scores.rows() == expected.rows());
    REQUIRE(scores.cols() == expected.cols());
    // Not bit for bit: another CPU, compiler or set of flags sums the
    // products in another order and fuses other multiply-adds, and libm's
    // tanh may differ in its last bit. Measured against this reference (made
    // by g++ -march=native, AVX-512): g++ for AArch64 (NEON, under qemu), g++
    // with SSE2 only, with ASan, with AVX2 + FMA, and clang++ -march=native
    // differ by at most 2 epsilon of the row's largest score (6 to 44 of the
    // 64 scores differ at all). 32 epsilon leaves a factor 16; it is 4e-6 in
    // float and 7e-15 in double, far below what a value read in the wrong
    // byte order or a misplaced parameter does to a score.
    const double tolerance = 32 * static_cast<double>(std::numeric_limits<T>::epsilon());
    for (Index r = 0; r < scores.rows(); ++r) {
      const double scale =
          std::max(1.0, static_cast<double>(expected.row(r).cwiseAbs().maxCoeff()));
      for (Index c = 0; c < scores.cols(); ++c) {
        INFO("row " << r << ", class " << c << ": "
                    << std::setprecision(std::numeric_limits<T>::max_digits10) << scores(r, c)
                    << " here, " << expected(r, c) << " on x86-64");
        CHECK(std::abs(static_cast<double>(scores(r, c) - expected(r, c))) <= tolerance * scale);
      }
    }
  }
}
