// When a stimulus given in model time acts, in time steps. Every generator that takes times
// (spike times, the steps of a current, the rates of a Poisson train) is turned once, when
// the network is built, into step indices, so that the step loop only compares integers and
// every generator rounds times to the grid in the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nncrt {

/// Model time to a step index, rounded to the nearest step (so a time within dt/2 of a step
/// boundary counts as that boundary), clamped to [0, 2^63].
uint64_t step_index(double t_ms, double dt_ms);

/// `value` in the steps first <= k < last.
struct StepWindow {
    uint64_t first = 0;
    uint64_t last = 0;
    double value = 0.0;
};

/// values[i] from times[i] until times[i + 1] (the last until stop), within [start, stop),
/// all rounded to steps; windows that round to no step are left out. Throws Error, naming
/// `what`, unless the lists have one length, the times are finite, not negative and
/// strictly increasing, and the values finite.
std::vector<StepWindow> piecewise_windows(const std::vector<double>& times_ms,
                                          const std::vector<double>& values, double start_ms,
                                          double stop_ms, double dt_ms, const std::string& what);

/// `count` spikes read in step `slot`.
struct SpikeSlot {
    uint64_t slot = 0;
    uint32_t count = 0;
};

/// The steps in which spikes at the given times arrive: a spike at t is read in the step
/// that ends at t rounded to the nearest step, so that its effect is in the state at that
/// time. Throws Error, naming `what`, for a time that is not finite, is out of order, or
/// rounds to 0 (nothing can arrive before the first step has ended).
std::vector<SpikeSlot> spike_slots(const std::vector<double>& times_ms, double dt_ms,
                                   const std::string& what);

/// The number of steps in `interval_ms`; throws Error, naming `what`, unless it is a whole
/// number (to 1e-9 relative) of at least one.
uint64_t whole_steps(double interval_ms, double dt_ms, const std::string& what);

} // namespace nncrt
