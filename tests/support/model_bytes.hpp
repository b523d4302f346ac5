// Crafting model files byte by byte (docs/model-format.md): reseal the CRC-32
// after a change, write a file of version 1 (which the library reads but no
// longer writes), and the error load() gives. Shared by the model-file tests
// and the bad-input corpus.
#pragma once

#include <catch2/catch.hpp>
#include <cstddef>
#include <exception>
#include <string>

#include "bytes.hpp"
#include "scratchnet/core/binary_writer.hpp"
#include "scratchnet/core/file_envelope.hpp"
#include "scratchnet/network/model_file.hpp"

namespace scratchnet::test {

// Recomputes the CRC at the end, so that a crafted change reaches the checks
// behind the checksum.
inline void reseal(Bytes& bytes) {
  REQUIRE(bytes.size() >= 4);
  const std::size_t body = bytes.size() - 4;
  put_le(bytes, body, scratchnet::crc32(bytes.data(), body), 4);
}

// The version-1 file of net, as scratchnet wrote it before version 2
// (docs/model-format.md, "Version 1"): the options block, then the tensors.
template <typename T>
Bytes v1_model_bytes(const scratchnet::MultiLayerNet<T>& net) {
  const scratchnet::MultiLayerNetOptions& o = net.options();
  scratchnet::BinaryWriter out;
  const std::string magic = "SCRNMODL";
  out.raw(reinterpret_cast<const unsigned char*>(magic.data()), magic.size());
  out.u32(1);
  out.u32(sizeof(T));
  out.i64(o.input_size);
  out.u32(static_cast<std::uint32_t>(o.hidden_sizes.size()));
  for (scratchnet::Index width : o.hidden_sizes) out.i64(width);
  out.i64(o.output_size);
  out.u32(static_cast<std::uint32_t>(o.activation == scratchnet::Activation::relu      ? 0
                                     : o.activation == scratchnet::Activation::sigmoid ? 1
                                                                                       : 2));
  using Kind = scratchnet::WeightInit::Kind;
  const Kind init = o.weight_init.kind();
  out.u32(init == Kind::std_dev ? 0 : init == Kind::xavier ? 1 : 2);
  out.f64(init == Kind::std_dev ? o.weight_init.std_dev() : 0.0);
  out.f64(o.weight_decay_lambda);
  out.u8(o.use_batchnorm ? 1 : 0);
  out.f64(o.dropout_ratio);
  out.u8(o.inverted_dropout ? 1 : 0);
  out.u64(o.seed);
  out.u32(static_cast<std::uint32_t>(net.params().size()));
  for (const auto& p : net.params()) {
    out.string(p.name);
    out.matrix(*p.value);
  }
  out.u32(static_cast<std::uint32_t>(net.buffers().size()));
  for (const auto& b : net.buffers()) {
    out.string(b.name);
    out.matrix(*b.value);
  }
  out.crc32_of_all();
  return out.take();
}

// Offsets of the fields of a version-1 file whose network has two hidden layers
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

// The message Net::load throws for these bytes, written to path, or "" when
// they load; any exception other than ModelFormatError fails the test.
template <typename T, typename Net = scratchnet::MultiLayerNet<T>>
std::string load_error(const std::string& path, const Bytes& bytes) {
  write_bytes(path, bytes);
  try {
    Net::load(path);
  } catch (const scratchnet::ModelFormatError& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("load threw something other than ModelFormatError: " << e.what());
  }
  return "";
}

}  // namespace scratchnet::test
