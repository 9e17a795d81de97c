#include "csv_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <memory>

namespace nncrt {

namespace {

/// A file written through one buffer; every failure becomes an Error with the OS's reason.
class CsvFile {
public:
    CsvFile(const std::string& path, const char* what) : path_(path), what_(what) {
        errno = 0;
        file_.reset(std::fopen(path.c_str(), "w"));
        if (!file_) fail("cannot create file");
    }

    void line(const std::string& text) {
        if (std::fwrite(text.data(), 1, text.size(), file_.get()) != text.size() ||
            std::fputc('\n', file_.get()) == EOF)
            fail("cannot write");
    }

    void close() {
        errno = 0;
        if (std::fclose(file_.release()) != 0) fail("cannot close file");
    }

private:
    [[noreturn]] void fail(const char* step) const {
        const int saved = errno;
        throw Error(fmt::format("cannot write {} to CSV file '{}': {}: {}", what_, path_, step,
                                saved ? std::strerror(saved) : "unknown error"));
    }

    struct Closer {
        void operator()(std::FILE* f) const {
            if (f) std::fclose(f);
        }
    };
    std::string path_;
    const char* what_;
    std::unique_ptr<std::FILE, Closer> file_;
};

/// A name as one CSV field: quoted when it holds a comma, quote or line break.
std::string field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

} // namespace

void write_spikes_csv(const std::string& path, std::span<const SpikePopulationView> pops) {
    CsvFile f(path, "spikes");
    f.line("population,node_id,time_ms");
    for (const auto& pop : pops) {
        if (!pop.spikes) continue;
        const std::string name = field(pop.name);
        const SpikeRecord& s = *pop.spikes;
        for (size_t i = 0; i < s.times_ms.size(); ++i)
            f.line(fmt::format("{},{},{}", name, s.node_ids[i], s.times_ms[i]));
    }
    f.close();
}

void write_state_csv(const std::string& path, const std::string& variable,
                     std::span<const ReportPopulationView> pops, double dt_ms) {
    CsvFile f(path, "a state report");
    const std::string unit = pops.empty() ? std::string() : pops[0].units;
    f.line(fmt::format("time_ms,population,node_id,{}", field(variable + " [" + unit + "]")));
    for (const auto& pop : pops) {
        const StateRecord& r = *pop.record;
        const std::string name = field(pop.name);
        const double step_ms = double(r.interval_steps) * dt_ms;
        for (uint64_t s = 0; s < r.sample_count(); ++s) {
            const double t = r.start_ms + double(s) * step_ms;
            for (uint64_t j = 0; j < r.count; ++j)
                f.line(fmt::format("{},{},{},{}", t, name, r.first + j, r.values[s * r.count + j]));
        }
    }
    f.close();
}

void write_synapses_csv(const std::string& path, std::span<const EdgePopulationView> edges) {
    CsvFile f(path, "synapses");
    f.line("projection,source_node_id,target_node_id,delay_ms,variable,value,unit");
    const auto names = edge_population_names(edges);
    for (size_t e = 0; e < edges.size(); ++e) {
        const SynapseTable& t = *edges[e].synapses;
        const std::string name = field(names[e]);
        for (size_t s = 0; s < t.sources.size(); ++s)
            for (size_t j = 0; j < t.states.size(); ++j)
                f.line(fmt::format("{},{},{},{},{},{},{}", name, t.sources[s], t.targets[s],
                                   t.delays_ms[s], field(t.state_names[j]), t.states[j][s],
                                   field(edges[e].state_units[j])));
    }
    f.close();
}

} // namespace nncrt
