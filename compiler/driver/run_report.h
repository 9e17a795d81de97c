// What `nnc run` tells the user: a progress line while a long simulation runs
// (on a terminal only), and a summary at the end: rates per population,
// synapse count and memory, and where the time went.
#pragma once

#include "ir/model.h"
#include "network_builder.h"
#include "nncrt/simulation.h"
#include "phase_timer.h"

#include <chrono>
#include <cstdio>
#include <iosfwd>
#include <string>
#include <vector>

namespace nnc::driver {

/// A single self-overwriting line with model time, elapsed wall time and the real-time
/// factor. Silent unless `stream` is a terminal and the run has lasted over a second.
class ProgressLine {
public:
    ProgressLine(FILE* stream, double duration_ms);
    void update(double t_ms, double end_ms);
    void finish();

private:
    FILE* stream_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_;
    bool shown_ = false;
};

/// `output` is the spike file (empty without -o); each recorded variable's report file is
/// named after it (state_report_path). `connections`: sim.connection_stats(), which every
/// process of a parallel run must take part in (the summary is printed by one).
void print_run_summary(std::ostream& out, const std::string& file, const ir::Network& network,
                       const nncrt::Simulation& sim, const nncrt::ConnectionStats& connections,
                       const PhaseTimer& timer, const std::string& output,
                       const std::vector<RecordedVariable>& variables = {});

} // namespace nnc::driver
