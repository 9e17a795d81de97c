// One time step of the numerical ODE solvers, written out in kernel IR: forward
// Euler, exponential Euler, classical RK4 and adaptive RKF45. The kernel
// lowering (kernel_lowering.cpp) decides what a step does around the
// integration (refractoriness, spikes, threshold) and hands each solver what it
// needs through OdeStepContext; the solvers know nothing else of the model.
//
// Every solver returns, for each entry of model.odes, the local that holds that
// state's value at t + dt; the caller writes them back (holding clamped states).
#pragma once

#include "ir/kernel.h"
#include "ir/model.h"

#include <functional>
#include <vector>

namespace nnc::passes {

/// `at[s] >= 0`: state s is read from local at[s]; otherwise from its state array.
using StateLocals = std::vector<int>;

struct OdeStepContext {
    const ir::NeuronModel& model;
    double dt = 0.0;
    std::function<int()> new_local;
    /// The right side of `ode` at `at`, zero for a variable held while refractory.
    std::function<kir::ExprPtr(const ir::Ode& ode, const StateLocals& at)> derivative;
    /// A model expression (over the right sides' names) at `at`.
    std::function<kir::ExprPtr(const ir::Expr& e, const StateLocals& at)> lower;
    /// RKF45: 1.0 when the sub-steps must stop before dt is covered (the threshold was
    /// reached and the handler will reset); empty if they never do.
    std::function<kir::ExprPtr(const StateLocals& at)> stop;
    /// RKF45: the state array that carries the step size from one dt to the next.
    int step_size_state = -1;
};

std::vector<int> forward_euler_step(const OdeStepContext& c, std::vector<kir::Stmt>& out);

/// Requires every right side affine in its own variable (ir::ode_class).
std::vector<int> exponential_euler_step(const OdeStepContext& c, std::vector<kir::Stmt>& out);

std::vector<int> rk4_step(const OdeStepContext& c, std::vector<kir::Stmt>& out);

std::vector<int> rkf45_step(const OdeStepContext& c, std::vector<kir::Stmt>& out);

/// RKF45's limits, as fractions of dt and counts: a sub-step never shrinks below
/// rkf45_min_step·dt (a sub-step that small is accepted whatever its error estimate, if the
/// estimate is finite), and one dt takes at most rkf45_max_substeps tries; a neuron that
/// cannot finish its step within them gets a NaN state, which stops the run.
inline constexpr double rkf45_min_step = 1e-6;
inline constexpr int rkf45_max_substeps = 10000;

} // namespace nnc::passes
