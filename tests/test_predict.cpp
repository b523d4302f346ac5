// predict in test mode scores the rows in batches of kTestBatchRows; the
// scores must be those of one pass over all rows (forward_all), which is
// the network's plain forward and the reference here.
#include <catch2/catch.hpp>

#include "scratchnet/network/multi_layer_net.hpp"

TEST_CASE("predict in batches gives the scores of one pass over every row", "[network][predict]") {
  scratchnet::MultiLayerNetOptions options;
  options.input_size = 12;
  options.hidden_sizes = {9, 7};
  options.output_size = 5;
  options.use_batchnorm = GENERATE(false, true);
  options.dropout_ratio = 0.2;
  options.seed = 3;
  scratchnet::MultiLayerNet<double> net(options);
  using Net = scratchnet::MultiLayerNet<double>;
  // Two full batches and a partial one, so the last batch is shorter.
  const scratchnet::Index rows = 2 * Net::kTestBatchRows + 37;
  const scratchnet::Matrix<double> x = scratchnet::Matrix<double>::Random(rows, 12);

  const scratchnet::Matrix<double> batched = net.predict(x);
  const scratchnet::Matrix<double> one_pass = net.forward_all(x);
  REQUIRE(batched.rows() == rows);
  REQUIRE(batched.cols() == 5);
  CHECK((batched - one_pass).cwiseAbs().maxCoeff() <= 1e-12);
  CHECK(net.hidden_activations().front()->rows() == rows);

  // A row scored alone gets the score it has in the batch, up to rounding:
  // one row goes through Eigen's matrix-vector kernel, which sums in another
  // order than the matrix-matrix one (seen: a difference above 1e-12 at -O3).
  const scratchnet::Index last = rows - 1;
  const scratchnet::Matrix<double> alone = net.predict(x.row(last));
  CHECK((alone.row(0) - batched.row(last)).cwiseAbs().maxCoeff() <= 1e-9);
}
