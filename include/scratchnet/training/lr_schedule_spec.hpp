// The text form of a learning-rate schedule (mnist_train --lr-schedule):
//
//   KIND[:VALUE...][:NAME=VALUE...]
//
// the schedule's kind, then its settings separated by colons, by position in
// the order below while they come in that order, then by name, each at most
// once. Settings in brackets may be left out and take the default shown.
//
//   constant                                        the base rate every epoch
//   step:EVERY:GAMMA                                rate * GAMMA^floor((e - 1) / EVERY)
//   exponential:GAMMA                               rate * GAMMA^(e - 1)
//   cosine:EPOCHS[:warmup=0][:min=0]                linear warm-up, then half a cosine
//   plateau[:patience=3][:factor=0.5][:threshold=1e-4][:min=0]
//                                                   rate * FACTOR when the loss stalls
//
// For example "step:10:0.5", "step:every=10:gamma=0.5", "exponential:0.95",
// "cosine:50:warmup=5:min=1e-5", "plateau:patience=2". What each setting
// means is in training/lr_schedule.hpp. A fault throws std::invalid_argument
// naming the option, the schedule, the setting and what is wrong:
// "lr_schedule: step: gamma: must be in (0, 1], got 2", "lr_schedule: cosine:
// missing setting 'epochs' (cosine:EPOCHS...)", "lr_schedule: unknown
// schedule 'linear' (known: constant, step, ...)".
#pragma once

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/layers/layer_config.hpp"
#include "scratchnet/training/lr_schedule.hpp"

namespace scratchnet {
namespace detail {

struct ScheduleKind {
  std::string name;
  std::vector<std::string> settings;  // in positional order
  std::size_t required;               // the first `required` settings must be given
  std::string usage;
  std::function<std::unique_ptr<LearningRateSchedule>(const LayerConfig&)> make;
};

inline const std::vector<ScheduleKind>& schedule_kinds() {
  static const std::vector<ScheduleKind> kinds{
      {"constant",
       {},
       0,
       "constant",
       [](const LayerConfig&) { return std::make_unique<ConstantRate>(); }},
      {"step",
       {"every", "gamma"},
       2,
       "step:EVERY:GAMMA",
       [](const LayerConfig& c) {
         return std::make_unique<StepDecay>(c.whole("every"), c.number("gamma"));
       }},
      {"exponential",
       {"gamma"},
       1,
       "exponential:GAMMA",
       [](const LayerConfig& c) { return std::make_unique<ExponentialDecay>(c.number("gamma")); }},
      {"cosine",
       {"epochs", "warmup", "min"},
       1,
       "cosine:EPOCHS[:warmup=W][:min=M]",
       [](const LayerConfig& c) {
         return std::make_unique<CosineDecay>(c.whole("epochs"), c.whole_or("warmup", 0, 0),
                                              c.number_or("min", 0));
       }},
      {"plateau",
       {"patience", "factor", "threshold", "min"},
       0,
       "plateau[:patience=P][:factor=F][:threshold=D][:min=M]",
       [](const LayerConfig& c) {
         return std::make_unique<ReduceOnPlateau>(
             c.whole_or("patience", 3), c.number_or("factor", 0.5), c.number_or("threshold", 1e-4),
             c.number_or("min", 0));
       }}};
  return kinds;
}

inline std::vector<std::string> split_on_colons(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (std::size_t colon = text.find(':'); colon != std::string::npos;
       colon = text.find(':', begin)) {
    parts.push_back(text.substr(begin, colon - begin));
    begin = colon + 1;
  }
  parts.push_back(text.substr(begin));
  return parts;
}

// The whole of text as a number, or an exception naming the setting.
inline double setting_number(const std::string& kind, const std::string& setting,
                             const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  require(!text.empty() && *end == '\0' && errno != ERANGE, kind,
          setting + ": expected a number, got '" + text + "'");
  return value;
}

// parse_lr_schedule without the option's name in its messages.
inline std::unique_ptr<LearningRateSchedule> parse_schedule_text(const std::string& text) {
  const std::vector<std::string> parts = detail::split_on_colons(text);
  const detail::ScheduleKind* kind = nullptr;
  std::string known;
  for (const detail::ScheduleKind& k : detail::schedule_kinds()) {
    if (k.name == parts[0]) kind = &k;
    known += (known.empty() ? "" : ", ") + k.name;
  }
  if (kind == nullptr) {
    throw std::invalid_argument("unknown schedule '" + parts[0] + "' (known: " + known + ")");
  }
  const std::string& name = kind->name;
  LayerConfig config;
  bool by_position = true;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const std::size_t equals = part.find('=');
    std::string setting;
    if (equals == std::string::npos) {
      require(by_position, name,
              "setting " + std::to_string(i) + " ('" + part +
                  "') has no name, but a named one came before it (" + kind->usage + ")");
      require(i <= kind->settings.size(), name,
              "takes at most " + std::to_string(kind->settings.size()) + " settings, got '" + part +
                  "' beyond them (" + kind->usage + ")");
      setting = kind->settings[i - 1];
    } else {
      by_position = false;
      setting = part.substr(0, equals);
      bool known_setting = false;
      for (const std::string& s : kind->settings) known_setting = known_setting || s == setting;
      require(known_setting, name, "unknown setting '" + setting + "' (" + kind->usage + ")");
    }
    require(!config.has(setting), name, "setting '" + setting + "' given twice");
    const std::string value = equals == std::string::npos ? part : part.substr(equals + 1);
    config.set(setting, detail::setting_number(name, setting, value));
  }
  for (std::size_t i = 0; i < kind->required; ++i) {
    require(config.has(kind->settings[i]), name,
            "missing setting '" + kind->settings[i] + "' (" + kind->usage + ")");
  }
  try {
    return kind->make(config);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(name + ": " + e.what());
  }
}

}  // namespace detail

// The schedule a text names; throws std::invalid_argument("lr_schedule: ...")
// at the first fault.
inline std::unique_ptr<LearningRateSchedule> parse_lr_schedule(const std::string& text) {
  try {
    return detail::parse_schedule_text(text);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("lr_schedule: ") + e.what());
  }
}

// The text that parses back to the same schedule, every setting by name:
// "cosine:epochs=50:warmup=5:min=1e-05" (what a checkpoint records).
inline std::string to_string(const LearningRateSchedule& schedule) {
  std::string text = schedule.kind();
  for (const auto& [name, value] : schedule.settings()) {
    text += ":" + name + "=" + detail::exact_number(value);
  }
  return text;
}

}  // namespace scratchnet
