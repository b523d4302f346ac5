// The temporary files of the saves in progress, so that a program ended by a
// signal can remove them first: remove_temporary_files() is safe to call from
// a signal handler, where almost nothing else is (no locks, no allocation,
// only atomics and unlink).
//
// A save records its temporary file while it exists (AtomicFile does it). The
// record is a fixed table, initialised before main, with room for
// kMaxTemporaryFiles paths of up to PATH_MAX bytes; a save beyond that, or
// with a longer path, is not recorded and simply not removed by a signal.
#pragma once

#include <limits.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <string>

namespace scratchnet {

namespace detail {

constexpr std::size_t kMaxTemporaryFiles = 16;
static_assert(std::atomic<int>::is_always_lock_free, "a signal handler reads the slots");

// state: 0 free, 1 taken by a save that is writing path, 2 path is complete.
struct TemporaryFileSlot {
  std::atomic<int> state{0};
  char path[PATH_MAX];
};

inline std::array<TemporaryFileSlot, kMaxTemporaryFiles> temporary_file_slots{};

}  // namespace detail

// Removes every recorded temporary file. Async-signal-safe: meant for a
// handler that ends the program. A save on another thread that finishes at
// that moment may have its file removed, which no caller that ends the
// program can tell.
inline void remove_temporary_files() noexcept {
  for (detail::TemporaryFileSlot& slot : detail::temporary_file_slots) {
    if (slot.state.load(std::memory_order_acquire) == 2) ::unlink(slot.path);
  }
}

// Records one temporary file from hold() until release() or the end of the
// object.
class TemporaryFileRecord {
 public:
  TemporaryFileRecord() = default;
  ~TemporaryFileRecord() { release(); }
  TemporaryFileRecord(const TemporaryFileRecord&) = delete;
  TemporaryFileRecord& operator=(const TemporaryFileRecord&) = delete;

  void hold(const std::string& path) noexcept {
    release();
    if (path.size() >= PATH_MAX) return;
    for (detail::TemporaryFileSlot& s : detail::temporary_file_slots) {
      int free = 0;
      if (!s.state.compare_exchange_strong(free, 1, std::memory_order_acquire)) continue;
      std::memcpy(s.path, path.c_str(), path.size() + 1);
      s.state.store(2, std::memory_order_release);
      slot_ = &s;
      return;
    }
  }

  void release() noexcept {
    if (slot_ == nullptr) return;
    slot_->state.store(0, std::memory_order_release);
    slot_ = nullptr;
  }

 private:
  detail::TemporaryFileSlot* slot_ = nullptr;
};

}  // namespace scratchnet
