// Wall-clock time of each phase of a command (parse, check, compile, build,
// simulate, write), for the summary a run prints.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace nnc::driver {

class PhaseTimer {
public:
    using Clock = std::chrono::steady_clock;

    /// Times `f()` as phase `name` and returns what it returns.
    template <class F>
    auto time(const std::string& name, F&& f) {
        auto start = Clock::now();
        struct Record {
            PhaseTimer& t;
            const std::string& n;
            Clock::time_point s;
            ~Record() { t.add(n, std::chrono::duration<double>(Clock::now() - s).count()); }
        } record{*this, name, start};
        return f();
    }
    void add(const std::string& name, double seconds) {
        for (auto& [n, s] : phases_)
            if (n == name) {
                s += seconds;
                return;
            }
        phases_.emplace_back(name, seconds);
    }
    double seconds(const std::string& name) const {
        for (const auto& [n, s] : phases_)
            if (n == name) return s;
        return 0.0;
    }
    const std::vector<std::pair<std::string, double>>& phases() const { return phases_; }

private:
    std::vector<std::pair<std::string, double>> phases_;
};

} // namespace nnc::driver
