// Pieces both HDF5 writers (spikes, state reports) share: RAII handles, silencing HDF5's
// error printing, and turning its error stack into one readable reason.
#pragma once

#include "nncrt/simulation.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <functional>
#include <hdf5.h>
#include <initializer_list>
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

/// What both writers do to one file: create groups, datasets and attributes, and turn any
/// failure into an Error naming the file, what was being written and HDF5's reason.
class Hdf5FileWriter {
public:
    /// `what`: what the file holds, for messages ("spikes", "a state report").
    Hdf5FileWriter(const std::string& path, const char* what) : path_(path), what_(what) {}

    const std::string& path() const { return path_; }
    const char* what() const { return what_; }

    [[noreturn]] void fail(std::string_view step) const {
        const int saved_errno = errno;
        throw Error(fmt::format("cannot write {} to HDF5 file '{}': {}: {}", what_, path_, step,
                                hdf5_reason(saved_errno)));
    }

    void check(herr_t status, std::string_view step) const {
        if (status < 0) fail(step);
    }

    /// Creates the file (replacing one that is there), lets `fill` write into it and closes
    /// it, with HDF5's own error printing silenced.
    void write_file(const std::function<void(hid_t file)>& fill) const {
        SilenceHdf5Errors silence;
        errno = 0;
        Handle file(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
        if (!file.ok()) fail("cannot create file");
        fill(file.get());
        if (!file.close()) fail("cannot close file");
    }

    Handle group(hid_t parent, const std::string& name) const {
        Handle g(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
        if (!g.ok()) fail(fmt::format("cannot create group '{}'", name));
        return g;
    }

    /// A dataset of the given shape; returns it open for attributes.
    Handle dataset(hid_t group, const char* name, hid_t file_type, hid_t memory_type,
                   const void* data, std::initializer_list<hsize_t> shape) const {
        Handle space(H5Screate_simple(int(shape.size()), shape.begin(), nullptr), H5Sclose);
        if (!space.ok()) fail("cannot create dataspace");
        Handle ds(
            H5Dcreate2(group, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose);
        if (!ds.ok()) fail(fmt::format("cannot create dataset '{}'", name));
        hsize_t n = 1;
        for (hsize_t extent : shape)
            n *= extent;
        if (n > 0)
            check(H5Dwrite(ds.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                  fmt::format("cannot write dataset '{}'", name));
        return ds;
    }

    /// A scalar attribute of type `file_type`, written from `value` in `memory_type`.
    void scalar_attribute(hid_t object, const char* name, hid_t file_type, hid_t memory_type,
                          const void* value) const {
        Handle space(H5Screate(H5S_SCALAR), H5Sclose);
        if (!space.ok()) fail("cannot create dataspace");
        Handle attr(H5Acreate2(object, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose);
        if (!attr.ok()) fail(fmt::format("cannot create attribute '{}'", name));
        check(H5Awrite(attr.get(), memory_type, value),
              fmt::format("cannot write attribute '{}'", name));
    }

    /// A variable-length UTF-8 string attribute, as h5py and libsonata read them.
    void string_attribute(hid_t object, const char* name, const std::string& value) const {
        Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
        if (!type.ok()) fail("cannot create string type");
        check(H5Tset_size(type.get(), H5T_VARIABLE), "cannot create string type");
        check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot create string type");
        const char* text = value.c_str();
        scalar_attribute(object, name, type.get(), type.get(), &text);
    }

private:
    const std::string& path_;
    const char* what_;
};

} // namespace nncrt
