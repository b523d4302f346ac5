// Crafting model files byte by byte (docs/model-format.md): reseal the CRC-32
// after a change, and the error load() gives. Shared by the model-file tests
// and the bad-input corpus.
#pragma once

#include <catch2/catch.hpp>
#include <cstddef>
#include <exception>
#include <string>

#include "bytes.hpp"
#include "scratchnet/core/file_envelope.hpp"
#include "scratchnet/network/multi_layer_net.hpp"

namespace scratchnet::test {

// Recomputes the CRC at the end, so that a crafted change reaches the checks
// behind the checksum.
inline void reseal(Bytes& bytes) {
  REQUIRE(bytes.size() >= 4);
  const std::size_t body = bytes.size() - 4;
  put_le(bytes, body, scratchnet::crc32(bytes.data(), body), 4);
}

// Offsets of the fields of a model file whose network has two hidden layers
// (docs/model-format.md), up to the first parameter's name.
namespace two_hidden_layers {
constexpr std::size_t kVersion = 8;
constexpr std::size_t kScalar = 12;
constexpr std::size_t kInputSize = 16;
constexpr std::size_t kHiddenCount = 24;
constexpr std::size_t kHidden0 = 28;
constexpr std::size_t kHidden1 = 36;
constexpr std::size_t kOutputSize = 44;
constexpr std::size_t kActivation = 52;
constexpr std::size_t kInitKind = 56;
constexpr std::size_t kInitStd = 60;
constexpr std::size_t kWeightDecay = 68;
constexpr std::size_t kBatchnorm = 76;
constexpr std::size_t kDropout = 77;
constexpr std::size_t kInverted = 85;
constexpr std::size_t kSeed = 86;
constexpr std::size_t kParamCount = 94;
constexpr std::size_t kFirstName = kParamCount + 4;  // its u32 length, then the name
}  // namespace two_hidden_layers

// The message load() throws for these bytes, written to path, or "" when
// they load; any exception other than ModelFormatError fails the test.
template <typename T>
std::string load_error(const std::string& path, const Bytes& bytes) {
  write_bytes(path, bytes);
  try {
    scratchnet::MultiLayerNet<T>::load(path);
  } catch (const scratchnet::ModelFormatError& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("load threw something other than ModelFormatError: " << e.what());
  }
  return "";
}

}  // namespace scratchnet::test
