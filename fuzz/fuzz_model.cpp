// libFuzzer target: the model-file loader (network/model_file.hpp, versions 1
// and 2), Sequential<T>::load and MultiLayerNet<T>::load for float and double,
// on any bytes.
//
// Input: one flag byte, then the file.
//   bit 0  recompute the CRC-32 at the end over the (mutated) body, so that
//          the parser behind the checksum is reached; without it, nearly
//          every mutation stops at "checksum mismatch"
//   bit 1  write the magic "SCRNMODL" and the version over the first 12 bytes
//   bit 2  with bit 1, version 1 instead of 2
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

// True when every layer's input and output hold at most kMaxPredicted
// values per row: a valid file may describe images of up to 2^31 values,
// which predict would need gigabytes for, more than a fuzzer process has.
template <typename Net>
bool small_enough_to_predict(const Net& net) {
  constexpr scratchnet::Index kMaxPredicted = 4096;
  scratchnet::Shape shape = net.input_shape();
  if (shape.size() > kMaxPredicted) return false;
  for (const auto& layer : net.layers()) {
    shape = layer->output_shape(shape);
    if (shape.size() > kMaxPredicted) return false;
  }
  return true;
}

// A model that loaded: it predicts, and save -> load -> save is a fixed point.
template <typename Net>
void check_loaded(Net& net) {
  using T = typename Net::Scalar;
  if (small_enough_to_predict(net)) {
    const scratchnet::Matrix<T> x = scratchnet::Matrix<T>::Zero(2, net.input_size());
    const scratchnet::Matrix<T> y = net.predict(x, false);
    if (y.rows() != 2 || y.cols() != net.output_size()) {
      fuzz::finding("predict gave the wrong shape");
    }
  }
  fuzz::expect_fixed_point(
      "model", [&](const std::string& file) { net.save(file); },
      [](const std::string& file) { Net::load(file).save(file); });
}

template <typename Net>
void load_as(const std::string& path) {
  fuzz::reads_or_names_file<scratchnet::ModelFormatError>(path, "load", [&] {
    Net net = Net::load(path);
    check_loaded(net);
  });
}

template <typename T>
void load_recipe_as(const std::string& path) {
  fuzz::reads_or_names_file<scratchnet::ModelFormatError>(path, "load", [&] {
    scratchnet::MultiLayerNet<T> net = scratchnet::MultiLayerNet<T>::load(path);
    try {
      net.options().validate();
    } catch (const std::exception& e) {
      fuzz::finding(std::string("a loaded MultiLayerNet has invalid options: ") + e.what());
    }
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
  load_as<scratchnet::Sequential<float>>(path);
  load_as<scratchnet::Sequential<double>>(path);
  load_recipe_as<float>(path);
  load_recipe_as<double>(path);
  return 0;
}
