// MultiLayerNet::save and MultiLayerNet::load: one file with the options the
// network was built from, every parameter and every buffer (batch norm running
// statistics), and a CRC-32 over all of it. The byte layout is in
// docs/model-format.md. The file depends on the model only: the same model
// always gives the same bytes.
//
// load() checks, in this order, and throws ModelFormatError("<path>: ...")
// at the first fault: the file opens and is no larger than 2 GiB; it is long
// enough; the magic bytes; the format version; the checksum; the scalar type;
// then every section against the bytes left and against the architecture
// that the stored options build; no bytes after the last buffer.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include "scratchnet/core/atomic_file.hpp"
#include "scratchnet/core/file_envelope.hpp"
#include "scratchnet/network/multi_layer_net.hpp"

namespace scratchnet {
namespace detail::model_file {

inline const FileEnvelope kEnvelope{{'S', 'C', 'R', 'N', 'M', 'O', 'D', 'L'}, 1, "model"};
inline constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 31;  // 2 GiB
// Magic, version, scalar type; the options with no hidden layer; the two
// counts; the CRC.
inline constexpr std::size_t kOptionsBytes = 8 + 4 + 8 + 4 + 4 + 8 + 8 + 1 + 8 + 1 + 8;
inline constexpr std::size_t kMinBytes = 8 + 4 + 4 + kOptionsBytes + 4 + 4 + 4;

inline constexpr std::uint32_t kRelu = 0, kSigmoid = 1, kTanh = 2;
inline constexpr std::uint32_t kStdDev = 0, kXavier = 1, kHe = 2;

inline std::string scalar_name(std::size_t size) {
  return size == 4 ? "float" : "double";
}

inline std::uint32_t activation_code(Activation a) {
  switch (a) {
    case Activation::sigmoid:
      return kSigmoid;
    case Activation::tanh:
      return kTanh;
    case Activation::relu:
      break;
  }
  return kRelu;
}

inline void write_options(BinaryWriter& out, const MultiLayerNetOptions& o) {
  out.i64(o.input_size);
  out.u32(static_cast<std::uint32_t>(o.hidden_sizes.size()));
  for (Index width : o.hidden_sizes) out.i64(width);
  out.i64(o.output_size);
  out.u32(activation_code(o.activation));
  switch (o.weight_init.kind()) {
    case WeightInit::Kind::std_dev:
      out.u32(kStdDev);
      out.f64(o.weight_init.std_dev());
      break;
    case WeightInit::Kind::xavier:
      out.u32(kXavier);
      out.f64(0);
      break;
    case WeightInit::Kind::he:
      out.u32(kHe);
      out.f64(0);
      break;
  }
  out.f64(o.weight_decay_lambda);
  out.u8(o.use_batchnorm ? 1 : 0);
  out.f64(o.dropout_ratio);
  out.u8(o.inverted_dropout ? 1 : 0);
  out.u64(o.seed);
}

// The stored options, validated as the constructor would.
inline MultiLayerNetOptions read_options(BinaryReader& in) {
  MultiLayerNetOptions o;
  o.input_size = in.i64("options: input_size");
  const std::uint32_t hidden_count = in.u32("options: hidden layer count");
  in.need_items(hidden_count, 8, "options: hidden_sizes", "sizes");
  o.hidden_sizes.resize(hidden_count);
  for (std::uint32_t i = 0; i < hidden_count; ++i) {
    o.hidden_sizes[i] = in.i64("options: hidden_sizes[" + std::to_string(i) + "]");
  }
  o.output_size = in.i64("options: output_size");
  const std::uint32_t activation = in.u32("options: activation");
  switch (activation) {
    case kRelu:
      o.activation = Activation::relu;
      break;
    case kSigmoid:
      o.activation = Activation::sigmoid;
      break;
    case kTanh:
      o.activation = Activation::tanh;
      break;
    default:
      in.fail("invalid options: unknown activation code " + std::to_string(activation));
  }
  const std::uint32_t init_kind = in.u32("options: weight_init kind");
  const double init_std = in.f64("options: weight_init std");
  try {
    switch (init_kind) {
      case kStdDev:
        o.weight_init = WeightInit(init_std);
        break;
      case kXavier:
        o.weight_init = WeightInit::xavier();
        break;
      case kHe:
        o.weight_init = WeightInit::he();
        break;
      default:
        in.fail("invalid options: unknown weight_init code " + std::to_string(init_kind));
    }
  } catch (const std::invalid_argument& e) {
    in.fail(std::string("invalid options: ") + e.what());
  }
  o.weight_decay_lambda = in.f64("options: weight_decay_lambda");
  o.use_batchnorm = in.boolean("options: use_batchnorm");
  o.dropout_ratio = in.f64("options: dropout_ratio");
  o.inverted_dropout = in.boolean("options: inverted_dropout");
  o.seed = in.u64("options: seed");
  try {
    o.validate();
  } catch (const std::invalid_argument& e) {
    in.fail(std::string("invalid options: ") + e.what());
  }
  return o;
}

// Throws the truncated error unless the rest of the file can hold every
// parameter and buffer value of the architecture o describes, so that
// building that architecture never allocates more than the file justifies.
inline void check_architecture_fits(const MultiLayerNetOptions& o, std::size_t scalar_size,
                                    const BinaryReader& in) {
  const std::uint64_t values = o.value_count();
  if (values > in.remaining() / scalar_size) {
    in.fail("truncated: the architecture in its options has " + std::to_string(values) +
            " parameter and buffer values of " + std::to_string(scalar_size) + " bytes, but only " +
            std::to_string(in.remaining()) + " bytes follow the options");
  }
}

// Reads the named matrices (parameters or buffers) into the places the
// network has for them, checking each name and shape first.
template <typename T, typename List>
void read_matrices(BinaryReader& in, const List& list, const std::string& kind) {
  const std::uint32_t count = in.u32(kind + " count");
  if (count != list.size()) {
    in.fail("holds " + std::to_string(count) + " " + kind + "s but the architecture in its " +
            "options has " + std::to_string(list.size()));
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string& expected = list[i].name;
    const std::string name = in.string("name of " + kind + " " + std::to_string(i + 1), 256);
    if (name != expected) {
      in.fail(kind + " " + std::to_string(i + 1) + " is named '" + name +
              "' but the architecture in its options has '" + expected + "' there");
    }
    Matrix<T>& value = *list[i].value;
    const std::uint64_t rows = in.u64(kind + " " + name + " rows");
    const std::uint64_t cols = in.u64(kind + " " + name + " cols");
    if (rows != static_cast<std::uint64_t>(value.rows()) ||
        cols != static_cast<std::uint64_t>(value.cols())) {
      in.fail(kind + " " + name + " is " + std::to_string(rows) + "x" + std::to_string(cols) +
              " but the architecture in its options makes it " + shape_of(value));
    }
    in.values(value.data(), static_cast<std::size_t>(value.size()),
              "values of " + kind + " " + name);
  }
}

}  // namespace detail::model_file

template <typename T>
void MultiLayerNet<T>::save(const std::string& path) const {
  write_file_atomically(path, to_bytes(path));
}

template <typename T>
MultiLayerNet<T> MultiLayerNet<T>::load(const std::string& path) {
  return from_bytes(read_whole_file(path, detail::model_file::kMaxBytes, "model file",
                                    &detail::model_file::kEnvelope),
                    path);
}

template <typename T>
std::vector<unsigned char> MultiLayerNet<T>::to_bytes(const std::string& path) const {
  namespace mf = detail::model_file;
  std::size_t values = 0;
  for (const Param<T>& p : this->params()) values += static_cast<std::size_t>(p.value->size());
  for (const Buffer<T>& b : this->buffers()) values += static_cast<std::size_t>(b.value->size());

  BinaryWriter out;
  out.reserve(mf::kMinBytes + 8 * options_.hidden_sizes.size() +
              (this->params().size() + this->buffers().size()) * 40 + values * sizeof(T));
  begin_envelope(out, mf::kEnvelope);
  out.u32(static_cast<std::uint32_t>(sizeof(T)));
  mf::write_options(out, options_);
  out.u32(static_cast<std::uint32_t>(this->params().size()));
  for (const Param<T>& p : this->params()) {
    out.string(p.name);
    out.matrix(*p.value);
  }
  out.u32(static_cast<std::uint32_t>(this->buffers().size()));
  for (const Buffer<T>& b : this->buffers()) {
    out.string(b.name);
    out.matrix(*b.value);
  }
  out.crc32_of_all();
  if (out.size() > mf::kMaxBytes) {
    throw std::runtime_error(path + ": cannot save: the model takes " + std::to_string(out.size()) +
                             " bytes, more than the " + std::to_string(mf::kMaxBytes) +
                             " a model file may hold");
  }
  return out.take();
}

template <typename T>
MultiLayerNet<T> MultiLayerNet<T>::from_bytes(const std::vector<unsigned char>& bytes,
                                              const std::string& path) {
  namespace mf = detail::model_file;
  const auto refuse = [&](const std::string& why) { detail::fail_file(path, why); };

  BinaryReader in = open_envelope(bytes, path, mf::kEnvelope, mf::kMinBytes);
  const std::uint32_t scalar = in.u32("scalar type");
  if (scalar != 4 && scalar != 8) {
    refuse("invalid scalar type " + std::to_string(scalar) + " (4 = float, 8 = double)");
  }
  if (scalar != sizeof(T)) {
    refuse("holds " + mf::scalar_name(scalar) + " parameters, loading as MultiLayerNet<" +
           mf::scalar_name(sizeof(T)) + ">; load it with MultiLayerNet<" + mf::scalar_name(scalar) +
           ">::load");
  }

  const MultiLayerNetOptions options = mf::read_options(in);
  mf::check_architecture_fits(options, sizeof(T), in);
  std::optional<MultiLayerNet<T>> net;
  try {
    net.emplace(options);
  } catch (const std::invalid_argument& e) {
    refuse(std::string("invalid options: ") + e.what());
  }
  mf::read_matrices<T>(in, net->params(), "parameter");
  mf::read_matrices<T>(in, net->buffers(), "buffer");
  if (in.remaining() != 0) {
    refuse(std::to_string(in.remaining()) + " trailing bytes after the last buffer");
  }
  return std::move(*net);
}

}  // namespace scratchnet
