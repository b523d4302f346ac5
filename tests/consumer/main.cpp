// Trains a tiny network through the public API; exits 0 only if it learned.
// Built twice: with scratchnet::scratchnet, and with scratchnet::mpi, where
// Session is MPI's (run alone here, so a process on its own).
#include <iostream>
#include <scratchnet/distributed/session.hpp>
#include <scratchnet/scratchnet.hpp>

int main(int argc, char** argv) {
  scratchnet::Session session(argc, argv);
  scratchnet::MultiLayerNetOptions options;
  options.input_size = 2;
  options.hidden_sizes = {8};
  options.output_size = 2;
  options.seed = 1;
  scratchnet::MultiLayerNet<double> net(options);

  Eigen::MatrixXd x(4, 2);
  x << 0, 0, 0, 1, 1, 0, 1, 1;
  Eigen::VectorXi labels(4);
  labels << 0, 1, 1, 0;
  scratchnet::Adam<double> adam(0.05);
  for (int step = 0; step < 500; ++step) {
    net.gradient(x, labels);
    adam.update(net.params());
  }
  const double accuracy = net.accuracy(x, labels);
  std::cout << "consumer accuracy " << accuracy << "\n";
  return session.finish(accuracy == 1.0 ? 0 : 1);
}
