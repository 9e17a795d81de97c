#include "sema/connection_csv.h"

#include "sema/names.h"
#include "sema/units.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace nnc::sema {

namespace {

/// One comma-separated field of a line: its text, trimmed, and its 1-based column.
struct Field {
    std::string_view text;
    uint32_t col = 1;
};

std::vector<Field> split(std::string_view line) {
    std::vector<Field> fields;
    size_t start = 0;
    for (;;) {
        size_t end = line.find(',', start);
        if (end == std::string_view::npos) end = line.size();
        size_t a = start, b = end;
        while (a < b && (line[a] == ' ' || line[a] == '\t'))
            ++a;
        while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t' || line[b - 1] == '\r'))
            --b;
        fields.push_back({line.substr(a, b - a), uint32_t(a + 1)});
        if (end == line.size()) break;
        start = end + 1;
    }
    return fields;
}

bool blank_or_comment(std::string_view line) {
    for (char c : line) {
        if (c == '#') return true;
        if (c != ' ' && c != '\t' && c != '\r') return false;
    }
    return true;
}

class CsvReader {
public:
    CsvReader(FileId file, const ConnectionCsvLimits& limits, DiagnosticEngine& diags)
        : file_(file), limits_(limits), diags_(diags) {}

    std::optional<ir::ConnectionList> read(const SourceManager& sources) {
        const std::string& text = sources.text(file_);
        uint32_t line_no = 0;
        size_t pos = 0;
        bool have_header = false;
        while (pos < text.size() && errors_ < max_errors) {
            size_t end = text.find('\n', pos);
            if (end == std::string::npos) end = text.size();
            std::string_view line(text.data() + pos, end - pos);
            pos = end + 1;
            ++line_no;
            if (blank_or_comment(line)) continue;
            if (!have_header) {
                have_header = true;
                if (!header(line, line_no)) return std::nullopt;
                continue;
            }
            row(line, line_no);
        }
        if (!have_header) {
            error(1, 1, 0, "the file has no header line",
                  "start it with `source,target` (optionally `,weight (pA),delay (ms)`)");
        }
        if (errors_ > 0) return std::nullopt;
        return std::move(list_);
    }

private:
    static constexpr unsigned max_errors = 5;

    void error(uint32_t line, uint32_t col, size_t width, const std::string& message,
               const std::string& hint = {}) {
        SourceRange at{{file_, line, col}, {file_, line, col + uint32_t(width ? width - 1 : 0)}};
        diags_.error(at, message, hint);
        ++errors_;
    }

    /// `weight (pA)` -> name "weight", unit "pA".
    bool header(std::string_view line, uint32_t line_no) {
        const auto fields = split(line);
        for (size_t i = 0; i < fields.size(); ++i) {
            std::string_view f = fields[i].text;
            std::string_view unit;
            if (auto open = f.find('('); open != std::string_view::npos) {
                auto close = f.find(')', open);
                if (close == std::string_view::npos || close + 1 != f.size()) {
                    error(line_no, fields[i].col, f.size(), fmt::format("bad column name '{}'", f),
                          "write a unit in parentheses after the name: `weight (pA)`");
                    return false;
                }
                unit = f.substr(open + 1, close - open - 1);
                while (!unit.empty() && unit.front() == ' ')
                    unit.remove_prefix(1);
                while (!unit.empty() && unit.back() == ' ')
                    unit.remove_suffix(1);
                f = f.substr(0, open);
                while (!f.empty() && f.back() == ' ')
                    f.remove_suffix(1);
            }
            int* slot = f == "source"   ? &source_col_
                        : f == "target" ? &target_col_
                        : f == "weight" ? &weight_col_
                        : f == "delay"  ? &delay_col_
                                        : nullptr;
            if (!slot) {
                error(line_no, fields[i].col, fields[i].text.size(),
                      fmt::format("unknown column '{}'", fields[i].text),
                      "the columns are source, target, weight (UNIT) and delay (UNIT); the "
                      "first line of the file names them");
                return false;
            }
            if (*slot >= 0) {
                error(line_no, fields[i].col, fields[i].text.size(),
                      fmt::format("column '{}' is named twice", f));
                return false;
            }
            *slot = int(i);
            if ((f == "source" || f == "target") && !unit.empty()) {
                error(line_no, fields[i].col, fields[i].text.size(),
                      fmt::format("column '{}' holds neuron indices, which have no unit", f));
                return false;
            }
            if (f == "weight" && !column_unit(unit, limits_.weight_dim, "the weight", weight_scale_,
                                              line_no, fields[i]))
                return false;
            if (f == "delay" &&
                !column_unit(unit, dims::time, "a delay", delay_scale_, line_no, fields[i]))
                return false;
        }
        columns_ = fields.size();
        if (source_col_ < 0 || target_col_ < 0) {
            error(line_no, 1, line.size(), "the header must name the columns source and target",
                  "for example `source,target,weight (pA),delay (ms)`");
            return false;
        }
        return true;
    }

    bool column_unit(std::string_view unit, const Dimension& want, const char* what, double& scale,
                     uint32_t line_no, const Field& field) {
        if (unit.empty()) {
            if (want == Dimension::none()) return true;
            error(line_no, field.col, field.text.size(),
                  fmt::format("column '{}' needs a unit: {} is {}", field.text, what,
                              dimension_text(want)),
                  fmt::format("write it in parentheses: `{} ({})`", field.text, want.unit_name()));
            return false;
        }
        auto u = lookup_unit(unit);
        if (!u) {
            error(line_no, field.col, field.text.size(), fmt::format("unknown unit '{}'", unit));
            return false;
        }
        if (u->dim != want) {
            error(line_no, field.col, field.text.size(),
                  fmt::format("dimension mismatch: {} is {}, but unit '{}' is {}", what,
                              dimension_text(want), unit, dimension_text(u->dim)));
            return false;
        }
        scale = u->factor;
        return true;
    }

    void row(std::string_view line, uint32_t line_no) {
        const auto fields = split(line);
        if (fields.size() != columns_) {
            error(line_no, 1, line.size(),
                  fmt::format("a row of {} fields, but the header names {} columns", fields.size(),
                              columns_));
            return;
        }
        const auto index = [&](int col, uint64_t size, const std::string& population,
                               const char* what) -> std::optional<uint32_t> {
            const Field& f = fields[size_t(col)];
            auto v = number(f);
            if (!v || *v < 0 || *v != std::floor(*v)) {
                error(line_no, f.col, f.text.size(),
                      fmt::format("the {} '{}' is not a neuron index", what, f.text),
                      "indices are whole numbers from 0");
                return std::nullopt;
            }
            if (*v >= double(size)) {
                error(line_no, f.col, f.text.size(),
                      fmt::format("the {} {} is not a neuron index of population '{}', which "
                                  "has {} neurons",
                                  what, f.text, population, size));
                return std::nullopt;
            }
            return uint32_t(*v);
        };
        auto s = index(source_col_, limits_.n_sources, limits_.source_name, "source");
        auto t = index(target_col_, limits_.n_targets, limits_.target_name, "target");
        // Plain values with flags rather than std::optional: GCC 12 at -O2 takes an
        // optional<double> pushed into a vector for possibly uninitialized.
        double w = 0.0, d = 0.0;
        bool w_ok = weight_col_ < 0, d_ok = delay_col_ < 0;
        if (weight_col_ >= 0) {
            const Field& f = fields[size_t(weight_col_)];
            const auto v = number(f);
            w_ok = v.has_value();
            w = v.value_or(0.0);
            if (!w_ok) error(line_no, f.col, f.text.size(), fmt::format("bad weight '{}'", f.text));
        }
        if (delay_col_ >= 0) {
            const Field& f = fields[size_t(delay_col_)];
            const auto v = number(f);
            d = v.value_or(0.0) * delay_scale_;
            const double dt = limits_.dt_ms;
            if (!v) {
                error(line_no, f.col, f.text.size(), fmt::format("bad delay '{}'", f.text));
            } else if (d < dt * (1 - 1e-12)) {
                error(line_no, f.col, f.text.size(),
                      fmt::format("delay {} ms is shorter than the time step {} ms", number_text(d),
                                  number_text(dt)),
                      "a spike needs at least one time step to arrive");
            } else if (std::round(d / dt) > double(ir::max_delay_steps)) {
                error(line_no, f.col, f.text.size(),
                      fmt::format("delay {} ms is {} time steps; at most {} are supported",
                                  number_text(d), number_text(std::round(d / dt)),
                                  ir::max_delay_steps));
            } else {
                d_ok = true;
            }
        }
        if (!s || !t || !w_ok || !d_ok) return;
        list_.sources.push_back(*s);
        list_.targets.push_back(*t);
        if (weight_col_ >= 0) list_.weights.push_back(w * weight_scale_);
        if (delay_col_ >= 0) list_.delays_ms.push_back(d);
    }

    static std::optional<double> number(const Field& f) {
        if (f.text.empty()) return std::nullopt;
        std::string s(f.text);
        char* end = nullptr;
        errno = 0;
        double v = std::strtod(s.c_str(), &end);
        if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v))
            return std::nullopt;
        return v;
    }

    FileId file_;
    const ConnectionCsvLimits& limits_;
    DiagnosticEngine& diags_;
    unsigned errors_ = 0;
    size_t columns_ = 0;
    int source_col_ = -1, target_col_ = -1, weight_col_ = -1, delay_col_ = -1;
    double weight_scale_ = 1.0, delay_scale_ = 1.0;
    ir::ConnectionList list_;
};

} // namespace

std::optional<ir::ConnectionList> read_connection_csv(const std::string& path, SourceRange at,
                                                      const ConnectionCsvLimits& limits,
                                                      SourceManager& sources,
                                                      DiagnosticEngine& diags) {
    auto file = sources.load(path);
    if (!file) {
        diags.error(at, fmt::format("cannot read the connection file '{}'", path),
                    "a relative path is taken from the directory of the .nml file");
        return std::nullopt;
    }
    auto list = CsvReader(*file, limits, diags).read(sources);
    if (list) list->path = path;
    return list;
}

} // namespace nnc::sema
