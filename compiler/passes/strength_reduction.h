// Strength reduction: an operation replaced by a cheaper one that computes the
// same bits. A division costs several multiplications (about 4 to 5 times the
// latency on current x86 and GPUs), and kernels divide by constants often
// (a time constant, a capacitance).
//
// x / c -> x · (1/c) only where 1/c is exact, i.e. c = ±2^k with 2^-k a double:
// then x·(1/c) and x/c are the same real number rounded once, hence the same
// bits for every x (±0, ±inf and NaN included). x / 10 stays a division: x·0.1
// differs from x/10 in the last bit for some x, and a compiler for neuroscience
// must not change spikes behind the user's back; there is deliberately no flag
// for it yet.
// Not made either, for the same reason: pow(x, 2) -> x·x and pow(x, 0.5) ->
// sqrt(x) (libm's pow is not correctly rounded, and pow(-0, 0.5) is +0 where
// sqrt(-0) is -0).
#pragma once

#include "ir/kernel.h"

#include <optional>

namespace nnc::passes {

/// 1/c if it is exactly representable (c = ±2^k, 1/c finite), else nullopt.
std::optional<double> exact_reciprocal(double c);

void reduce_strength(kir::PopulationKernel& kernel);

} // namespace nnc::passes
