// Data-parallel training, the Trainer's side of it: every process holds the
// whole network and takes its share of each mini-batch; the shares' gradients
// are summed, so every process applies the same update to the same weights.
//
// A process's loss and gradients are means over its n_r rows (plus the weight
// decay term), so the batch's are their sum weighted by n_r / B:
//     L = sum_r (n_r / B) L_r,    dL/dW = sum_r (n_r / B) dL_r/dW
// Batch norm normalises each share by its own statistics (as torch's
// DistributedDataParallel without SyncBatchNorm); its running mean and
// variance are averaged over the processes after every step, so that they
// stay the same on every process too.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "scratchnet/core/crc32.hpp"
#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/data/dataset.hpp"
#include "scratchnet/network/sequential.hpp"
#include "scratchnet/training/communicator.hpp"
#include "scratchnet/training/evaluation.hpp"

namespace scratchnet {

template <typename T>
class DataParallel {
 public:
  explicit DataParallel(Communicator& processes) : processes_(processes) {}

  int rank() const { return processes_.rank(); }
  int size() const { return processes_.size(); }

  // The rows of a mini-batch of `batch` rows that this process trains on.
  RowShare share(Index batch) const { return row_share(batch, rank(), size()); }

  // Each process draws its dropout masks from a stream of its own, seeded by
  // one draw of the network's generator and its rank. The network's generator
  // then moves by that one draw on every process, so it stays the same
  // everywhere and a checkpoint of rank 0's holds the whole run's state.
  void fork_generator(Rng& generator) {
    const std::uint64_t key = generator.next_u64();
    shared_generator_ = generator.snapshot();
    generator.reseed(key + static_cast<std::uint64_t>(rank()));
  }
  void join_generator(Rng& generator) const { generator.restore(shared_generator_); }

  struct StepResult {
    double loss = 0;    // of the whole mini-batch
    bool stop = false;  // some process was asked to stop
  };

  // The gradients of the mini-batch of `batch` rows of `order` from `first`
  // into the network on every process, from this process's share of them
  // (gathered into x and labels).
  StepResult gradient(Sequential<T>& net, const Dataset<T>& data, const std::vector<Index>& order,
                      Index first, Index batch, bool stop_requested, Matrix<T>& x, Labels& labels) {
    const RowShare mine = share(batch);
    gather_rows(data, order, first + mine.begin, mine.count, x, labels);
    fork_generator(net.rng());
    const T loss = net.gradient(x, labels);
    join_generator(net.rng());
    return combine(net, loss, mine.count, batch, stop_requested);
  }

  // Turns this process's loss and gradients, of `rows` of a mini-batch of
  // `batch` rows, into the whole batch's, on every process; averages the
  // buffers; and tells every process whether any was asked to stop. A large
  // gradient is weighted and summed where it lies; the small ones, the
  // buffers, the loss and the flag travel together in one packed sum, so a
  // step costs a few sums and no copy of its large gradients.
  StepResult combine(Sequential<T>& net, T loss, Index rows, Index batch, bool stop_requested) {
    const T weight = static_cast<T>(rows) / static_cast<T>(batch);
    const T buffer_weight = T(1) / static_cast<T>(size());
    packed_.resize(packed_size(net));
    T* at = packed_.data();
    for (const Param<T>& p : net.params()) {
      if (!summed_in_place(*p.grad)) {
        at = pack(*p.grad, weight, at);
      } else if (weight != T(1)) {
        *p.grad *= weight;
      }
    }
    for (const Buffer<T>& b : net.buffers()) at = pack(*b.value, buffer_weight, at);
    *at++ = weight * loss;
    *at = stop_requested ? T(1) : T(0);

    const auto start = std::chrono::steady_clock::now();
    for (const Param<T>& p : net.params()) {
      if (summed_in_place(*p.grad))
        processes_.sum(p.grad->data(), static_cast<std::size_t>(p.grad->size()));
    }
    processes_.sum(packed_.data(), packed_.size());
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const T* from = packed_.data();
    for (const Param<T>& p : net.params()) {
      if (!summed_in_place(*p.grad)) from = unpack(from, *p.grad);
    }
    for (const Buffer<T>& b : net.buffers()) from = unpack(from, *b.value);
    return {static_cast<double>(from[0]), from[1] > T(0)};
  }

  // Evaluation of every row of x, each process taking its share of the rows.
  template <typename DerivedX>
  EvaluationSums evaluate(Sequential<T>& net, const Eigen::MatrixBase<DerivedX>& x,
                          const Labels& labels, bool with_loss) {
    const RowShare mine = row_share(x.rows(), rank(), size());
    const EvaluationSums own = evaluation_sums(net, x, labels, mine.begin, mine.count, with_loss);
    double sums[3] = {own.loss, own.correct, own.rows};
    processes_.sum(sums, 3);
    return {sums[0], sums[1], sums[2]};
  }

  // Throws when the processes' parameters are not the same bits: the sum of
  // the communicator is then not the same on every process, and the
  // processes would go on training different networks.
  void require_same_parameters(const ParamList<T>& params, int epoch) {
    std::uint32_t crc = 0;
    for (const Param<T>& p : params) {
      crc = crc32(reinterpret_cast<const unsigned char*>(p.value->data()),
                  sizeof(T) * static_cast<std::size_t>(p.value->size()), crc);
    }
    const std::string mine(reinterpret_cast<const char*>(&crc), sizeof crc);
    const std::vector<std::string> all = processes_.all_gather(mine);
    for (std::size_t r = 1; r < all.size(); ++r) {
      if (all[r] != all[0]) {
        throw std::runtime_error("data-parallel training: after epoch " + std::to_string(epoch) +
                                 " the weights of process " + std::to_string(r) +
                                 " differ from those of process 0; the communicator's sum does "
                                 "not give every process the same bits");
      }
    }
  }

  // Seconds spent in the sums of combine() since the last call.
  double take_communication_seconds() {
    const double out = seconds_;
    seconds_ = 0;
    return out;
  }

 private:
  // A sum of its own costs a few microseconds of latency; copying 16384
  // values into the packed buffer and back out costs about as much.
  static bool summed_in_place(const Matrix<T>& gradient) { return gradient.size() >= 16384; }

  static std::size_t packed_size(Sequential<T>& net) {
    std::size_t n = 2;  // the loss and the stop flag
    for (const Param<T>& p : net.params())
      if (!summed_in_place(*p.grad)) n += static_cast<std::size_t>(p.grad->size());
    for (const Buffer<T>& b : net.buffers()) n += static_cast<std::size_t>(b.value->size());
    return n;
  }
  static T* pack(const Matrix<T>& m, T weight, T* to) {
    Eigen::Map<Matrix<T>>(to, m.rows(), m.cols()) = weight * m;
    return to + m.size();
  }
  static const T* unpack(const T* from, Matrix<T>& m) {
    m = Eigen::Map<const Matrix<T>>(from, m.rows(), m.cols());
    return from + m.size();
  }

  Communicator& processes_;
  Rng::Snapshot shared_generator_{};
  std::vector<T> packed_;
  double seconds_ = 0;
};

}  // namespace scratchnet
