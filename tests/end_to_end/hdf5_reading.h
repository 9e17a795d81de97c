// Reading what `nnc run -o` wrote, through HDF5's C API, for the end-to-end tests (which
// must not depend on h5py being installed).
#pragma once

#include <gtest/gtest.h>
#include <hdf5.h>

#include <string>
#include <vector>

namespace nnc::test {

/// The values of dataset `path` of an open file, flattened; its shape into `shape` if given.
template <class T>
std::vector<T> read_dataset(hid_t file, const std::string& path, hid_t mem_type,
                            std::vector<hsize_t>* shape = nullptr) {
    const hid_t ds = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
    EXPECT_GE(ds, 0) << path;
    if (ds < 0) return {};
    const hid_t space = H5Dget_space(ds);
    if (shape) {
        shape->resize(size_t(H5Sget_simple_extent_ndims(space)));
        H5Sget_simple_extent_dims(space, shape->data(), nullptr);
    }
    std::vector<T> values(size_t(H5Sget_simple_extent_npoints(space)));
    if (!values.empty()) H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Sclose(space);
    H5Dclose(ds);
    return values;
}

/// The `units` string attribute of an object of an open file.
inline std::string units_of(hid_t file, const std::string& object) {
    const hid_t attr = H5Aopen_by_name(file, object.c_str(), "units", H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(attr, 0) << object;
    if (attr < 0) return {};
    const hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5T_CSET_UTF8);
    char* s = nullptr;
    H5Aread(attr, mem, &s);
    std::string value = s ? s : "";
    H5free_memory(s);
    H5Tclose(mem);
    H5Aclose(attr);
    return value;
}

} // namespace nnc::test
