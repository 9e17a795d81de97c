// ParallelContext: MPI where nncrt is built with it (NNCRT_HAVE_MPI) and the program runs
// under mpirun, otherwise one process.
#include "nncrt/parallel.h"

#include "nncrt/simulation.h"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <limits>

#ifdef NNCRT_HAVE_MPI
// The C interface only: OpenMPI's deprecated C++ bindings would need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace nncrt {

namespace {

#ifdef NNCRT_HAVE_MPI
/// Whether a process manager (mpirun, srun) started this process: only then is MPI
/// initialised, so that a plain run never pays for it (OpenMPI's singleton start spawns a
/// daemon).
bool started_by_mpirun() {
    for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
        if (std::getenv(var)) return true;
    return false;
}

void check(int code, const char* what) {
    if (code != MPI_SUCCESS) throw Error(fmt::format("MPI: {} failed (error {})", what, code));
}

int as_count(uint64_t n, const char* what) {
    if (n > uint64_t(std::numeric_limits<int>::max()))
        throw Error(
            fmt::format("MPI: {} of {} elements is more than one message can hold", what, n));
    return int(n);
}

/// Displacements from counts (in elements), and the total.
uint64_t displacements(const std::vector<int>& counts, std::vector<int>& displs) {
    displs.assign(counts.size(), 0);
    uint64_t total = 0;
    for (size_t r = 0; r < counts.size(); ++r) {
        displs[r] = as_count(total, "a gather");
        total += uint64_t(counts[r]);
    }
    as_count(total, "a gather");
    return total;
}
#endif

} // namespace

ParallelContext::ParallelContext(int* argc, char*** argv) {
#ifdef NNCRT_HAVE_MPI
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) {
        if (!started_by_mpirun()) return;
        check(MPI_Init(argc, argv), "MPI_Init");
        finalise_ = true;
    }
    mpi_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
    (void)argc;
    (void)argv;
#endif
}

ParallelContext ParallelContext::share_of(int rank, int size) {
    if (size < 1 || rank < 0 || rank >= size)
        throw Error(fmt::format("process {} of {} does not exist", rank, size));
    return ParallelContext(rank, size, size == 1);
}

ParallelContext::~ParallelContext() {
#ifdef NNCRT_HAVE_MPI
    if (finalise_) MPI_Finalize();
#endif
}

bool ParallelContext::mpi_available() {
#ifdef NNCRT_HAVE_MPI
    return true;
#else
    return false;
#endif
}

void ParallelContext::require_exchange(const char* what) const {
    if (!communicates_)
        throw Error(fmt::format("{}: process {} of {} was built alone and exchanges nothing", what,
                                rank_, size_));
}

std::vector<uint32_t> ParallelContext::all_gather(std::span<const uint32_t> mine,
                                                  std::vector<uint64_t>& counts) const {
    require_exchange("exchanging spikes");
    if (!mpi_) {
        counts.assign(1, mine.size());
        return {mine.begin(), mine.end()};
    }
#ifdef NNCRT_HAVE_MPI
    const int n = as_count(mine.size(), "a spike exchange");
    std::vector<int> sizes(size_t(size_), 0), displs;
    check(MPI_Allgather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
    std::vector<uint32_t> all(displacements(sizes, displs));
    check(MPI_Allgatherv(mine.data(), n, MPI_UINT32_T, all.data(), sizes.data(), displs.data(),
                         MPI_UINT32_T, MPI_COMM_WORLD),
          "MPI_Allgatherv");
    counts.assign(sizes.begin(), sizes.end());
    return all;
#else
    return {};
#endif
}

uint64_t ParallelContext::all_reduce_sum(uint64_t mine) const {
    require_exchange("summing over processes");
    if (!mpi_) return mine;
    uint64_t sum = mine;
#ifdef NNCRT_HAVE_MPI
    check(MPI_Allreduce(&mine, &sum, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
#endif
    return sum;
}

uint64_t ParallelContext::all_reduce_min(uint64_t mine) const {
    require_exchange("the minimum over processes");
    if (!mpi_) return mine;
    uint64_t min = mine;
#ifdef NNCRT_HAVE_MPI
    check(MPI_Allreduce(&mine, &min, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
#endif
    return min;
}

std::string ParallelContext::agreed_failure(const std::string& mine) const {
    if (!mpi_) return mine;
#ifdef NNCRT_HAVE_MPI
    // Whether any process failed is agreed first, so that the usual case costs one reduction.
    const int failed = mine.empty() ? 0 : 1;
    int any = 0;
    check(MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
    if (!any) return {};
    const int n = as_count(mine.size(), "an error message");
    std::vector<int> sizes(size_t(size_), 0), displs;
    check(MPI_Allgather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
    std::string all(displacements(sizes, displs), '\0');
    check(MPI_Allgatherv(mine.data(), n, MPI_CHAR, all.data(), sizes.data(), displs.data(),
                         MPI_CHAR, MPI_COMM_WORLD),
          "MPI_Allgatherv");
    std::string least;
    for (size_t r = 0; r < sizes.size(); ++r) {
        if (sizes[r] == 0) continue;
        std::string message = all.substr(size_t(displs[r]), size_t(sizes[r]));
        if (least.empty() || message < least) least = std::move(message);
    }
    return least;
#else
    return mine;
#endif
}

std::vector<std::vector<unsigned char>>
ParallelContext::gather_to_root(std::span<const unsigned char> mine) const {
    require_exchange("gathering recordings");
    if (!mpi_) return {std::vector<unsigned char>(mine.begin(), mine.end())};
#ifdef NNCRT_HAVE_MPI
    const int n = as_count(mine.size(), "a gather");
    std::vector<int> sizes(is_root() ? size_t(size_) : 0, 0), displs;
    check(MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
    std::vector<unsigned char> all;
    if (is_root()) all.resize(displacements(sizes, displs));
    check(MPI_Gatherv(mine.data(), n, MPI_BYTE, all.data(), sizes.data(), displs.data(), MPI_BYTE,
                      0, MPI_COMM_WORLD),
          "MPI_Gatherv");
    std::vector<std::vector<unsigned char>> per_rank;
    if (!is_root()) return per_rank;
    for (int r = 0; r < size_; ++r)
        per_rank.emplace_back(all.begin() + displs[size_t(r)],
                              all.begin() + displs[size_t(r)] + sizes[size_t(r)]);
    return per_rank;
#else
    return {};
#endif
}

} // namespace nncrt
