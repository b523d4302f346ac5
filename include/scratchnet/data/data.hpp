// The data part of scratchnet: IDX files, in-memory datasets, MNIST loading.
#pragma once

#include "scratchnet/data/dataset.hpp"
#include "scratchnet/data/idx.hpp"
#include "scratchnet/data/mnist.hpp"
