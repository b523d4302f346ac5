// Sequential::save and Sequential::load: one file with the network's input
// shape, loss, weight decay (and L1 and max-norm, when used), seed and init
// rule, its layers (kind and arguments), every parameter and buffer by name,
// and a CRC-32 over all of it. The byte layout is in docs/model-format.md.
// The file depends on the model only: the same model always gives the same
// bytes. A model with L1 or max-norm is written as version 3, which adds
// their two numbers after the weight decay; any other as version 2, byte for
// byte as before them. Files of version 1 (a MultiLayerNet's options) still
// load (network/model_file_v1.hpp).
//
// load() checks, in this order, and throws ModelFormatError("<path>: ...")
// at the first fault: the file opens and is no larger than 2 GiB; it is long
// enough; the magic bytes; the format version; the checksum; the scalar type;
// the header; each layer, whose values, with those before it, must fit in
// the bytes left before it is made; every tensor's name and shape against
// the layers; no bytes after the last buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "scratchnet/core/atomic_file.hpp"
#include "scratchnet/core/file_envelope.hpp"
#include "scratchnet/network/layer_registry.hpp"
#include "scratchnet/network/layer_spec.hpp"
#include "scratchnet/network/model_file_v1.hpp"
#include "scratchnet/network/multi_layer_net.hpp"
#include "scratchnet/network/sequential.hpp"

namespace scratchnet {
namespace detail {
namespace model_file {

inline const FileEnvelope kEnvelope{{'S', 'C', 'R', 'N', 'M', 'O', 'D', 'L'}, 3, "model", 1};
// The version of a model without L1 and max-norm.
inline constexpr std::uint32_t kUnconstrainedVersion = 2;
inline constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 31;  // 2 GiB
// The smallest file of either version: version 2 with an empty loss name,
// no layer, no tensor.
inline constexpr std::size_t kMinBytes = 8 + 4 + 4 + 3 * 8 + 4 + 8 + 8 + 4 + 8 + 4 + 4 + 4 + 4;
inline constexpr std::size_t kMaxNameLength = 256;

// Codes of the init rule; version 1 has the first three.
inline constexpr std::uint32_t kStdDev = 0, kXavier = 1, kHe = 2, kNoInit = 3;

inline std::string scalar_name(std::size_t size) {
  return size == 4 ? "float" : "double";
}

inline void write_init(BinaryWriter& out, const std::optional<WeightInit>& init) {
  if (!init) {
    out.u32(kNoInit);
    out.f64(0);
    return;
  }
  switch (init->kind()) {
    case WeightInit::Kind::std_dev:
      out.u32(kStdDev);
      out.f64(init->std_dev());
      return;
    case WeightInit::Kind::xavier:
      out.u32(kXavier);
      break;
    case WeightInit::Kind::he:
      out.u32(kHe);
      break;
  }
  out.f64(0);
}

inline std::optional<WeightInit> read_init(BinaryReader& in) {
  const std::uint32_t code = in.u32("init rule");
  const double std_dev = in.f64("init std");
  try {
    switch (code) {
      case kStdDev:
        return WeightInit(std_dev);
      case kXavier:
        return WeightInit::xavier();
      case kHe:
        return WeightInit::he();
      case kNoInit:
        return std::nullopt;
      default:
        break;
    }
  } catch (const std::invalid_argument& e) {
    in.fail(std::string("invalid init rule: ") + e.what());
  }
  in.fail("unknown init rule code " + std::to_string(code));
}

template <typename List>
void write_tensors(BinaryWriter& out, const List& list) {
  out.u32(static_cast<std::uint32_t>(list.size()));
  for (const auto& entry : list) {
    out.string(entry.name);
    out.matrix(*entry.value);
  }
}

// Reads the named matrices (parameters or buffers) into the places the
// network has for them, checking each name and shape first; `made_by` names
// what made those places in messages.
template <typename T, typename List>
void read_tensors(BinaryReader& in, const List& list, const std::string& kind,
                  const std::string& made_by) {
  const std::uint32_t count = in.u32(kind + " count");
  if (count != list.size()) {
    in.fail("holds " + std::to_string(count) + " " + kind + "s but " + made_by + " has " +
            std::to_string(list.size()));
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string& expected = list[i].name;
    const std::string name =
        in.string("name of " + kind + " " + std::to_string(i + 1), kMaxNameLength);
    if (name != expected) {
      in.fail(kind + " " + std::to_string(i + 1) + " is named '" + name + "' but " + made_by +
              " has '" + expected + "' there");
    }
    Matrix<T>& value = *list[i].value;
    const std::uint64_t rows = in.u64(kind + " " + name + " rows");
    const std::uint64_t cols = in.u64(kind + " " + name + " cols");
    if (rows != static_cast<std::uint64_t>(value.rows()) ||
        cols != static_cast<std::uint64_t>(value.cols())) {
      in.fail(kind + " " + name + " is " + std::to_string(rows) + "x" + std::to_string(cols) +
              " but " + made_by + " makes it " + shape_of(value));
    }
    in.values(value.data(), static_cast<std::size_t>(value.size()),
              "values of " + kind + " " + name);
  }
}

}  // namespace model_file

template <typename T>
struct ModelFile {
  static void save(const Sequential<T>& net, const std::string& path) {
    write_file_atomically(path, to_bytes(net, path));
  }

  static Sequential<T> load(const std::string& path) { return from_bytes(read(path), path); }

  static std::vector<unsigned char> to_bytes(const Sequential<T>& net, const std::string& path) {
    namespace mf = model_file;
    BinaryWriter out;
    const bool constrained = net.l1() > 0 || net.max_norm() > 0;
    FileEnvelope envelope = mf::kEnvelope;
    if (!constrained) envelope.version = mf::kUnconstrainedVersion;
    begin_envelope(out, envelope);
    out.u32(static_cast<std::uint32_t>(sizeof(T)));
    out.i64(net.input_shape().channels);
    out.i64(net.input_shape().height);
    out.i64(net.input_shape().width);
    out.string(to_string(net.loss_kind()));
    out.f64(net.weight_decay());
    if (constrained) {
      out.f64(net.l1());
      out.f64(net.max_norm());
    }
    out.u64(net.seed());
    mf::write_init(out, net.initialized_with());
    out.u32(static_cast<std::uint32_t>(net.layers().size()));
    for (const auto& layer : net.layers()) {
      out.string(layer->kind());
      const LayerConfig config = layer->config();
      out.u32(static_cast<std::uint32_t>(config.entries().size()));
      for (const auto& [name, value] : config.entries()) {
        out.string(name);
        out.f64(value);
      }
    }
    mf::write_tensors(out, net.params());
    mf::write_tensors(out, net.buffers());
    out.crc32_of_all();
    if (out.size() > mf::kMaxBytes) {
      throw std::runtime_error(path + ": cannot save: the model takes " +
                               std::to_string(out.size()) + " bytes, more than the " +
                               std::to_string(mf::kMaxBytes) + " a model file may hold");
    }
    return out.take();
  }

  // loader names the class in the message for a file of the other scalar
  // type ("load it with MultiLayerNet<float>::load").
  static Sequential<T> from_bytes(const std::vector<unsigned char>& bytes, const std::string& path,
                                  const std::string& loader = "Sequential") {
    namespace mf = model_file;
    std::uint32_t version = 0;
    BinaryReader in = open_envelope(bytes, path, mf::kEnvelope, mf::kMinBytes, &version);
    const std::uint32_t scalar = in.u32("scalar type");
    if (scalar != 4 && scalar != 8) {
      in.fail("invalid scalar type " + std::to_string(scalar) + " (4 = float, 8 = double)");
    }
    if (scalar != sizeof(T)) {
      in.fail("holds " + mf::scalar_name(scalar) + " parameters, loading as " + loader + "<" +
              mf::scalar_name(sizeof(T)) + ">; load it with " + loader + "<" +
              mf::scalar_name(scalar) + ">::load");
    }
    std::optional<Sequential<T>> net;
    std::string made_by = "its layer list";
    if (version == 1) {
      net.emplace(model_file_v1::read_architecture<T>(in));
      made_by = "the architecture in its options";
    } else {
      net.emplace(read_layers(in, version));
    }
    mf::read_tensors<T>(in, net->params(), "parameter", made_by);
    mf::read_tensors<T>(in, net->buffers(), "buffer", made_by);
    if (in.remaining() != 0) {
      in.fail(std::to_string(in.remaining()) + " trailing bytes after the last buffer");
    }
    return std::move(*net);
  }

  // The file as the MultiLayerNet whose recipe its layers are.
  static MultiLayerNet<T> recipe_from_bytes(const std::vector<unsigned char>& bytes,
                                            const std::string& path) {
    Sequential<T> any = from_bytes(bytes, path, "MultiLayerNet");
    const std::optional<MultiLayerNetOptions> options = recipe_of(any);
    if (!options) {
      fail_file(path, "its layers (" + to_string<T>(layer_specs(any)) +
                          ") are not a MultiLayerNet; load it with Sequential<" +
                          model_file::scalar_name(sizeof(T)) + ">::load");
    }
    MultiLayerNet<T> net(*options);
    for (std::size_t i = 0; i < net.params().size(); ++i)
      *net.params()[i].value = *any.params()[i].value;
    for (std::size_t i = 0; i < net.buffers().size(); ++i)
      *net.buffers()[i].value = *any.buffers()[i].value;
    return net;
  }

  static MultiLayerNet<T> recipe_load(const std::string& path) {
    return recipe_from_bytes(read(path), path);
  }

 private:
  static std::vector<unsigned char> read(const std::string& path) {
    return read_whole_file(path, model_file::kMaxBytes, "model file", &model_file::kEnvelope);
  }

  // Channels, height and width, each at least 1, at most kMaxWhole values
  // in all.
  static Shape read_input_shape(BinaryReader& in) {
    const std::int64_t channels = in.i64("input channels");
    const std::int64_t height = in.i64("input height");
    const std::int64_t width = in.i64("input width");
    const std::int64_t most = LayerConfig::kMaxWhole;
    if (channels < 1 || height < 1 || width < 1 || channels > most || height > most / channels ||
        width > most / (channels * height)) {
      in.fail("invalid input shape " + std::to_string(channels) + "x" + std::to_string(height) +
              "x" + std::to_string(width) + " (each at least 1, at most " + std::to_string(most) +
              " values in all)");
    }
    return {channels, height, width};
  }

  // The network a version-2 or 3 header and layer list describe, before its
  // tensors are read.
  static Sequential<T> read_layers(BinaryReader& in, std::uint32_t version) {
    namespace mf = model_file;
    const Shape input = read_input_shape(in);
    const std::string loss_name = in.string("loss", mf::kMaxNameLength);
    Loss loss = Loss::softmax_cross_entropy;
    try {
      loss = parse_loss(loss_name);
    } catch (const std::invalid_argument& e) {
      in.fail(e.what());
    }
    const double weight_decay = in.f64("weight decay");
    const bool constrained = version >= 3;
    const double l1 = constrained ? in.f64("l1 lambda") : 0;
    const double max_norm = constrained ? in.f64("max norm") : 0;
    const std::uint64_t seed = in.u64("seed");
    const std::optional<WeightInit> init = mf::read_init(in);
    Sequential<T> net(input, seed);
    net.set_loss(loss);
    try {
      net.set_weight_decay(weight_decay);
      net.set_l1(l1);
      net.set_max_norm(max_norm);
    } catch (const std::invalid_argument& e) {
      in.fail(std::string("invalid ") + e.what());
    }

    const std::uint32_t count = in.u32("layer count");
    if (count == 0) in.fail("holds no layers");
    in.need_items(count, 8, "layers", "layers");
    const LayerRegistry<T>& registry = LayerRegistry<T>::global();
    std::uint64_t values = 0;
    for (std::uint32_t i = 1; i <= count; ++i) {
      const std::string layer = "layer " + std::to_string(i);
      const std::string kind = in.string("kind of " + layer, mf::kMaxNameLength);
      const std::uint32_t arguments = in.u32("argument count of " + layer);
      in.need_items(arguments, 12, "arguments of " + layer, "arguments");
      LayerConfig config;
      for (std::uint32_t a = 0; a < arguments; ++a) {
        const std::string name = in.string("argument name of " + layer, mf::kMaxNameLength);
        if (config.has(name)) in.fail(layer + " (" + kind + "): argument '" + name + "' twice");
        config.set(name, in.f64("argument " + name + " of " + layer));
      }
      try {
        values += registry.values(kind, config, net.output_shape());
      } catch (const std::invalid_argument& e) {
        in.fail(layer + " (" + kind + "): " + e.what());
      }
      if (values > in.remaining() / sizeof(T)) {
        in.fail("truncated: layers 1 to " + std::to_string(i) + " hold " + std::to_string(values) +
                " parameter and buffer values of " + std::to_string(sizeof(T)) +
                " bytes, but only " + std::to_string(in.remaining()) + " bytes remain");
      }
      try {
        net.add(kind, config);
      } catch (const std::invalid_argument& e) {
        in.fail(e.what());
      }
    }
    // Draws as a new network would, so that the generator (dropout masks)
    // continues from the same state; the weights are then overwritten.
    if (init) net.initialize(*init);
    return net;
  }
};

}  // namespace detail
}  // namespace scratchnet
