// What defines a training run, besides how long it goes: the network (a
// MultiLayerNet's options, or any Sequential's layers), the update rule and its settings, the batch
// size, sampling and seeds, and the data. A checkpoint records them by name, and Trainer::resume
// refuses a checkpoint whose run differs in any one (CheckpointMismatch): a relu checkpoint resumed
// as tanh, under another batch size or on other data used to train on as another run.
//
// Each setting is text, so that it is stored, compared and printed alike; a
// number is written in the fewest digits that read back to the same double.
// The data are known by their size and the CRC-32 of their bytes (pixels as
// T, then labels).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scratchnet/core/crc32.hpp"
#include "scratchnet/core/errors.hpp"
#include "scratchnet/data/dataset.hpp"
#include "scratchnet/network/layer_spec.hpp"
#include "scratchnet/network/multi_layer_net.hpp"
#include "scratchnet/network/options.hpp"
#include "scratchnet/optimizers/optimizer.hpp"

namespace scratchnet {

struct RunSetting {
  std::string name;  // "network.activation", "optimizer.lr", "trainer.batch_size", ...
  std::string value;
};
using RunSettings = std::vector<RunSetting>;

// A checkpoint of another run: which setting differs, and how.
class CheckpointMismatch : public ModelFormatError {
 public:
  CheckpointMismatch(const std::string& path, RunSetting saved, std::string current)
      : ModelFormatError(path + ": was made with " + saved.name + " " + saved.value +
                         ", this training has " + current),
        saved_(std::move(saved)),
        current_(std::move(current)) {}
  const std::string& setting() const { return saved_.name; }
  const std::string& saved_value() const { return saved_.value; }
  const std::string& current_value() const { return current_; }

 private:
  RunSetting saved_;
  std::string current_;
};

// L1 and max-norm only where used: a checkpoint from before them has neither,
// and a run without them then resumes it; one with them refuses it by name.
inline void add_constraint_settings(RunSettings& out, double l1_lambda, double max_norm) {
  if (l1_lambda > 0) out.push_back({"network.l1_lambda", detail::exact_number(l1_lambda)});
  if (max_norm > 0) out.push_back({"network.max_norm", detail::exact_number(max_norm)});
}

inline void add_network_settings(RunSettings& out, const MultiLayerNetOptions& o) {
  std::string sizes = std::to_string(o.input_size);
  for (Index h : o.hidden_sizes) sizes += "-" + std::to_string(h);
  sizes += "-" + std::to_string(o.output_size);
  out.push_back({"network.sizes", sizes});
  out.push_back({"network.activation", to_string(o.activation)});
  out.push_back({"network.weight_init", o.weight_init.to_string()});
  out.push_back({"network.weight_decay_lambda", detail::exact_number(o.weight_decay_lambda)});
  out.push_back({"network.use_batchnorm", o.use_batchnorm ? "true" : "false"});
  out.push_back({"network.dropout_ratio", detail::exact_number(o.dropout_ratio)});
  out.push_back({"network.inverted_dropout", o.inverted_dropout ? "true" : "false"});
  out.push_back({"network.seed", std::to_string(o.seed)});
  add_constraint_settings(out, o.l1_lambda, o.max_norm);
}

// A network that is MultiLayerNet's recipe by the options' names above (the
// names every checkpoint before any-layer networks used); another by its
// layers first, network.layers ("affine(100),relu,affine(10)"), so that a
// checkpoint of the other kind is refused naming them, then
// network.weight_init ("none" when never initialised), weight decay and
// seed. The input width is in the data's fingerprint.
template <typename T>
void add_network_settings(RunSettings& out, const Sequential<T>& net) {
  if (const std::optional<MultiLayerNetOptions> recipe = recipe_of(net)) {
    add_network_settings(out, *recipe);
    return;
  }
  out.push_back({"network.layers", to_string<T>(layer_specs(net))});
  out.push_back({"network.weight_init",
                 net.initialized_with() ? net.initialized_with()->to_string() : "none"});
  out.push_back({"network.weight_decay_lambda", detail::exact_number(net.weight_decay())});
  out.push_back({"network.seed", std::to_string(net.seed())});
  add_constraint_settings(out, net.l1(), net.max_norm());
}

template <typename T>
void add_optimizer_settings(RunSettings& out, const Optimizer<T>& optimizer) {
  out.push_back({"optimizer", optimizer.name()});
  for (const auto& [name, value] : optimizer.hyperparameters()) {
    out.push_back({"optimizer." + name, detail::exact_number(value)});
  }
}

// "60000 samples of 784 features, CRC-32 0x1234abcd"
template <typename T>
std::string data_fingerprint(const Dataset<T>& data) {
  const auto* pixels = reinterpret_cast<const unsigned char*>(data.x.data());
  const auto* labels = reinterpret_cast<const unsigned char*>(data.labels.data());
  std::uint32_t sum = crc32(pixels, sizeof(T) * static_cast<std::size_t>(data.x.size()));
  sum = crc32(labels, sizeof(int) * static_cast<std::size_t>(data.labels.size()), sum);
  char crc[16];
  std::snprintf(crc, sizeof crc, "0x%08x", static_cast<unsigned>(sum));
  return std::to_string(data.size()) + " samples of " + std::to_string(data.features()) +
         " features, CRC-32 " + crc;
}

// Throws CheckpointMismatch at the first setting of saved that current lacks
// or holds with another value, and at the first one current has beyond them.
inline void require_same_run(const std::string& path, const RunSettings& saved,
                             const RunSettings& current) {
  for (const RunSetting& s : saved) {
    std::string now = "none";
    for (const RunSetting& c : current) {
      if (c.name == s.name) now = c.value;
    }
    if (now != s.value) throw CheckpointMismatch(path, s, now);
  }
  for (const RunSetting& c : current) {
    bool known = false;
    for (const RunSetting& s : saved) known = known || s.name == c.name;
    if (!known) throw CheckpointMismatch(path, {c.name, "none"}, c.value);
  }
}

}  // namespace scratchnet
