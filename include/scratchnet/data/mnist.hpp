// Loads the four standard IDX files of MNIST, Fashion-MNIST or any data set
// published in that layout, from one folder, as train and test Datasets with
// pixels scaled to [0, 1] and one image per row.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"
#include "scratchnet/core/shape.hpp"
#include "scratchnet/data/dataset.hpp"
#include "scratchnet/data/idx.hpp"

namespace scratchnet {

struct MnistOptions {
  Index max_train = 0;  // keep only the first max_train training samples; 0 = all
  Index max_test = 0;   // the same for the test samples
};

template <typename T = float>
struct MnistData {
  Dataset<T> train;
  Dataset<T> test;
  // One image: 1 x rows x cols, as the IDX headers give them (1 x 28 x 28).
  Shape image_shape;
  // The files actually read, after choosing between raw and .gz.
  std::string train_images_path;
  std::string train_labels_path;
  std::string test_images_path;
  std::string test_labels_path;
};

namespace detail {

constexpr int kMnistClasses = 10;

// dir/name if it exists, else dir/name.gz. Raw wins when both exist: it reads
// faster, and its length can be checked without decompressing.
// A name that cannot be looked up for another reason than being absent (a
// loop of symlinks, a folder it may not search) is that reason, not "missing".
inline bool mnist_file_exists(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw DataError(path.string() + ": cannot open file (" + ec.message() + ")");
  }
  return std::filesystem::exists(status);
}

inline std::string find_mnist_file(const std::filesystem::path& dir, const std::string& name) {
  const std::filesystem::path raw = dir / name;
  if (mnist_file_exists(raw)) return raw.string();
  const std::filesystem::path gz = dir / (name + ".gz");
  if (mnist_file_exists(gz)) return gz.string();
  throw DataError(dir.string() + ": missing " + name + " (looked for " + raw.string() + " and " +
                  gz.string() + ")");
}

// Turns pixel bytes into rows of x as they are read, x = byte / 255. The book
// converts uint8 -> float32 and divides by 255.0f; computing in float and
// then casting gives T = double exactly the book's values too. The file's
// bytes are never all held: the peak is the floats alone (MNIST: 188 MB,
// not 188 + 47).
template <typename T>
class ScaledPixelStore {
 public:
  explicit ScaledPixelStore(Matrix<T>& x) : x_(x) {
    for (int k = 0; k < 256; ++k) {
      scale_[static_cast<std::size_t>(k)] = static_cast<T>(static_cast<float>(k) / 255.0f);
    }
  }
  void begin(const IdxRecords& header, std::size_t likely_bytes) {
    width_ = static_cast<Index>(header.dims[1]) * static_cast<Index>(header.dims[2]);
    x_.resize(0, width_);
    grow_to(static_cast<Index>(likely_bytes) / width_);
  }
  void append(const std::uint8_t* p, std::size_t n) {
    const Index needed = (filled_ + static_cast<Index>(n) + width_ - 1) / width_;
    if (needed > x_.rows()) grow_to(std::max(needed, 2 * x_.rows()));
    T* dst = x_.data() + filled_;
    for (std::size_t i = 0; i < n; ++i) dst[i] = scale_[p[i]];
    filled_ += static_cast<Index>(n);
  }
  // Drops rows reserved but never filled (a gzip file's size is a guess).
  void finish() {
    if (filled_ / width_ != x_.rows()) x_.conservativeResize(filled_ / width_, width_);
  }

 private:
  void grow_to(Index rows) { x_.conservativeResize(rows, width_); }

  Matrix<T>& x_;
  Index width_ = 1;
  Index filled_ = 0;  // values written, row after row
  std::array<T, 256> scale_{};
};

// One half (train or test): images and labels read, paired and scaled.
template <typename T>
Dataset<T> load_mnist_part(const std::string& images_path, const std::string& labels_path,
                           Index max_count, IdxImages& images) {
  Dataset<T> out;
  ScaledPixelStore<T> store(out.x);
  const IdxRecords r = read_idx_records(images_path, kIdxImagesMagic, max_count, store);
  store.finish();
  images.count = r.returned;
  images.header_count = static_cast<Index>(r.dims[0]);
  images.rows = static_cast<Index>(r.dims[1]);
  images.cols = static_cast<Index>(r.dims[2]);
  Index label_count = 0;
  out.labels = read_idx_labels(labels_path, kMnistClasses, max_count, &label_count);
  // Compare what the headers hold, not what was read: with max_count both
  // would agree even when the files do not belong together.
  if (images.header_count != label_count) {
    throw DataError(images_path + " holds " + std::to_string(images.header_count) + " images but " +
                    labels_path + " holds " + std::to_string(label_count) +
                    " labels; the counts must match");
  }
  return out;
}

inline std::filesystem::path mnist_folder(const std::string& dir) {
  const std::filesystem::path folder(dir);
  std::error_code ec;
  if (!std::filesystem::exists(folder, ec)) {
    throw DataError(dir + ": the MNIST folder does not exist");
  }
  if (!std::filesystem::is_directory(folder, ec)) {
    throw DataError(dir + ": is not a folder (load_mnist wants the folder holding the 4 files)");
  }
  return folder;
}

}  // namespace detail

// Reads train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte
// and t10k-labels-idx1-ubyte from dir, each raw or with .gz appended. Labels
// must be in 0..9. With max_train / max_test only the first samples are kept;
// every file is still read to its end and checked (see read_idx_images).
template <typename T = float>
MnistData<T> load_mnist(const std::string& dir, const MnistOptions& options = {}) {
  require(options.max_train >= 0, "max_train", "must be >= 0 (0 keeps every sample)");
  require(options.max_test >= 0, "max_test", "must be >= 0 (0 keeps every sample)");
  const std::filesystem::path folder = detail::mnist_folder(dir);

  MnistData<T> out;
  out.train_images_path = detail::find_mnist_file(folder, "train-images-idx3-ubyte");
  out.train_labels_path = detail::find_mnist_file(folder, "train-labels-idx1-ubyte");
  out.test_images_path = detail::find_mnist_file(folder, "t10k-images-idx3-ubyte");
  out.test_labels_path = detail::find_mnist_file(folder, "t10k-labels-idx1-ubyte");

  IdxImages train_images, test_images;
  out.train = detail::load_mnist_part<T>(out.train_images_path, out.train_labels_path,
                                         options.max_train, train_images);
  out.test = detail::load_mnist_part<T>(out.test_images_path, out.test_labels_path,
                                        options.max_test, test_images);
  // A network takes one shape of image: both halves must have it.
  if (train_images.rows != test_images.rows || train_images.cols != test_images.cols) {
    throw DataError(out.test_images_path + ": test images are " + std::to_string(test_images.rows) +
                    "x" + std::to_string(test_images.cols) + " but the training images in " +
                    out.train_images_path + " are " + std::to_string(train_images.rows) + "x" +
                    std::to_string(train_images.cols));
  }
  out.image_shape = {1, train_images.rows, train_images.cols};
  return out;
}

// Only the test half (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), for a
// program that evaluates a trained model: the training files need not exist.
// image_shape, when given, receives 1 x rows x cols of the IDX header.
template <typename T = float>
Dataset<T> load_mnist_test(const std::string& dir, Index max_test = 0,
                           Shape* image_shape = nullptr) {
  require(max_test >= 0, "max_test", "must be >= 0 (0 keeps every sample)");
  const std::filesystem::path folder = detail::mnist_folder(dir);
  IdxImages images;
  Dataset<T> test = detail::load_mnist_part<T>(
      detail::find_mnist_file(folder, "t10k-images-idx3-ubyte"),
      detail::find_mnist_file(folder, "t10k-labels-idx1-ubyte"), max_test, images);
  if (image_shape != nullptr) *image_shape = {1, images.rows, images.cols};
  return test;
}

}  // namespace scratchnet
