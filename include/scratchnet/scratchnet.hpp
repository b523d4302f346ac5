// scratchnet: the whole library in one include.
#pragma once

#include "scratchnet/core/errors.hpp"
#include "scratchnet/core/matrix.hpp"
#include "scratchnet/core/rng.hpp"
#include "scratchnet/data/data.hpp"
#include "scratchnet/init.hpp"
#include "scratchnet/network/gradient_check.hpp"
#include "scratchnet/network/inference.hpp"
#include "scratchnet/network/layer_registry.hpp"
#include "scratchnet/network/layer_spec.hpp"
#include "scratchnet/network/model_file.hpp"
#include "scratchnet/network/multi_layer_net.hpp"
#include "scratchnet/network/sequential.hpp"
#include "scratchnet/optimizers/optimizers.hpp"
