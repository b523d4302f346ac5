// Tests of Dataset, shuffle, split_validation, take_first and gather_rows
// (data/dataset.hpp).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

#include "scratchnet/data/dataset.hpp"

namespace {

using scratchnet::Dataset;
using scratchnet::Index;
using scratchnet::Rng;

// Row i is (i, 1000 + i, 2000 + i) and its label is i % 7, so any row tells
// which sample it is and whether its label came with it.
Dataset<double> numbered(Index n) {
  Dataset<double> d;
  d.x.resize(n, 3);
  d.labels.resize(n);
  for (Index i = 0; i < n; ++i) {
    d.x.row(i) << static_cast<double>(i), static_cast<double>(1000 + i),
        static_cast<double>(2000 + i);
    d.labels[i] = static_cast<int>(i % 7);
  }
  return d;
}

// The sample ids of d's rows, after checking each row is intact and paired.
std::vector<Index> ids_of(const Dataset<double>& d) {
  std::vector<Index> ids;
  for (Index r = 0; r < d.size(); ++r) {
    const auto id = static_cast<Index>(d.x(r, 0));
    CHECK(d.x(r, 1) == static_cast<double>(1000 + id));
    CHECK(d.x(r, 2) == static_cast<double>(2000 + id));
    CHECK(d.labels[r] == static_cast<int>(id % 7));
    ids.push_back(id);
  }
  return ids;
}

std::vector<Index> iota_ids(Index n) {
  std::vector<Index> v;
  for (Index i = 0; i < n; ++i) v.push_back(i);
  return v;
}

}  // namespace

TEST_CASE("Dataset reports its size and features", "[data][dataset]") {
  const Dataset<double> d = numbered(5);
  CHECK(d.size() == 5);
  CHECK(d.features() == 3);
  CHECK(Dataset<float>{}.size() == 0);
}

TEST_CASE("shuffle permutes rows with their labels", "[data][dataset]") {
  Dataset<double> d = numbered(50);
  Rng rng(42);
  scratchnet::shuffle(d, rng);
  std::vector<Index> ids = ids_of(d);
  CHECK(ids != iota_ids(50));  // 1 chance in 50! of failing for a fair shuffle
  std::sort(ids.begin(), ids.end());
  CHECK(ids == iota_ids(50));

  Dataset<double> again = numbered(50);
  Rng same(42);
  scratchnet::shuffle(again, same);
  CHECK(again.x == d.x);
  CHECK(again.labels == d.labels);

  Dataset<double> one = numbered(1), none = numbered(0);
  scratchnet::shuffle(one, rng);
  scratchnet::shuffle(none, rng);
  CHECK(one.x(0, 0) == 0.0);
}

TEST_CASE("shuffle draws every position for every sample", "[data][dataset]") {
  // Over many shuffles of 4 samples, each sample lands in each position
  // about a quarter of the time (a biased swap rule would fail this).
  Rng rng(7);
  int counts[4][4] = {};
  const int trials = 8000;
  for (int t = 0; t < trials; ++t) {
    Dataset<double> d = numbered(4);
    scratchnet::shuffle(d, rng);
    for (Index r = 0; r < 4; ++r) ++counts[static_cast<int>(d.x(r, 0))][r];
  }
  for (auto& row : counts) {
    for (const int c : row) CHECK(std::abs(c - trials / 4) < 200);
  }
}

TEST_CASE("split_validation takes int(N * ratio) samples after a shuffle", "[data][dataset]") {
  const Dataset<double> d = numbered(10);
  const auto split = scratchnet::split_validation(d, 0.3, 5);  // 10 * 0.3 = 3.0000000000000004
  CHECK(split.validation.size() == 3);
  CHECK(split.train.size() == 7);
  CHECK(split.train.features() == 3);
  CHECK(scratchnet::split_validation(numbered(7), 0.5, 5).validation.size() == 3);  // int(3.5)
  CHECK(scratchnet::split_validation(numbered(100), 0.2, 5).validation.size() == 20);

  // Disjoint and together every sample exactly once.
  std::vector<Index> all = ids_of(split.validation);
  const std::vector<Index> train = ids_of(split.train);
  all.insert(all.end(), train.begin(), train.end());
  std::sort(all.begin(), all.end());
  CHECK(all == iota_ids(10));

  // The book's order: the shuffled set, then the first part is validation.
  Dataset<double> shuffled = d;
  Rng rng(5);
  scratchnet::shuffle(shuffled, rng);
  CHECK(split.validation.x == shuffled.x.topRows(3));
  CHECK(split.train.x == shuffled.x.bottomRows(7));
  CHECK(split.train.labels == shuffled.labels.tail(7));
}

TEST_CASE("split_validation is deterministic for a seed", "[data][dataset]") {
  const Dataset<double> d = numbered(40);
  const auto a = scratchnet::split_validation(d, 0.25, 123);
  const auto b = scratchnet::split_validation(d, 0.25, 123);
  const auto c = scratchnet::split_validation(d, 0.25, 124);
  CHECK(a.validation.x == b.validation.x);
  CHECK(a.train.labels == b.train.labels);
  CHECK(a.validation.x != c.validation.x);
}

TEST_CASE("split_validation rejects a ratio that leaves a part empty", "[data][dataset]") {
  const Dataset<double> d = numbered(10);
  for (const double ratio :
       {0.0, 1.0, -0.2, 1.5, 0.05, 0.09, std::numeric_limits<double>::quiet_NaN()}) {
    INFO("ratio " << ratio);
    CHECK_THROWS_WITH(scratchnet::split_validation(d, ratio, 1), Catch::Contains("ratio"));
    CHECK_THROWS_AS(scratchnet::split_validation(d, ratio, 1), std::invalid_argument);
  }
  CHECK_THROWS_AS(scratchnet::split_validation(numbered(1), 0.5, 1), std::invalid_argument);
}

TEST_CASE("take_first keeps the first n samples", "[data][dataset]") {
  const Dataset<double> d = numbered(6);
  const Dataset<double> first = scratchnet::take_first(d, 4);
  CHECK(ids_of(first) == iota_ids(4));
  CHECK(scratchnet::take_first(d, 100).size() == 6);
  CHECK(scratchnet::take_first(d, 0).size() == 0);
  CHECK(scratchnet::take_first(d, 0).features() == 3);
  CHECK_THROWS_AS(scratchnet::take_first(d, -1), std::invalid_argument);
}

TEST_CASE("gather_rows copies one batch into reused buffers", "[data][dataset]") {
  const Dataset<double> d = numbered(10);
  const std::vector<Index> order = {9, 2, 5, 0, 7, 1, 3, 8, 4, 6};
  scratchnet::Matrix<double> x;
  scratchnet::Labels labels;

  scratchnet::gather_rows(d, order, 4, 4, x, labels);
  REQUIRE(x.rows() == 4);
  REQUIRE(x.cols() == 3);
  Dataset<double> batch{x, labels};
  CHECK(ids_of(batch) == std::vector<Index>{7, 1, 3, 8});

  // Same shape: the buffers are reused, not reallocated.
  const double* x_data = x.data();
  const int* label_data = labels.data();
  scratchnet::gather_rows(d, order, 0, 4, x, labels);
  CHECK(x.data() == x_data);
  CHECK(labels.data() == label_data);
  batch = Dataset<double>{x, labels};
  CHECK(ids_of(batch) == std::vector<Index>{9, 2, 5, 0});

  // A short last batch resizes.
  scratchnet::gather_rows(d, order, 8, 2, x, labels);
  CHECK(x.rows() == 2);
  batch = Dataset<double>{x, labels};
  CHECK(ids_of(batch) == std::vector<Index>{4, 6});

  CHECK_THROWS_AS(scratchnet::gather_rows(d, order, 8, 3, x, labels), std::invalid_argument);
  CHECK_THROWS_AS(scratchnet::gather_rows(d, order, -1, 1, x, labels), std::invalid_argument);
  const std::vector<Index> bad = {0, 10};
  CHECK_THROWS_AS(scratchnet::gather_rows(d, bad, 0, 2, x, labels), std::invalid_argument);
}

TEST_CASE("dataset functions reject x and labels of different lengths", "[data][dataset]") {
  Dataset<double> d = numbered(5);
  d.labels.resize(4);
  Rng rng(1);
  scratchnet::Matrix<double> x;
  scratchnet::Labels labels;
  CHECK_THROWS_AS(scratchnet::shuffle(d, rng), std::invalid_argument);
  CHECK_THROWS_AS(scratchnet::split_validation(d, 0.5, 1), std::invalid_argument);
  CHECK_THROWS_AS(scratchnet::take_first(d, 2), std::invalid_argument);
  CHECK_THROWS_AS(scratchnet::gather_rows(d, iota_ids(2), 0, 2, x, labels), std::invalid_argument);
}
