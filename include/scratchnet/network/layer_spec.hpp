// Layer strings: a network written as a comma-separated list of layers, each
// a registered kind with its arguments in parentheses, by position or by name:
//
//   affine(256),batchnorm,relu,dropout(0.2),affine(128),tanh,affine(10)
//   affine(outputs=256), dropout(ratio=0.5, inverted=1)
//
// parse_layer_specs reads one (mnist_train --layers); layer_specs writes a
// network's layers back as such a list.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "scratchnet/layers/layer_config.hpp"
#include "scratchnet/network/layer_registry.hpp"
#include "scratchnet/network/sequential.hpp"

namespace scratchnet {

// One layer of a list: its kind and arguments, and for a parsed one where it
// stood, so that a value its kind refuses later is still reported there.
struct LayerSpec {
  LayerSpec() = default;
  LayerSpec(std::string kind_name, LayerConfig arguments = {})
      : kind(std::move(kind_name)), config(std::move(arguments)) {}

  std::string kind;
  LayerConfig config;
  std::string text;           // as written; empty when not parsed
  std::size_t character = 0;  // 1-based position of text in the list

  bool operator==(const LayerSpec& other) const {
    return kind == other.kind && config == other.config;
  }
  bool operator!=(const LayerSpec& other) const { return !(*this == other); }
};

namespace detail {

template <typename T>
class LayerListParser {
 public:
  LayerListParser(const std::string& text, const LayerRegistry<T>& registry)
      : text_(text), registry_(registry) {}

  std::vector<LayerSpec> parse() {
    std::vector<LayerSpec> specs;
    skip_spaces();
    if (at_ == text_.size()) fail_at(at_, "the layer list is empty");
    for (;;) {
      specs.push_back(layer(specs.size() + 1));
      skip_spaces();
      if (at_ == text_.size()) return specs;
      expect(',', "a ',' between layers");
    }
  }

 private:
  LayerSpec layer(std::size_t number) {
    skip_spaces();
    LayerSpec spec;
    spec.character = at_ + 1;
    number_ = number;
    start_ = at_;
    spec.kind = name("a layer kind");
    std::size_t end = at_;
    const LayerKind<T>* kind = nullptr;
    try {
      kind = &registry_.find(spec.kind);
    } catch (const std::invalid_argument& e) {
      fail_at(start_, e.what());
    }
    skip_spaces();
    if (peek() == '(') {
      ++at_;
      std::size_t positional = 0;
      do {
        skip_spaces();
        const std::size_t argument_at = at_;
        std::string argument;
        if (std::isalpha(static_cast<unsigned char>(peek())) != 0) {
          argument = name("an argument name");
          skip_spaces();
          expect('=', "'=' after the argument name");
          if (std::find(kind->arguments.begin(), kind->arguments.end(), argument) ==
              kind->arguments.end()) {
            fail_at(argument_at, "argument '" + argument + "': unknown (" + spec.kind + " takes " +
                                     takes(*kind) + ")");
          }
        } else {
          if (positional >= kind->arguments.size()) {
            fail_at(argument_at, spec.kind + " takes " + takes(*kind) + ", given more");
          }
          argument = kind->arguments[positional++];
        }
        if (spec.config.has(argument)) {
          fail_at(argument_at, "argument '" + argument + "': given twice");
        }
        spec.config.set(argument, value(argument));
        skip_spaces();
      } while (accept(','));
      expect(')', "',' or ')' after an argument");
      end = at_;
    }
    spec.text = text_.substr(start_, end - start_);
    return spec;
  }

  std::string name(const std::string& what) {
    const std::size_t begin = at_;
    while (std::isalnum(static_cast<unsigned char>(peek())) != 0 || peek() == '_') ++at_;
    if (at_ == begin) fail_at(at_, "expected " + what + found());
    return text_.substr(begin, at_ - begin);
  }

  double value(const std::string& argument) {
    skip_spaces();
    const char* begin = text_.c_str() + at_;
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end == begin) fail_at(at_, "argument '" + argument + "': expected a number" + found());
    if (!std::isfinite(v)) fail_at(at_, "argument '" + argument + "': not a finite number");
    at_ += static_cast<std::size_t>(end - begin);
    return v;
  }

  static std::string takes(const LayerKind<T>& kind) {
    std::string list;
    for (const std::string& a : kind.arguments) list += (list.empty() ? "" : ", ") + a;
    return list.empty() ? "no arguments" : list;
  }

  char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  void expect(char c, const std::string& what) {
    skip_spaces();
    if (!accept(c)) fail_at(at_, "expected " + what + found());
  }
  void skip_spaces() {
    while (std::isspace(static_cast<unsigned char>(peek())) != 0) ++at_;
  }
  std::string found() const {
    return at_ < text_.size() ? ", found '" + std::string(1, text_[at_]) + "'" : ", found the end";
  }

  // The layer shown is its text up to the ',' that ends it.
  [[noreturn]] void fail_at(std::size_t where, const std::string& why) const {
    std::size_t end = start_;
    for (int depth = 0; end < text_.size() && (text_[end] != ',' || depth > 0); ++end) {
      depth += text_[end] == '(' ? 1 : text_[end] == ')' ? -1 : 0;
    }
    const std::string shown = number_ == 0 ? "" : " '" + text_.substr(start_, end - start_) + "'";
    throw std::invalid_argument("layer " + std::to_string(std::max<std::size_t>(number_, 1)) +
                                shown + " at character " + std::to_string(where + 1) + ": " + why);
  }

  const std::string& text_;
  const LayerRegistry<T>& registry_;
  std::size_t at_ = 0;
  std::size_t start_ = 0;
  std::size_t number_ = 0;
};

}  // namespace detail

// The layers of a list; throws std::invalid_argument("layer 2 'relu(3)' at
// character 12: relu takes no arguments, given more") at the first fault: an
// empty list, an unknown kind or argument, a missing or malformed number.
// Values a kind refuses (affine(0)) are found by add_layers.
template <typename T = float>
std::vector<LayerSpec> parse_layer_specs(
    const std::string& text, const LayerRegistry<T>& registry = LayerRegistry<T>::global()) {
  return detail::LayerListParser<T>(text, registry).parse();
}

// Appends the layers to net; a value a kind refuses throws
// std::invalid_argument naming the layer as the list wrote it ("layer 3
// 'affine(0)' at character 18: argument 'outputs': ...").
template <typename T>
void add_layers(Sequential<T>& net, const std::vector<LayerSpec>& specs) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const LayerSpec& spec = specs[i];
    const std::string where = spec.text.empty()
                                  ? ""
                                  : "layer " + std::to_string(i + 1) + " '" + spec.text +
                                        "' at character " + std::to_string(spec.character);
    net.add(spec.kind, spec.config, where);
  }
}

template <typename T>
std::vector<LayerSpec> layer_specs(const Sequential<T>& net) {
  std::vector<LayerSpec> specs;
  for (const auto& layer : net.layers()) specs.push_back({layer->kind(), layer->config()});
  return specs;
}

// "affine(100),relu,dropout(0.5,1)": arguments by position while they come
// in the kind's order, then by name.
template <typename T = float>
std::string to_string(const std::vector<LayerSpec>& specs,
                      const LayerRegistry<T>& registry = LayerRegistry<T>::global()) {
  std::string text;
  for (const LayerSpec& spec : specs) {
    if (!text.empty()) text += ",";
    text += spec.kind;
    const std::vector<std::string>& order = registry.find(spec.kind).arguments;
    std::string arguments;
    bool by_position = true;
    for (std::size_t i = 0; i < spec.config.entries().size(); ++i) {
      const auto& [name, value] = spec.config.entries()[i];
      by_position = by_position && i < order.size() && order[i] == name;
      arguments +=
          (i == 0 ? "" : ",") + (by_position ? "" : name + "=") + detail::exact_number(value);
    }
    if (!arguments.empty()) text += "(" + arguments + ")";
  }
  return text;
}

}  // namespace scratchnet
