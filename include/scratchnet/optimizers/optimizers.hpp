// Every update rule of the book's chapter 6, and make_optimizer.
//
// rule       slots   default lr  other options          memory per parameter
// SGD        -       0.01        -                      none
// Momentum   v       0.01        momentum 0.9           1 matrix
// Nesterov   v       0.01        momentum 0.9           1 matrix
// AdaGrad    h       0.01        -                      1 matrix
// RMSProp    h       0.01        decay 0.99             1 matrix
// Adam       m, v    0.001       beta1 0.9, beta2 0.999 2 matrices
//
// All share one interface (Optimizer<T>, optimizer.hpp) and one mechanism
// (SlottedOptimizer<T>, slotted_optimizer.hpp):
//
//   auto optimizer = scratchnet::make_optimizer<float>("adam", {0.01});
//   for (...) {
//     net.gradient(x_batch, labels_batch);
//     optimizer->update(net.params());   // the same list every time
//   }
//   auto saved = optimizer->state();     // {step, {"m/W1": ..., "v/W1": ...}}
//   other->set_state(saved);             // continues where optimizer was
//
// - State is made on the first update, zeros of each parameter's shape, and
//   belongs to that list of parameter names: a later list with other names is
//   rejected with the name that differs.
// - After the first update, update() allocates nothing and does no string
//   work; the parameters are visited by position.
// - Hyperparameters are held in double and converted to T at each update;
//   the arithmetic on parameters is in T, in the order of operations of the
//   book's common/optimizer.py. In double every rule reproduces the book's
//   path on f(x, y) = x^2/20 + y^2 bit for bit, or within 1e-15 where the
//   compiler fuses multiply-adds (-march=native with FMA); the tests allow
//   1e-12.
// - A bad option throws std::invalid_argument naming it:
//   "lr: must be a finite positive number, got nan",
//   "momentum: must be in [0, 1), got 1".
#pragma once

#include "scratchnet/optimizers/adagrad.hpp"
#include "scratchnet/optimizers/adam.hpp"
#include "scratchnet/optimizers/make_optimizer.hpp"
#include "scratchnet/optimizers/momentum.hpp"
#include "scratchnet/optimizers/nesterov.hpp"
#include "scratchnet/optimizers/optimizer.hpp"
#include "scratchnet/optimizers/rmsprop.hpp"
#include "scratchnet/optimizers/sgd.hpp"
#include "scratchnet/optimizers/slotted_optimizer.hpp"
