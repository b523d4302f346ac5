// A checkpoint: everything a Trainer needs to go on exactly where it stopped,
// and to tell whether it is the same run. The settings that define the run
// (training/run_settings.hpp), the model (a whole model file image), the
// optimizer's state, both random generators (dropout masks and batch order),
// how far training got, down to the batch within an epoch, and the History
// so far. Written atomically.
//
// Layout (little-endian): "SCRNCKPT", u32 version 3, u32 scalar size, u32
// count + (name, value) strings of the run settings, u64 + model bytes, i64
// optimizer step, u32 count + (key, matrix) each, the two
// generator states, i64 epochs done, i64 iterations done in the current
// epoch, u64 count + i64 each of its batch order, f64 loss sum, f64 seconds,
// the history (u64 count + f64 losses, u64 count + 10 fields per epoch), the
// state of the trainer's policies (early stopping, schedules: u32 count +
// (name, f64) each, u32 count + (name, u64 + bytes) each), CRC-32.
// Version 2 (before validation, schedules and early stopping) had 7 fields
// per epoch and no policy state; it is still read.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "scratchnet/core/atomic_file.hpp"
#include "scratchnet/core/file_envelope.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/optimizers/optimizer.hpp"
#include "scratchnet/training/history.hpp"
#include "scratchnet/training/history_bytes.hpp"
#include "scratchnet/training/run_settings.hpp"

namespace scratchnet {

// Where training is: whole epochs done, batches done in the epoch under way
// and that epoch's batch order, loss sum and seconds so far.
struct TrainerProgress {
  int epochs_done = 0;
  Index iterations_done = 0;
  std::vector<Index> order;
  double loss_sum = 0;
  double seconds = 0;
};

// What the trainer's policies (early stopping, learning-rate schedules) must
// remember to go on: numbers and byte strings by name, each policy's names
// starting with its own ("early_stopping.best_loss").
struct PolicyState {
  std::map<std::string, double> numbers;
  std::map<std::string, std::vector<unsigned char>> bytes;
};

template <typename T>
struct Checkpoint {
  RunSettings run;
  std::vector<unsigned char> model;
  OptimizerState<T> optimizer;
  Rng::Snapshot net_rng{};
  Rng::Snapshot batch_rng{};
  TrainerProgress progress;
  History history;
  PolicyState policies;
};

namespace detail::checkpoint_file {

inline const FileEnvelope kEnvelope{{'S', 'C', 'R', 'N', 'C', 'K', 'P', 'T'}, 3, "checkpoint", 2};
inline constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 32;

inline void write_rng(BinaryWriter& out, const Rng::Snapshot& s) {
  for (std::uint64_t word : s.words) out.u64(word);
  out.u8(s.spare_normal_valid ? 1 : 0);
  out.f64(s.spare_normal);
}

inline Rng::Snapshot read_rng(BinaryReader& in) {
  Rng::Snapshot s{};
  for (std::uint64_t& word : s.words) word = in.u64("random generator state");
  s.spare_normal_valid = in.boolean("random generator state");
  s.spare_normal = in.f64("random generator state");
  return s;
}

}  // namespace detail::checkpoint_file

template <typename T>
void save_checkpoint(const std::string& path, const Checkpoint<T>& c) {
  namespace cf = detail::checkpoint_file;
  BinaryWriter out;
  begin_envelope(out, cf::kEnvelope);
  out.u32(static_cast<std::uint32_t>(sizeof(T)));
  out.u32(static_cast<std::uint32_t>(c.run.size()));
  for (const RunSetting& setting : c.run) {
    out.string(setting.name);
    out.string(setting.value);
  }
  out.u64(c.model.size());
  out.raw(c.model.data(), c.model.size());
  out.i64(c.optimizer.step);
  out.u32(static_cast<std::uint32_t>(c.optimizer.tensors.size()));
  for (const auto& [key, tensor] : c.optimizer.tensors) {
    out.string(key);
    out.matrix(tensor);
  }
  cf::write_rng(out, c.net_rng);
  cf::write_rng(out, c.batch_rng);
  out.i64(c.progress.epochs_done);
  out.i64(c.progress.iterations_done);
  out.u64(c.progress.order.size());
  for (Index i : c.progress.order) out.i64(i);
  out.f64(c.progress.loss_sum);
  out.f64(c.progress.seconds);
  write_history(out, c.history);
  out.u32(static_cast<std::uint32_t>(c.policies.numbers.size()));
  for (const auto& [name, value] : c.policies.numbers) {
    out.string(name);
    out.f64(value);
  }
  out.u32(static_cast<std::uint32_t>(c.policies.bytes.size()));
  for (const auto& [name, bytes] : c.policies.bytes) {
    out.string(name);
    out.u64(bytes.size());
    out.raw(bytes.data(), bytes.size());
  }
  out.crc32_of_all();
  write_file_atomically(path, out.bytes());
}

namespace detail::checkpoint_file {

inline void read_policies(BinaryReader& in, PolicyState& state) {
  const std::uint32_t numbers = in.u32("policy number count");
  for (std::uint32_t i = 0; i < numbers; ++i) {
    const std::string name = in.string("policy number name");
    if (state.numbers.count(name) != 0) in.fail("policy number '" + name + "' appears twice");
    state.numbers[name] = in.f64("policy number " + name);
  }
  const std::uint32_t strings = in.u32("policy bytes count");
  for (std::uint32_t i = 0; i < strings; ++i) {
    const std::string name = in.string("policy bytes name");
    if (state.bytes.count(name) != 0) in.fail("policy bytes '" + name + "' appear twice");
    const std::uint64_t size = in.u64("policy bytes size");
    in.need(size, "policy bytes " + name);
    const unsigned char* data = in.raw(static_cast<std::size_t>(size), "policy bytes " + name);
    state.bytes[name].assign(data, data + size);
  }
}

}  // namespace detail::checkpoint_file

// Throws ModelFormatError naming the file and the fault.
template <typename T>
Checkpoint<T> load_checkpoint(const std::string& path) {
  namespace cf = detail::checkpoint_file;
  const Bytes bytes = read_whole_file(path, cf::kMaxBytes, "checkpoint", &cf::kEnvelope);
  std::uint32_t version = 0;
  BinaryReader in = open_envelope(bytes, path, cf::kEnvelope, 8 + 4 + 4 + 4, &version);
  const std::uint32_t scalar = in.u32("scalar type");
  if (scalar != sizeof(T)) {
    in.fail("holds parameters of " + std::to_string(scalar) + " bytes, training uses " +
            std::to_string(sizeof(T)));
  }
  Checkpoint<T> c;
  const std::uint32_t settings = in.u32("run setting count");
  std::set<std::string> names;
  for (std::uint32_t i = 0; i < settings; ++i) {
    RunSetting setting;
    setting.name = in.string("run setting name");
    setting.value = in.string("run setting " + setting.name);
    if (!names.insert(setting.name).second) {
      in.fail("run setting '" + setting.name + "' appears twice");
    }
    c.run.push_back(std::move(setting));
  }
  const std::uint64_t model_size = in.u64("model size");
  in.need(model_size, "model");
  const unsigned char* model = in.raw(static_cast<std::size_t>(model_size), "model");
  c.model.assign(model, model + model_size);
  c.optimizer.step = in.i64("optimizer step");
  const std::uint32_t tensors = in.u32("optimizer tensor count");
  for (std::uint32_t i = 0; i < tensors; ++i) {
    const std::string key = in.string("optimizer tensor name");
    if (c.optimizer.tensors.count(key) != 0)
      in.fail("optimizer tensor '" + key + "' appears twice");
    in.matrix(c.optimizer.tensors[key], "optimizer tensor " + key);
  }
  c.net_rng = cf::read_rng(in);
  c.batch_rng = cf::read_rng(in);
  c.progress.epochs_done = read_epoch_number(in, "epochs done");
  c.progress.iterations_done = in.i64("iterations done");
  const std::uint64_t order = in.u64("batch order length");
  in.need_items(order, 8, "batch order");
  c.progress.order.resize(static_cast<std::size_t>(order));
  for (Index& i : c.progress.order) i = in.i64("batch order");
  c.progress.loss_sum = in.f64("loss sum");
  c.progress.seconds = in.f64("seconds");
  const bool policies = version >= 3;
  c.history =
      read_history(in, policies ? HistoryLayout::current : HistoryLayout::before_validation);
  if (policies) cf::read_policies(in, c.policies);
  if (in.remaining() != 0) in.fail(std::to_string(in.remaining()) + " trailing bytes");
  return c;
}

}  // namespace scratchnet
