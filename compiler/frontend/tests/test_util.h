// Helpers shared by the front-end tests: parsing text held in memory, and printing an
// expression as an S-expression so that tests can state a tree's shape in one string.
#pragma once

#include "frontend/parser.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace nnc::test {

/// A SourceManager and a colourless DiagnosticEngine writing into a string.
struct Session {
    SourceManager sources;
    std::ostringstream out;
    DiagnosticEngine diags{sources, out, false};

    std::optional<ast::File> parse(const std::string& text, const std::string& name = "t.nml") {
        return parse_file(sources.add(name, text), sources, diags);
    }
    ast::ExprPtr expression(const std::string& text) {
        return parse_expression(sources.add("<expr>", text), sources, diags);
    }
    std::string output() const { return out.str(); }
};

/// `(+ a (* b c))`; numbers as written by %g with their unit in brackets: `250[pF]`;
/// calls as `f(1, name=2)`; `N[i]` as `N[i]`, `[1, 2]` as `[1, 2]`, strings in quotes.
inline std::string sexpr(const ast::Expr* e) {
    if (!e) return "<null>";
    std::ostringstream s;
    switch (e->kind) {
    case ast::ExprKind::Number:
        s << e->number;
        if (!e->unit.empty()) s << "[" << e->unit << "]";
        return s.str();
    case ast::ExprKind::Name:
        return e->name;
    case ast::ExprKind::Bool:
        return e->number != 0 ? "true" : "false";
    case ast::ExprKind::Call:
        s << e->name << "(";
        for (size_t i = 0; i < e->args.size(); ++i) {
            if (i) s << ", ";
            if (!e->arg_names[i].empty()) s << e->arg_names[i] << "=";
            s << sexpr(e->args[i].get());
        }
        s << ")";
        return s.str();
    case ast::ExprKind::Index:
        return sexpr(e->args[0].get()) + "[" + sexpr(e->args[1].get()) + "]";
    case ast::ExprKind::Array:
        s << "[";
        for (size_t i = 0; i < e->args.size(); ++i)
            s << (i ? ", " : "") << sexpr(e->args[i].get());
        s << "]";
        return s.str();
    case ast::ExprKind::String:
        return "\"" + e->name + "\"";
    default:
        s << "(" << e->op;
        for (const auto& arg : e->args)
            s << " " << sexpr(arg.get());
        s << ")";
        return s.str();
    }
}
inline std::string sexpr(const ast::ExprPtr& e) {
    return sexpr(e.get());
}

/// A fresh, empty directory under the system's temporary directory, removed on destruction.
class TempDir {
public:
    TempDir() {
        std::random_device entropy;
        auto base = std::filesystem::temp_directory_path();
        do {
            path_ = base / ("nnc_frontend_test_" + std::to_string(entropy()));
        } while (!std::filesystem::create_directory(path_));
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    /// Writes `text` to `relative` (creating directories) and returns the full path.
    std::string write(const std::string& relative, const std::string& text) const {
        auto file = path_ / relative;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
        return file.string();
    }

private:
    std::filesystem::path path_;
};

} // namespace nnc::test
