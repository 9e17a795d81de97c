#include "stimulus_schedules.h"

#include "nncrt/simulation.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace nncrt {

uint64_t step_index(double t_ms, double dt_ms) {
    const double x = std::round(t_ms / dt_ms);
    if (!(x > 0.0)) return 0;
    if (x >= 0x1p63) return uint64_t{1} << 63;
    return uint64_t(x);
}

std::vector<StepWindow> piecewise_windows(const std::vector<double>& times_ms,
                                          const std::vector<double>& values, double start_ms,
                                          double stop_ms, double dt_ms, const std::string& what) {
    if (times_ms.size() != values.size())
        throw Error(
            fmt::format("{}: {} times but {} values", what, times_ms.size(), values.size()));
    if (std::isnan(start_ms) || std::isnan(stop_ms) || stop_ms < start_ms)
        throw Error(fmt::format("{}: start {} ms and stop {} ms", what, start_ms, stop_ms));
    for (size_t i = 0; i < times_ms.size(); ++i) {
        if (!std::isfinite(times_ms[i]) || times_ms[i] < 0.0)
            throw Error(
                fmt::format("{}: time {} ms must be finite and not negative", what, times_ms[i]));
        if (i > 0 && !(times_ms[i] > times_ms[i - 1]))
            throw Error(fmt::format("{}: times must increase, but {} ms follows {} ms", what,
                                    times_ms[i], times_ms[i - 1]));
        if (!std::isfinite(values[i]))
            throw Error(
                fmt::format("{}: value {} at {} ms must be finite", what, values[i], times_ms[i]));
    }
    const uint64_t on = step_index(start_ms, dt_ms);
    const uint64_t off = step_index(stop_ms, dt_ms);
    std::vector<StepWindow> windows;
    for (size_t i = 0; i < times_ms.size(); ++i) {
        const uint64_t first = std::max(on, step_index(times_ms[i], dt_ms));
        const uint64_t last =
            std::min(off, i + 1 < times_ms.size() ? step_index(times_ms[i + 1], dt_ms) : off);
        if (first < last) windows.push_back({first, last, values[i]});
    }
    return windows;
}

std::vector<SpikeSlot> spike_slots(const std::vector<double>& times_ms, double dt_ms,
                                   const std::string& what) {
    std::vector<SpikeSlot> slots;
    for (size_t i = 0; i < times_ms.size(); ++i) {
        const double t = times_ms[i];
        if (!std::isfinite(t))
            throw Error(fmt::format("{}: spike time {} ms is not a finite number", what, t));
        if (i > 0 && t < times_ms[i - 1])
            throw Error(fmt::format("{}: spike times must be in order, but {} ms follows {} ms",
                                    what, t, times_ms[i - 1]));
        const uint64_t step = step_index(t, dt_ms);
        if (step == 0)
            throw Error(fmt::format("{}: spike time {} ms is before the end of the first step "
                                    "(dt = {} ms)",
                                    what, t, dt_ms));
        if (!slots.empty() && slots.back().slot == step - 1)
            ++slots.back().count;
        else
            slots.push_back({step - 1, 1});
    }
    return slots;
}

uint64_t whole_steps(double interval_ms, double dt_ms, const std::string& what) {
    const double steps = std::round(interval_ms / dt_ms);
    if (!(steps >= 1.0) || !std::isfinite(steps) ||
        std::abs(steps * dt_ms - interval_ms) > 1e-9 * interval_ms)
        throw Error(fmt::format("{}: interval {} ms is not a whole number of time steps of {} ms",
                                what, interval_ms, dt_ms));
    return uint64_t(steps);
}

} // namespace nncrt
