// Drawing figures with the gnuplot scripts of examples/plots, so that no byte
// of a file name or a label is ever read as gnuplot code or as a command.
//
// - gnuplot is started without a shell (posix_spawnp): its arguments reach it
//   as they are.
// - Every value becomes a gnuplot string through -e, in single quotes, with a
//   quote written twice. Inside single quotes gnuplot substitutes nothing: no
//   `command` (which it runs even inside double quotes), no @macro, no
//   backslash escape, and a newline stays in the string. So every byte but
//   NUL, which no argument can hold, is part of the value: a name is never
//   refused, and the file gnuplot writes has the very name asked for.
// - gnuplot reads a data file named "<cmd" from a command and writes an output
//   named "|cmd" to one: a relative file name gets "./" before it.
// - The figure is saved as a model is (core/atomic_file.hpp): gnuplot draws
//   into a new temporary file that then replaces the target, so a FIFO or a
//   device at the target is refused and a symlink is followed.
#pragma once

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <memory>
#include <scratchnet/core/atomic_file.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

extern char** environ;

namespace examples {

// name, value: string variables of a plot script, other than csv and out.
using PlotLabels = std::vector<std::pair<std::string, std::string>>;

// text as a gnuplot string that holds exactly its bytes.
inline std::string gnuplot_quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// path as gnuplot must be given it to open that file and nothing else.
inline std::string gnuplot_file_name(const std::string& path) {
  return !path.empty() && path.front() == '/' ? path : "./" + path;
}

// Runs `gnuplot -e settings script`: -1 when gnuplot is not installed, else
// its exit status (128 and more when it was killed or could not be waited for).
// What gnuplot writes on stderr goes to `said`, not to the terminal: its
// messages take several lines, and a program's error is one.
inline int run_gnuplot(const std::string& settings, const std::string& script, std::string& said) {
  std::vector<std::string> args{"gnuplot", "-e", settings, script};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> errors(std::tmpfile(), std::fclose);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (errors) posix_spawn_file_actions_adddup2(&actions, fileno(errors.get()), STDERR_FILENO);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned == ENOENT) return -1;
  if (spawned != 0) return 127;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 128;
  }
  if (errors) {
    std::rewind(errors.get());
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, errors.get())) > 0;) {
      said.append(buffer, n);
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The last line of gnuplot's messages that says something: where a script
// fails, gnuplot prints the line of code, a caret under it, and then why.
inline std::string last_message_line(const std::string& said) {
  std::string last;
  std::size_t begin = 0;
  while (begin < said.size()) {
    std::size_t end = said.find('\n', begin);
    if (end == std::string::npos) end = said.size();
    const std::string line = said.substr(begin, end - begin);
    if (line.find_first_not_of(" \t^") != std::string::npos) last = line;
    begin = end + 1;
  }
  return last;
}

// Draws figure (a PNG) from data (a CSV) with examples/plots/<script>, which
// reads them as the string variables csv and out, and each label as a string
// variable of its name. Returns false (after saying why) when gnuplot is not
// installed; throws "<figure>: ..." when the figure cannot be saved or
// gnuplot fails.
inline bool plot(const std::string& script, const std::string& data, const std::string& figure,
                 const PlotLabels& labels = {}) {
  scratchnet::AtomicFile file(figure);
  std::string settings = "csv=" + gnuplot_quoted(gnuplot_file_name(data)) +
                         "; out=" + gnuplot_quoted(gnuplot_file_name(file.temp_path()));
  for (const auto& [name, value] : labels) settings += "; " + name + "=" + gnuplot_quoted(value);
  std::string said;
  const int status = run_gnuplot(settings, std::string(SCRATCHNET_PLOTS_DIR) + "/" + script, said);
  if (status == -1) {
    std::cerr << "note: gnuplot is not installed, so no figure was drawn (scripts/setup-deps.sh "
                 "installs it)\n";
    return false;
  }
  if (status != 0) {
    const std::string why = last_message_line(said);
    throw std::runtime_error(figure + ": gnuplot failed on " + script + " (exit status " +
                             std::to_string(status) + (why.empty() ? "" : ": " + why) + ")");
  }
  file.commit();
  return true;
}

}  // namespace examples
