// Inference without labels: classes and probabilities of any network, for a
// batch (also one larger than predict's chunk) and for one sample, against
// softmax and argmax computed here by hand from the scores.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>

#include "scratchnet/layers/affine.hpp"
#include "scratchnet/layers/sigmoid.hpp"
#include "scratchnet/network/inference.hpp"
#include "scratchnet/network/sequential.hpp"
#include "support/errors.hpp"

namespace sn = scratchnet;
using sn::Index;

namespace {

sn::Sequential<double> small_net() {
  sn::Sequential<double> net(5, 4);
  net.add(std::make_unique<sn::Affine<double>>(5, 7));
  net.add(std::make_unique<sn::Sigmoid<double>>());
  net.add(std::make_unique<sn::Affine<double>>(7, 4));
  net.initialize(1.0);
  return net;
}

sn::Matrix<double> inputs(Index rows) {
  sn::Rng rng(8);
  sn::Matrix<double> x(rows, 5);
  rng.fill_normal(x, 1.0);
  return x;
}

}  // namespace

TEST_CASE("probabilities are the softmax of the scores", "[inference]") {
  auto net = small_net();
  const sn::Matrix<double> x = inputs(30);
  const sn::Matrix<double> scores = net.predict(x);
  const sn::Matrix<double> p = sn::probabilities(net, x);
  REQUIRE(p.rows() == 30);
  REQUIRE(p.cols() == 4);
  for (Index i = 0; i < 30; ++i) {
    double sum = 0;
    for (Index j = 0; j < 4; ++j) sum += std::exp(scores(i, j));
    for (Index j = 0; j < 4; ++j) CHECK(p(i, j) == Approx(std::exp(scores(i, j)) / sum));
    CHECK(p.row(i).sum() == Approx(1.0));
  }
}

TEST_CASE("predicted classes are the highest scores, in batches and one by one", "[inference]") {
  auto net = small_net();
  // More rows than predict's chunk of kTestBatchRows.
  const sn::Matrix<double> x = inputs(sn::Sequential<double>::kTestBatchRows + 37);
  const sn::Labels classes = sn::predicted_classes(net, x);
  REQUIRE(classes.size() == x.rows());
  int seen = 0;
  for (Index i = 0; i < x.rows(); ++i) {
    const sn::Matrix<double> scores = net.predict(x.row(i));
    int best = 0;
    for (int j = 1; j < 4; ++j) best = scores(0, j) > scores(0, best) ? j : best;
    CHECK(classes(i) == best);
    CHECK(sn::predicted_class(net, x.row(i)) == best);
    seen |= 1 << best;
  }
  CHECK(seen > 1);  // not one class for every row
  CHECK(sn::test::refusal([&] { sn::predicted_class(net, x.topRows(2)); }) ==
        "sample: must be one row, got 2 (use predicted_classes for a batch)");
}
