// libFuzzer target: the checkpoint loader, load_checkpoint<float> and
// load_checkpoint<double> (training/checkpoint.hpp), and Trainer::resume,
// which checks a checkpoint against the training it continues, on any bytes.
//
// Input: one flag byte, then the file.
//   bit 0  recompute the CRC-32 at the end over the (mutated) body, so that
//          the parser behind the checksum is reached; without it, nearly
//          every mutation stops at "checksum mismatch"
//   bit 1  write the magic "SCRNCKPT" and the version over the first 12 bytes
// (fuzz::enveloped, envelope.hpp).
//
// load_checkpoint must return a checkpoint or throw ModelFormatError
// "<path>: <fault>", and a checkpoint that loads must save and load again
// unchanged. Trainer<float>::resume (the training of checkpoint_setup.hpp)
// must resume or throw ModelFormatError naming the file; after a resume, the
// rest of the training must run, or stop with TrainingDiverged on a loss that
// is not finite. Anything else (another exception, a sanitizer report) is a
// finding.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "checkpoint_setup.hpp"
#include "envelope.hpp"
#include "fuzz_file.hpp"
#include "scratchnet/optimizers/adam.hpp"
#include "scratchnet/training/checkpoint.hpp"
#include "scratchnet/training/trainer.hpp"

namespace {

// A checkpoint that loaded: save -> load -> save is a fixed point.
template <typename T>
void check_round_trip(const scratchnet::Checkpoint<T>& c) {
  fuzz::expect_fixed_point(
      "checkpoint", [&](const std::string& file) { scratchnet::save_checkpoint(file, c); },
      [](const std::string& file) {
        scratchnet::save_checkpoint(file, scratchnet::load_checkpoint<T>(file));
      });
}

template <typename T>
void load_as(const std::string& path) {
  fuzz::reads_or_names_file<scratchnet::ModelFormatError>(
      path, "load_checkpoint", [&] { check_round_trip(scratchnet::load_checkpoint<T>(path)); });
}

void resume(const std::string& path) {
  static const scratchnet::Dataset<float> train = fuzz::checkpoint_data(24);
  static const scratchnet::Dataset<float> test = fuzz::checkpoint_data(6);
  scratchnet::MultiLayerNet<float> net(fuzz::checkpoint_net());
  scratchnet::Adam<float> adam;
  scratchnet::Trainer<float> trainer(net, adam, train, test, fuzz::checkpoint_training());
  if (!fuzz::reads_or_names_file<scratchnet::ModelFormatError>(path, "resume",
                                                               [&] { trainer.resume(path); })) {
    return;
  }
  try {
    trainer.train();
  } catch (const scratchnet::TrainingDiverged&) {
  } catch (const std::exception& e) {
    fuzz::finding(std::string("training after resume: unexpected exception: ") + e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::FuzzFile file;
  if (size == 0) return 0;
  const std::vector<std::uint8_t> bytes =
      fuzz::enveloped(data, size, scratchnet::detail::checkpoint_file::kEnvelope);
  const std::string& path = file.write(bytes.data(), bytes.size());
  load_as<float>(path);
  load_as<double>(path);
  resume(path);
  return 0;
}
