// libFuzzer target: the model-file loader, MultiLayerNet<float>::load and
// MultiLayerNet<double>::load (network/model_file.hpp), on any bytes.
//
// Input: one flag byte, then the file.
//   bit 0  recompute the CRC-32 at the end over the (mutated) body, so that
//          the parser behind the checksum is reached; without it, nearly
//          every mutation stops at "checksum mismatch"
//   bit 1  write the magic "SCRNMODL" and the version over the first 12 bytes
// (fuzz::enveloped, envelope.hpp).
//
// Each load must return a model or throw ModelFormatError "<path>: <fault>".
// Anything else is a finding, and so is a loaded model that does not survive
// save and load again unchanged, or that cannot predict.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "envelope.hpp"
#include "fuzz_file.hpp"
#include "scratchnet/network/model_file.hpp"

namespace {

// A model that loaded: it predicts, and save -> load -> save is a fixed point.
template <typename T>
void check_loaded(scratchnet::MultiLayerNet<T>& net) {
  const scratchnet::MultiLayerNetOptions& o = net.options();
  try {
    o.validate();
  } catch (const std::exception& e) {
    fuzz::finding(std::string("a loaded model has invalid options: ") + e.what());
  }
  const scratchnet::Matrix<T> x = scratchnet::Matrix<T>::Zero(2, o.input_size);
  const scratchnet::Matrix<T> y = net.predict(x, false);
  if (y.rows() != 2 || y.cols() != o.output_size) fuzz::finding("predict gave the wrong shape");

  fuzz::expect_fixed_point(
      "model", [&](const std::string& file) { net.save(file); },
      [](const std::string& file) { scratchnet::MultiLayerNet<T>::load(file).save(file); });
}

template <typename T>
void load_as(const std::string& path) {
  fuzz::reads_or_names_file<scratchnet::ModelFormatError>(path, "load", [&] {
    scratchnet::MultiLayerNet<T> net = scratchnet::MultiLayerNet<T>::load(path);
    check_loaded(net);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::FuzzFile file;
  if (size == 0) return 0;
  const std::vector<std::uint8_t> bytes =
      fuzz::enveloped(data, size, scratchnet::detail::model_file::kEnvelope);
  const std::string& path = file.write(bytes.data(), bytes.size());
  load_as<float>(path);
  load_as<double>(path);
  return 0;
}
