// The configuration of a layer as named numbers ("outputs" = 100, "ratio" =
// 0.2): what a layer string (network/layer_spec.hpp) and a model file
// (network/model_file.hpp) hold for it, and what makes it again through its
// kind (layers/layer_kind.hpp). Kept in the order the layer states it, so the
// same layer always writes the same bytes.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

class LayerConfig {
 public:
  using Entry = std::pair<std::string, double>;

  // The largest whole-number argument (a width): past it, a crafted file
  // could ask for matrices of any size.
  static constexpr Index kMaxWhole = (Index{1} << 31) - 1;

  LayerConfig() = default;
  LayerConfig(std::initializer_list<Entry> entries) {
    for (const Entry& e : entries) set(e.first, e.second);
  }

  // Sets the argument, replacing an earlier value of the same name.
  LayerConfig& set(const std::string& name, double value) {
    for (Entry& e : entries_) {
      if (e.first == name) {
        e.second = value;
        return *this;
      }
    }
    entries_.emplace_back(name, value);
    return *this;
  }

  bool has(const std::string& name) const { return lookup(name) != nullptr; }

  // The argument's value; throws std::invalid_argument("argument 'name':
  // missing") when it has none.
  double number(const std::string& name) const {
    const double* value = lookup(name);
    if (value == nullptr) fail("argument '" + name + "'", "missing");
    return *value;
  }
  double number_or(const std::string& name, double fallback) const {
    const double* value = lookup(name);
    return value != nullptr ? *value : fallback;
  }

  // A count: a whole number in [1, kMaxWhole].
  Index whole(const std::string& name) const {
    number(name);  // "missing" when not given
    return whole_or(name, 0);
  }

  // A count that may be left out: a whole number in [least, kMaxWhole], or
  // fallback when the argument is not given.
  Index whole_or(const std::string& name, Index fallback, Index least = 1) const {
    if (!has(name)) return fallback;
    const double value = number(name);
    if (!(value >= static_cast<double>(least) && value <= static_cast<double>(kMaxWhole)) ||
        std::floor(value) != value) {
      fail("argument '" + name + "'", "must be a whole number in [" + std::to_string(least) + ", " +
                                          std::to_string(kMaxWhole) + "], got " +
                                          detail::option_value(value));
    }
    return static_cast<Index>(value);
  }

  // A yes/no argument: 0 or 1.
  bool flag_or(const std::string& name, bool fallback) const {
    const double value = number_or(name, fallback ? 1 : 0);
    if (value != 0 && value != 1) {
      fail("argument '" + name + "'", "must be 0 or 1, got " + detail::option_value(value));
    }
    return value == 1;
  }

  const std::vector<Entry>& entries() const { return entries_; }
  bool operator==(const LayerConfig& other) const { return entries_ == other.entries_; }
  bool operator!=(const LayerConfig& other) const { return !(*this == other); }

 private:
  const double* lookup(const std::string& name) const {
    for (const Entry& e : entries_) {
      if (e.first == name) return &e.second;
    }
    return nullptr;
  }

  std::vector<Entry> entries_;
};

}  // namespace scratchnet
