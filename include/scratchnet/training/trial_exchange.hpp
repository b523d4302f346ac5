// What the processes of a distributed search (HyperparameterSearchOptions::
// processes) tell each other: each process trains its share of a round's
// trials and then every process gets every result; the values of proposed
// trials are rank 0's, so that processes on different CPUs, whose floating
// point may round differently, still train the same trials.
#pragma once

#include <string>
#include <vector>

#include "scratchnet/core/binary_reader.hpp"
#include "scratchnet/core/binary_writer.hpp"
#include "scratchnet/training/communicator.hpp"
#include "scratchnet/training/history_bytes.hpp"
#include "scratchnet/training/search_trials.hpp"

namespace scratchnet {

namespace detail::trial_bytes {

inline void write_values(BinaryWriter& out, const Trial& trial) {
  out.u32(static_cast<std::uint32_t>(trial.values.size()));
  for (const auto& [name, value] : trial.values) {
    out.string(name);
    out.f64(value);
  }
}

inline void read_values(BinaryReader& in, Trial& trial) {
  const std::uint32_t count = in.u32("value count");
  trial.values.clear();
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string name = in.string("value name");
    trial.values.emplace_back(std::move(name), in.f64("value"));
  }
}

inline std::string as_string(const BinaryWriter& out) {
  return std::string(out.bytes().begin(), out.bytes().end());
}

inline BinaryReader reader_of(const std::string& bytes, const std::string& what) {
  return BinaryReader(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), what);
}

}  // namespace detail::trial_bytes

// Every process's results, in rank order, on every process.
inline std::vector<TrialResult> exchange_results(Communicator& processes,
                                                 const std::vector<TrialResult>& mine) {
  namespace tb = detail::trial_bytes;
  BinaryWriter out;
  out.u32(static_cast<std::uint32_t>(mine.size()));
  for (const TrialResult& r : mine) {
    out.i64(r.trial.index);
    out.u64(r.trial.network_seed);
    out.u64(r.trial.batch_seed);
    tb::write_values(out, r.trial);
    for (double v : {r.validation_accuracy, r.train_accuracy, r.seconds}) out.f64(v);
    out.u8(r.diverged ? 1 : 0);
    out.string(r.error);
    write_history(out, r.history);
  }
  std::vector<TrialResult> all;
  const std::vector<std::string> gathered = processes.all_gather(tb::as_string(out));
  for (std::size_t rank = 0; rank < gathered.size(); ++rank) {
    BinaryReader in = tb::reader_of(gathered[rank], "results of process " + std::to_string(rank));
    const std::uint32_t count = in.u32("result count");
    for (std::uint32_t i = 0; i < count; ++i) {
      TrialResult r;
      r.trial.index = static_cast<int>(in.i64("trial index"));
      r.trial.network_seed = in.u64("network seed");
      r.trial.batch_seed = in.u64("batch seed");
      tb::read_values(in, r.trial);
      for (double* v : {&r.validation_accuracy, &r.train_accuracy, &r.seconds}) {
        *v = in.f64("result");
      }
      r.diverged = in.boolean("diverged");
      r.error = in.string("error", 1 << 16);
      r.history = read_history(in, HistoryLayout::current);
      all.push_back(std::move(r));
    }
  }
  return all;
}

// The values of rank 0's trials, given to every process's trials.
inline void share_rank_zero_values(Communicator& processes, std::vector<Trial>& trials) {
  namespace tb = detail::trial_bytes;
  BinaryWriter out;
  if (processes.rank() == 0) {
    for (const Trial& trial : trials) tb::write_values(out, trial);
  }
  const std::string zero = processes.all_gather(tb::as_string(out)).front();
  BinaryReader in = tb::reader_of(zero, "trials of process 0");
  for (Trial& trial : trials) tb::read_values(in, trial);
}

}  // namespace scratchnet
