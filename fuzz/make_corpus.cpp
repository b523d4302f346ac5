// Writes the seed corpus of the fuzz targets: small valid IDX, model and
// checkpoint files, each behind the flag byte its target reads first (see
// fuzz_idx.cpp, fuzz_model.cpp and fuzz_checkpoint.cpp). The files are committed; to make them
// again, from the repository's root:
//   g++ -std=c++17 -O1 -Iinclude -Ifuzz -I/usr/include/eigen3 -DSCRATCHNET_HAS_ZLIB
//       fuzz/make_corpus.cpp -lz -o /tmp/make_corpus
//   /tmp/make_corpus fuzz/corpus
#include <zlib.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "checkpoint_setup.hpp"
#include "scratchnet/network/model_file.hpp"
#include "scratchnet/optimizers/optimizers.hpp"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

void put_u32(Bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

Bytes images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols) {
  Bytes b;
  put_u32(b, 0x803);
  put_u32(b, count);
  put_u32(b, rows);
  put_u32(b, cols);
  for (std::uint32_t i = 0; i < count * rows * cols; ++i) {
    b.push_back(static_cast<std::uint8_t>((i * 37 + 11) % 256));
  }
  return b;
}

Bytes labels(std::uint32_t count) {
  Bytes b;
  put_u32(b, 0x801);
  put_u32(b, count);
  for (std::uint32_t i = 0; i < count; ++i) b.push_back(static_cast<std::uint8_t>(i % 10));
  return b;
}

Bytes gzip(const Bytes& in) {
  z_stream s{};
  deflateInit2(&s, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  Bytes out(deflateBound(&s, static_cast<uLong>(in.size())) + 32);
  s.next_in = const_cast<Bytef*>(in.data());
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

void write(const fs::path& path, std::uint8_t flags, const Bytes& body) {
  std::ofstream out(path, std::ios::binary);
  out.put(static_cast<char>(flags));
  out.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
  std::printf("%s: %zu bytes\n", path.string().c_str(), body.size() + 1);
}

Bytes take_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  Bytes bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  fs::remove(path);
  return bytes;
}

template <typename T>
Bytes model(const scratchnet::MultiLayerNetOptions& options, const fs::path& scratch) {
  scratchnet::MultiLayerNet<T> net(options);
  net.save(scratch.string());
  return take_file(scratch);
}

// The checkpoint of the training in checkpoint_setup.hpp, with optimizer,
// after `epochs` epochs and then `iterations` more batches.
template <typename T>
Bytes checkpoint(scratchnet::Optimizer<T>& optimizer, int epochs, scratchnet::Index iterations,
                 const fs::path& scratch) {
  const scratchnet::Dataset<T> train = fuzz::checkpoint_data<T>(24);
  const scratchnet::Dataset<T> test = fuzz::checkpoint_data<T>(6);
  scratchnet::MultiLayerNet<T> net(fuzz::checkpoint_net());
  std::atomic<bool> stop{false};
  scratchnet::TrainerOptions options = fuzz::checkpoint_training();
  options.epochs = epochs + (iterations > 0 ? 1 : 0);
  options.checkpoint_path = scratch.string();
  options.stop_request = &stop;
  scratchnet::Trainer<T> trainer(net, optimizer, train, test, options);
  trainer.on_iteration([&](scratchnet::Index done, scratchnet::Index, double) {
    if (trainer.progress().epochs_done == epochs && done == iterations) stop = true;
  });
  trainer.train();
  return take_file(scratch);
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path root = argc > 1 ? argv[1] : "fuzz/corpus";
  const fs::path idx = root / "idx", models = root / "model";
  fs::create_directories(idx);
  fs::create_directories(models);

  // fuzz_idx flags: 1 gzip here, 2 labels, 4/8 max_count, 16 num_classes 10.
  write(idx / "images_raw", 0x00, images(3, 4, 4));
  write(idx / "images_wrapped_prefix", 0x01 | 0x04, images(4, 3, 2));
  write(idx / "images_gz", 0x00, gzip(images(5, 4, 3)));
  write(idx / "images_gz_prefix", 0x08, gzip(images(6, 2, 2)));
  const Bytes full = images(2, 2, 2);
  Bytes two_members = gzip(Bytes(full.begin(), full.begin() + 10));
  const Bytes rest = gzip(Bytes(full.begin() + 10, full.end()));
  two_members.insert(two_members.end(), rest.begin(), rest.end());
  write(idx / "images_two_gz_members", 0x00, two_members);
  write(idx / "labels_raw", 0x02 | 0x10, labels(12));
  write(idx / "labels_wrapped", 0x03, labels(7));
  write(idx / "labels_gz_prefix", 0x02 | 0x04, gzip(labels(9)));

  // fuzz_model flags: 1 fix the CRC, 2 fix magic and version (4: version 1).
  // These are version 2; the v1_ files of the corpus were written by the
  // version-1 writer and are kept as they are.
  const fs::path scratch = fs::temp_directory_path() / "scratchnet_make_corpus.bin";
  scratchnet::MultiLayerNetOptions bn;
  bn.input_size = 4;
  bn.hidden_sizes = {3, 2};
  bn.output_size = 2;
  bn.use_batchnorm = true;
  bn.dropout_ratio = 0.25;
  bn.weight_decay_lambda = 0.01;
  bn.weight_init = scratchnet::WeightInit(0.05);
  bn.seed = 1;
  write(models / "float_batchnorm", 0x00, model<float>(bn, scratch));
  write(models / "double_batchnorm_fixcrc", 0x01, model<double>(bn, scratch));

  scratchnet::MultiLayerNetOptions plain;
  plain.input_size = 3;
  plain.output_size = 2;
  plain.seed = 2;
  write(models / "double_no_hidden_fixcrc", 0x01, model<double>(plain, scratch));

  scratchnet::MultiLayerNetOptions sigmoid;
  sigmoid.input_size = 5;
  sigmoid.hidden_sizes = {3};
  sigmoid.output_size = 3;
  sigmoid.activation = scratchnet::Activation::sigmoid;
  sigmoid.weight_init = scratchnet::WeightInit::xavier();
  sigmoid.inverted_dropout = true;
  sigmoid.dropout_ratio = 0.5;
  sigmoid.seed = 3;
  write(models / "float_sigmoid_fixall", 0x03, model<float>(sigmoid, scratch));

  // No MultiLayerNet makes this one.
  scratchnet::Sequential<double> mixed(3, 4);
  scratchnet::add_layers(mixed, scratchnet::parse_layer_specs<double>(
                                    "affine(4),batchnorm(0.5),tanh,dropout(0.5,1),affine(3),"
                                    "sigmoid,affine(2)"));
  mixed.initialize(scratchnet::WeightInit::xavier());
  mixed.save(scratch.string());
  write(models / "double_mixed_stack_fixcrc", 0x01, take_file(scratch));

  // Images: convolution, batch norm per channel, both poolings, flatten.
  scratchnet::Sequential<float> conv(scratchnet::Shape{1, 6, 6}, 5);
  scratchnet::add_layers(
      conv, scratchnet::parse_layer_specs("conv(2,3,pad=1),batchnorm,relu,maxpool(2),avgpool(3),"
                                          "flatten,affine(2)"));
  conv.initialize(scratchnet::WeightInit::he());
  conv.save(scratch.string());
  write(models / "float_conv_fixcrc", 0x01, take_file(scratch));

  // fuzz_checkpoint flags: 1 fix the CRC, 2 fix magic and version. The float
  // ones resume the fuzz target's training: after an epoch, in the middle of
  // one, and (refused) with another optimizer.
  const fs::path checkpoints = root / "checkpoint";
  fs::create_directories(checkpoints);
  scratchnet::Adam<float> adam;
  write(checkpoints / "float_adam_epoch1_fixcrc", 0x01, checkpoint<float>(adam, 1, 0, scratch));
  scratchnet::Adam<float> adam2;
  write(checkpoints / "float_adam_mid_epoch_fixcrc", 0x01, checkpoint<float>(adam2, 1, 1, scratch));
  scratchnet::Momentum<float> momentum(0.01);
  write(checkpoints / "float_momentum_fixall", 0x03, checkpoint<float>(momentum, 2, 0, scratch));
  scratchnet::SGD<double> sgd(0.1);
  write(checkpoints / "double_sgd_mid_epoch", 0x00, checkpoint<double>(sgd, 0, 2, scratch));
  return 0;
}
