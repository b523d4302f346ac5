// Trains a network on MNIST-format data (real MNIST, Fashion-MNIST or any
// folder of the four IDX files) and reports its test accuracy: the book's
// MultiLayerNet recipe, or any stack of layers.
//   mnist_train --hidden 100,100,100,100 --optimizer adam --epochs 10
//   mnist_train --layers "affine(256),batchnorm,relu,dropout(0.2),affine(10)"
//   mnist_train --net simple-conv        (the book's SimpleConvNet; deep-conv: DeepConvNet)
//   mnist_train --validation 0.1 --early-stopping 3   (judged on 10% held out of training)
//   mnist_train --lr-schedule cosine:10:warmup=1 --l1 1e-5 --max-norm 3
//   mpirun -np 4 mnist_train --net deep-conv   (data parallel: each process takes a
//                                               quarter of every batch; rank 0 writes)
#include <unistd.h>

#include <Eigen/Core>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <scratchnet/core/atomic_file.hpp>
#include <scratchnet/scratchnet.hpp>
#include <scratchnet/training/lr_schedule_spec.hpp>
#include <scratchnet/training/trainer.hpp>

#include "common/example_support.hpp"
#include "common/gnuplot.hpp"
#include "common/processes.hpp"
#include "common/report.hpp"

namespace {

struct Settings {
  std::string data_dir = examples::default_data_dir();
  std::vector<scratchnet::Index> hidden = {100, 100, 100, 100};
  std::string layers;  // when given, the network instead of the recipe
  std::string net;     // a network of the book by name: its layers and init
  bool init_given = false;
  std::string activation = "relu";
  std::string init = "he";
  std::string optimizer = "adam";
  std::optional<double> lr;  // none: the optimizer's default
  scratchnet::Index batch = 100;
  int epochs = 10;
  double weight_decay = 0;
  double l1 = 0;
  double max_norm = 0;
  std::string lr_schedule;  // training/lr_schedule_spec.hpp; empty = the rate throughout
  bool batchnorm = false;
  double dropout = 0;
  std::uint64_t seed = 0;
  int threads = 1;
  scratchnet::Index limit_train = 0, limit_test = 0;
  std::string save, history, plot, checkpoint;
  bool resume = false;
  double validation = 0;  // share of the training set held out; 0 = none
  int early_stopping = 0;
};

// Ctrl-C, SIGTERM (what a batch system sends before SIGKILL) and SIGHUP (a
// closed terminal) ask the trainer to stop after the current batch and write
// the checkpoint; the program then exits with 128 + the signal's number. A
// second signal ends it at once, with the temporary file of a save in
// progress removed.
std::atomic<int> stop_signal{0};
std::atomic<bool> stop_requested{false};
extern "C" void request_stop(int signal) {
  int none = 0;
  if (!stop_signal.compare_exchange_strong(none, signal)) {
    scratchnet::remove_temporary_files();
    std::_Exit(128 + signal);
  }
  stop_requested = true;
}

// The book's networks for --net: their layers and the init rule they use.
struct BookNetwork {
  std::string layers;
  std::string init;
};
const std::map<std::string, BookNetwork>& book_networks() {
  static const std::map<std::string, BookNetwork> networks = {
      // ch07/simple_convnet.py: conv 30 5x5, ReLU, pool 2x2, affine 100, ReLU, affine 10; std 0.01.
      {"simple-conv", {"conv(30,5),relu,maxpool(2),affine(100),relu,affine(10)", "0.01"}},
      // ch08/deep_convnet.py: six 3x3 convolutions (16, 16, 32, 32 with pad 2, 64, 64), a pool
      // after each pair, affine 50, dropout 0.5, affine 10, dropout 0.5; He init.
      {"deep-conv",
       {"conv(16,3,pad=1),relu,conv(16,3,pad=1),relu,maxpool(2),"
        "conv(32,3,pad=1),relu,conv(32,3,pad=2),relu,maxpool(2),"
        "conv(64,3,pad=1),relu,conv(64,3,pad=1),relu,maxpool(2),"
        "affine(50),relu,dropout(0.5),affine(10),dropout(0.5)",
        "he"}},
  };
  return networks;
}

void add_flags(CLI::App& app, Settings& s) {
  app.add_option("--data", s.data_dir,
                 "folder with the four MNIST IDX files (.gz or raw); default $MNIST_DIR, else "
                 "Fashion-MNIST")
      ->capture_default_str();
  CLI::Option* hidden =
      examples::add_list_option(app, "--hidden", s.hidden, "hidden layer sizes, comma separated");
  CLI::Option* activation =
      app.add_option("--activation", s.activation, "relu, sigmoid or tanh")->capture_default_str();
  app.add_option("--init", s.init,
                 "weight init: he, xavier or a standard deviation such as 0.01 (default: he, or "
                 "the book's for --net)")
      ->capture_default_str()
      ->each([&s](const std::string&) { s.init_given = true; });
  app.add_option("--optimizer", s.optimizer, "sgd, momentum, nesterov, adagrad, rmsprop or adam")
      ->capture_default_str();
  app.add_option("--lr", s.lr,
                 "learning rate (default: the optimizer's own, e.g. 0.001 for adam, 0.01 for sgd)");
  app.add_option("--batch", s.batch, "mini-batch size")->capture_default_str();
  app.add_option("--epochs", s.epochs, "passes over the training set")->capture_default_str();
  app.add_option("--weight-decay", s.weight_decay, "L2 weight decay lambda (0 = off)")
      ->capture_default_str();
  app.add_option("--l1", s.l1, "L1 lambda: loss + lambda * sum |W| (0 = off)")
      ->check(examples::finite_not_negative())
      ->capture_default_str();
  app.add_option("--max-norm", s.max_norm,
                 "after every update, scale each unit's incoming weights back to norm at most C "
                 "(0 = off)")
      ->check(examples::finite_not_negative())
      ->capture_default_str();
  app.add_option("--lr-schedule", s.lr_schedule,
                 "the rate of each epoch from --lr: step:EVERY:GAMMA, exponential:GAMMA, "
                 "cosine:EPOCHS[:warmup=W][:min=M], "
                 "plateau[:patience=3][:factor=0.5][:threshold=1e-4][:min=0] (on the validation "
                 "loss with --validation, else the training loss), or constant");
  CLI::Option* batchnorm =
      app.add_flag("--batchnorm", s.batchnorm, "batch normalization in every hidden layer");
  CLI::Option* dropout =
      app.add_option("--dropout", s.dropout, "dropout ratio in every hidden layer (0 = off)")
          ->capture_default_str();
  app.add_option("--layers", s.layers,
                 "any network instead of the recipe of --hidden, --activation, --batchnorm and "
                 "--dropout: a comma-separated list of affine(N), relu, sigmoid, tanh, "
                 "batchnorm, dropout(R), conv(F,S[,stride=1][,pad=0]), maxpool(P[,stride=P]), "
                 "avgpool(P[,stride=P]), flatten, ending in 10 outputs")
      ->excludes(hidden)
      ->excludes(activation)
      ->excludes(batchnorm)
      ->excludes(dropout);
  std::vector<std::string> nets;
  for (const auto& [name, book] : book_networks()) nets.push_back(name);
  app.add_option("--net", s.net,
                 "a network of the book: simple-conv (SimpleConvNet, ch. 7) or deep-conv "
                 "(DeepConvNet, ch. 8), with the book's init")
      ->check(CLI::IsMember(nets))
      ->excludes("--layers")
      ->excludes(hidden)
      ->excludes(activation)
      ->excludes(batchnorm)
      ->excludes(dropout);
  app.add_option("--seed", s.seed, "seed of the initial weights, dropout and batch order")
      ->check(examples::not_negative())
      ->capture_default_str();
  app.add_option("--threads", s.threads,
                 "threads for the matrix products (Eigen with OpenMP), at most the hardware "
                 "threads")
      ->check(examples::thread_count())
      ->capture_default_str();
  app.add_option("--limit-train", s.limit_train, "use only the first N training images (0 = all)");
  app.add_option("--limit-test", s.limit_test, "use only the first N test images (0 = all)");
  app.add_option("--save", s.save, "write the trained model to FILE");
  app.add_option("--history", s.history,
                 "write per-epoch loss, accuracies and seconds to FILE.csv");
  app.add_option("--plot", s.plot, "draw loss and accuracy curves to FILE.png (needs gnuplot)");
  app.add_option(
      "--checkpoint", s.checkpoint,
      "write FILE after every epoch and on Ctrl-C: model, optimizer, random state, progress");
  app.add_flag("--resume", s.resume, "start from the --checkpoint FILE and train on up to --epochs")
      ->needs("--checkpoint");
  CLI::Option* validation =
      app.add_option("--validation", s.validation,
                     "hold out this share of the training set (after the shuffle of --seed) and "
                     "judge every epoch on it; the test set is then used once, at the end")
          ->check(examples::open_share());
  app.add_option("--early-stopping", s.early_stopping,
                 "stop when the validation loss has not improved for K epochs and keep the best "
                 "epoch's weights (0 = off)")
      ->check(examples::not_negative())
      ->needs(validation);
}

// The CSV that --plot draws from: --history's, or FILE.png.csv beside it.
std::string plot_data(const Settings& s) {
  return s.history.empty() ? s.plot + ".csv" : s.history;
}

// Checks every output before any training that an output could lose: its
// folder must take a new file and what sits at its path must be a regular
// file or nothing (an AtomicFile is made and dropped), and no two outputs may
// be one file, by name, through ".." or through links. A checkpoint that
// exists is taken only by --resume: a fresh run used to overwrite it.
void check_outputs(const Settings& s) {
  std::vector<std::pair<std::string, std::string>> outputs{
      {"--save", s.save}, {"--history", s.history}, {"--plot", s.plot}};
  if (!s.plot.empty() && s.history.empty()) outputs.emplace_back("--plot's data", plot_data(s));
  outputs.emplace_back("--checkpoint", s.checkpoint);
  std::map<std::string, std::string> flag_of;  // file -> the flag that writes it
  for (const auto& [flag, path] : outputs) {
    if (path.empty()) continue;
    const scratchnet::AtomicFile probe(path);
    std::error_code ec;
    std::string file = std::filesystem::weakly_canonical(probe.target(), ec).string();
    if (ec) file = probe.target();
    const auto [first, added] = flag_of.emplace(file, flag);
    if (!added) {
      throw std::invalid_argument(first->second + " and " + flag + " name the same file, " + file);
    }
  }
  std::error_code exists_error;
  if (!s.checkpoint.empty() && !s.resume && std::filesystem::exists(s.checkpoint, exists_error)) {
    throw std::invalid_argument("--checkpoint: " + s.checkpoint +
                                " exists; add --resume to go on from it, or remove it to start "
                                "again");
  }
}

// The flag that sets each setting of a run (training/run_settings.hpp).
std::string flag_of_setting(const std::string& setting) {
  static const std::map<std::string, std::string> flags = {
      {"network.sizes", "--hidden"},
      {"network.layers", "--layers or --net"},
      {"network.activation", "--activation"},
      {"network.weight_init", "--init"},
      {"network.weight_decay_lambda", "--weight-decay"},
      {"network.l1_lambda", "--l1"},
      {"network.max_norm", "--max-norm"},
      {"trainer.lr_schedule", "--lr-schedule"},
      {"network.use_batchnorm", "--batchnorm"},
      {"network.dropout_ratio", "--dropout"},
      {"network.seed", "--seed"},
      {"optimizer", "--optimizer"},
      {"optimizer.lr", "--lr"},
      {"trainer.batch_size", "--batch"},
      {"trainer.seed", "--seed"},
      {"trainer.early_stopping", "--early-stopping"},
      {"validation data", "--validation"},
      {"train data", "--data or --limit-train"},
      {"test data", "--data or --limit-test"},
  };
  const auto it = flags.find(setting);
  return it == flags.end() ? setting : it->second;
}

// A resumed run is the run that wrote the checkpoint: every flag that shapes
// it must be as it was. Only --epochs, --threads and the outputs may change.
void resume_same_run(scratchnet::Trainer<float>& trainer, const std::string& checkpoint) {
  try {
    trainer.resume(checkpoint);
  } catch (const scratchnet::CheckpointMismatch& e) {
    throw std::invalid_argument(
        "--resume: " + flag_of_setting(e.setting()) + " was " + e.saved_value() + " in " +
        checkpoint + " and is " + e.current_value() +
        " now; resume with the flags of the run that wrote it (only --epochs, --threads and the "
        "outputs may change)");
  }
}

// A one-line progress bar on a terminal: batches done, the loss, samples per
// second and the time left in the epoch. Nothing when output is redirected,
// where the per-epoch lines are the record; nor under mpirun, which gives its
// processes a terminal of its own whatever its output goes to.
class ProgressBar {
 public:
  ProgressBar(int epochs, scratchnet::Index batch, bool under_mpi)
      : epochs_(epochs), batch_(batch), enabled_(!under_mpi && isatty(STDOUT_FILENO) != 0) {}
  void epoch_started(int epoch) {
    epoch_ = epoch;
    first_ = -1;
  }
  void update(scratchnet::Index done, scratchnet::Index total, double loss) {
    if (!enabled_) return;
    // Rates are taken from the first batch this run saw (a resumed epoch
    // starts in the middle).
    const auto now = std::chrono::steady_clock::now();
    if (first_ < 0) {
      first_ = done;
      since_ = now;
    }
    if (done % std::max<scratchnet::Index>(total / 100, 1) != 0 && done != total) return;
    const double seconds = std::chrono::duration<double>(now - since_).count();
    const double per_batch = done > first_ ? seconds / static_cast<double>(done - first_) : 0;
    const auto left = static_cast<long>(per_batch * static_cast<double>(total - done) + 0.5);
    const int width = 24;
    const auto filled = static_cast<int>(width * done / total);
    std::printf("\repoch %d/%d [%s%s] %ld/%ld  loss %.4f  %.0f samples/s  %ld:%02ld left ", epoch_,
                epochs_, std::string(static_cast<std::size_t>(filled), '=').c_str(),
                std::string(static_cast<std::size_t>(width - filled), ' ').c_str(),
                static_cast<long>(done), static_cast<long>(total), loss,
                per_batch > 0 ? static_cast<double>(batch_) / per_batch : 0.0, left / 60,
                left % 60);
    std::fflush(stdout);
  }
  void clear() {
    if (enabled_) std::printf("\r%100s\r", "");
  }

 private:
  int epochs_;
  scratchnet::Index batch_;
  int epoch_ = 1;
  bool enabled_;
  scratchnet::Index first_ = -1;
  std::chrono::steady_clock::time_point since_;
};

// The network of --layers: refused as one line naming the layer and the
// character ("--layers: layer 3 'lstm(3)' at character 18: unknown layer kind
// 'lstm' ..."), or when its last layer does not give one score per class.
scratchnet::Sequential<float> layered_network(const Settings& s,
                                              const std::vector<scratchnet::LayerSpec>& layers,
                                              const scratchnet::Shape& image,
                                              scratchnet::Index classes) {
  scratchnet::Sequential<float> net(image, s.seed);
  try {
    scratchnet::add_layers(net, layers);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("--layers: " + std::string(e.what()));
  }
  if (net.output_size() != classes) {
    throw std::invalid_argument(
        "--layers: the last layer gives " + std::to_string(net.output_size()) +
        " values per row, but the data has " + std::to_string(classes) +
        " classes; end the list with affine(" + std::to_string(classes) + ")");
  }
  net.initialize(scratchnet::WeightInit::parse(s.init));
  net.set_weight_decay(s.weight_decay);
  net.set_l1(s.l1);
  net.set_max_norm(s.max_norm);
  return net;
}

// The schedule of --lr-schedule, or one line naming the flag and the fault
// ("--lr-schedule: step: missing setting 'gamma' (step:EVERY:GAMMA)"): the
// library's message with the flag in place of the option's name.
std::unique_ptr<scratchnet::LearningRateSchedule> parsed_schedule(const Settings& s) {
  try {
    return scratchnet::parse_lr_schedule(s.lr_schedule);
  } catch (const std::invalid_argument& e) {
    const std::string option = "lr_schedule: ";  // the library's name of the option
    std::string why = e.what();
    if (why.compare(0, option.size(), option) == 0) why.erase(0, option.size());
    throw std::invalid_argument("--lr-schedule: " + why);
  }
}

// A fixed schedule that reaches a rate of 0 within --epochs (cosine with
// min=0 past its epochs) is refused before training rather than at that epoch.
void refuse_rates_of_zero(const scratchnet::LearningRateSchedule& schedule, double base,
                          int epochs) {
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const double rate = schedule.rate(epoch, base);
    if (!(rate > 0)) {
      throw std::invalid_argument(
          "--lr-schedule: " + scratchnet::to_string(schedule) + " gives epoch " +
          std::to_string(epoch) + " of --epochs " + std::to_string(epochs) + " the rate " +
          scratchnet::detail::option_value(rate) + ", and a rate must be > 0");
    }
  }
}

scratchnet::Sequential<float> recipe_network(const Settings& s, scratchnet::Index inputs,
                                             scratchnet::Index classes) {
  scratchnet::MultiLayerNetOptions options;
  options.input_size = inputs;
  options.hidden_sizes = s.hidden;
  options.output_size = classes;
  options.activation = scratchnet::parse_activation(s.activation);
  options.weight_init = scratchnet::WeightInit::parse(s.init);
  options.weight_decay_lambda = s.weight_decay;
  options.l1_lambda = s.l1;
  options.max_norm = s.max_norm;
  options.use_batchnorm = s.batchnorm;
  options.dropout_ratio = s.dropout;
  options.seed = s.seed;
  return scratchnet::MultiLayerNet<float>(options);
}

int train(const Settings& given, examples::Processes& processes) {
  Settings s = given;
  if (!s.net.empty()) {
    const BookNetwork& book = book_networks().at(s.net);
    s.layers = book.layers;
    if (!s.init_given) s.init = book.init;
  }
  check_outputs(s);
  std::unique_ptr<scratchnet::LearningRateSchedule> schedule;
  if (!s.lr_schedule.empty()) schedule = parsed_schedule(s);
  // A bad list is refused before the data is read.
  std::vector<scratchnet::LayerSpec> layers;
  if (!s.layers.empty()) {
    try {
      layers = scratchnet::parse_layer_specs(s.layers);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("--layers: " + std::string(e.what()));
    }
  }
  Eigen::setNbThreads(s.threads);
  scratchnet::MnistOptions load_options;
  load_options.max_train = s.limit_train;
  load_options.max_test = s.limit_test;
  const auto data = scratchnet::load_mnist<float>(s.data_dir, load_options);
  examples::print_data_summary(s.data_dir, data);
  std::optional<scratchnet::ValidationSplit<float>> split;
  if (s.validation > 0) {
    try {
      split = scratchnet::split_validation(data.train, s.validation, s.seed);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("--validation: " + std::string(e.what()));
    }
    std::cout << "  validation " << split->validation.size() << " of the training images, "
              << split->train.size() << " left to train on\n";
  }
  const scratchnet::Dataset<float>& train_set = split ? split->train : data.train;

  constexpr scratchnet::Index kClasses = 10;
  scratchnet::Sequential<float> net = s.layers.empty()
                                          ? recipe_network(s, data.train.features(), kClasses)
                                          : layered_network(s, layers, data.image_shape, kClasses);

  scratchnet::OptimizerOptions optimizer_options;
  optimizer_options.lr = s.lr;
  auto optimizer = scratchnet::make_optimizer<float>(s.optimizer, optimizer_options);

  scratchnet::TrainerOptions trainer_options;
  trainer_options.epochs = s.epochs;
  trainer_options.batch_size = s.batch;
  trainer_options.seed = s.seed;
  trainer_options.checkpoint_path = s.checkpoint;
  trainer_options.stop_request = &stop_requested;
  trainer_options.processes = processes.processes();
  trainer_options.early_stopping = s.early_stopping;
  if (schedule) {
    refuse_rates_of_zero(*schedule, optimizer->learning_rate(), s.epochs);
    trainer_options.lr_schedule = schedule.get();
  }
  // With a validation set the test set waits for the end (print_test_report).
  const scratchnet::Dataset<float> no_test_per_epoch;
  scratchnet::Trainer<float> trainer(net, *optimizer, train_set,
                                     split ? no_test_per_epoch : data.test, trainer_options);
  if (split) trainer.validate_on(split->validation);
  if (s.resume) {
    resume_same_run(trainer, s.checkpoint);
    std::cout << "resumed from " << s.checkpoint << " after epoch "
              << trainer.progress().epochs_done << ", batch " << trainer.progress().iterations_done
              << "\n";
  }

  std::cout << "network: " << net.input_shape().to_string() << " -> "
            << scratchnet::to_string(scratchnet::layer_specs(net)) << ", init " << s.init << ", "
            << optimizer->name() << " lr " << optimizer->learning_rate() << ", batch " << s.batch
            << ", " << s.threads << " thread(s)";
  if (processes.size() > 1) std::cout << " in each of " << processes.size() << " processes";
  std::cout << std::endl;  // flushed: it tells a pipe that training begins

  ProgressBar bar(s.epochs, s.batch, processes.processes() != nullptr);
  bar.epoch_started(trainer.progress().epochs_done + 1);
  trainer.on_iteration([&](auto done, auto total, double loss) { bar.update(done, total, loss); });
  trainer.on_epoch_end([&](const scratchnet::EpochRecord& e, const scratchnet::History&) {
    bar.clear();
    std::printf("epoch %2d/%d  loss %.4f  train acc %.4f  ", e.epoch, s.epochs, e.mean_loss,
                e.train_accuracy);
    if (split) {
      std::printf("val loss %.4f  val acc %.4f", e.validation_loss, e.validation_accuracy);
    } else {
      std::printf("test acc %.4f", e.test_accuracy);
    }
    if (schedule) std::printf("  lr %.4g", e.learning_rate);
    std::printf("  %.2f s  %.0f samples/s", e.train_seconds,
                static_cast<double>(e.samples) / e.train_seconds);
    if (processes.size() > 1) {
      std::printf("  allreduce %.2f ms/batch",
                  1e3 * trainer.communication_seconds() /
                      static_cast<double>(trainer.iterations_per_epoch()));
    }
    std::printf("\n");
    std::fflush(stdout);
    bar.epoch_started(e.epoch + 1);
    return true;
  });
  // Kept to the end, so that a signal during the last saves lets them finish.
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) std::signal(signal, request_stop);
  const scratchnet::History history = trainer.train();
  if (trainer.stopped()) {
    bar.clear();
    const auto& p = trainer.progress();
    std::cout << "interrupted in epoch " << p.epochs_done + 1 << " after batch "
              << p.iterations_done;
    if (s.checkpoint.empty()) {
      std::cout << "; nothing saved (no --checkpoint FILE was given)\n";
    } else {
      std::cout << "; checkpoint written to " << s.checkpoint
                << "\nto go on, run the same command with --resume\n";
    }
    // Every process stopped after the same batch: none ends the job before
    // rank 0 has written the checkpoint.
    processes.wait_for_all();
    return 128 + stop_signal.load();
  }
  if (trainer.stopped_early()) {
    const scratchnet::EpochRecord& best =
        history.epochs[static_cast<std::size_t>(trainer.best_epoch() - 1)];
    std::printf(
        "early stopping: no lower validation loss in the %d epochs after epoch %d; the model is "
        "that of epoch %d (val loss %.4f, val acc %.4f)\n",
        s.early_stopping, best.epoch, best.epoch, best.validation_loss, best.validation_accuracy);
  }

  if (processes.rank() != 0) return 0;
  if (!s.save.empty()) {
    net.save(s.save);
    std::cout << "model saved to " << s.save << "\n";
  }
  if (!s.history.empty()) history.write_csv(s.history);
  if (!s.plot.empty()) {
    const std::string csv = plot_data(s);
    if (s.history.empty()) history.write_csv(csv);
    if (examples::plot("training_curves.gp", csv, s.plot,
                       {{"validation", history.has_validation() ? "1" : "0"}})) {
      std::cout << "figure written to " << s.plot << "\n";
    }
  }
  examples::print_test_report(net, data.test);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Train a fully connected network on MNIST-format data (scratchnet)", "mnist_train"};
  Settings settings;
  add_flags(app, settings);
  examples::Processes processes(argc, argv);
  examples::speak_from_rank_zero(processes, app);
  return processes.finish(
      examples::run(app, argc, argv, [&] { return train(settings, processes); }));
}
