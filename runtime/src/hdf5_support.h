// Pieces both HDF5 writers (spikes, state reports) share: RAII handles, silencing HDF5's
// error printing, and turning its error stack into one readable reason.
#pragma once

#include "nncrt/simulation.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <hdf5.h>
#include <set>
#include <string>
#include <string_view>

namespace nncrt {

/// Turns off HDF5's printing of its error stack for the lifetime of the object, and restores
/// whatever handler was installed before.
class SilenceHdf5Errors {
public:
    SilenceHdf5Errors() {
        H5Eget_auto2(H5E_DEFAULT, &old_func_, &old_data_);
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        H5Eclear2(H5E_DEFAULT);
    }
    ~SilenceHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, old_func_, old_data_); }
    SilenceHdf5Errors(const SilenceHdf5Errors&) = delete;
    SilenceHdf5Errors& operator=(const SilenceHdf5Errors&) = delete;

private:
    H5E_auto2_t old_func_ = nullptr;
    void* old_data_ = nullptr;
};

/// Owns an HDF5 identifier and closes it with the matching H5?close.
class Handle {
public:
    using Close = herr_t (*)(hid_t);
    Handle(hid_t id, Close closer) : id_(id), close_(closer) {}
    ~Handle() {
        if (id_ >= 0) close_(id_);
    }
    Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle& operator=(Handle&&) = delete;
    hid_t get() const { return id_; }
    bool ok() const { return id_ >= 0; }
    /// Closes now and reports whether closing worked.
    bool close() {
        const herr_t r = id_ >= 0 ? close_(id_) : 0;
        id_ = -1;
        return r >= 0;
    }

private:
    hid_t id_;
    Close close_;
};

inline herr_t keep_deepest(unsigned /*n*/, const H5E_error2_t* err, void* data) {
    if (err->desc && *err->desc) *static_cast<std::string*>(data) = err->desc;
    return 0;
}

/// The most specific message on HDF5's error stack (the OS's message when there is one).
inline std::string hdf5_reason(int saved_errno) {
    std::string desc;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_deepest, &desc);
    H5Eclear2(H5E_DEFAULT);
    constexpr std::string_view marker = "error message = '";
    if (const auto at = desc.find(marker); at != std::string::npos) {
        const auto from = at + marker.size();
        const auto to = desc.find('\'', from);
        return desc.substr(from, to == std::string::npos ? std::string::npos : to - from);
    }
    if (!desc.empty()) return desc;
    if (saved_errno != 0) return std::strerror(saved_errno);
    return "unknown HDF5 error";
}

/// Population names become HDF5 group names: refuses names HDF5 cannot hold as one group
/// and names that occur twice. `what` says what is being written ("spikes").
template <class PopulationViews>
void check_group_names(const PopulationViews& pops, const std::string& path, const char* what) {
    std::set<std::string_view> names;
    for (const auto& pop : pops) {
        const std::string_view name = pop.name;
        if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..")
            throw Error(fmt::format("cannot write {} to HDF5 file '{}': population name '{}' "
                                    "cannot be an HDF5 group name",
                                    what, path, name));
        if (!names.insert(name).second)
            throw Error(fmt::format("cannot write {} to HDF5 file '{}': two populations are "
                                    "named '{}'",
                                    what, path, name));
    }
}

} // namespace nncrt
