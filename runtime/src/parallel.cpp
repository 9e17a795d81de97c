// ParallelContext without MPI: one process.
#include "nncrt/parallel.h"

namespace nncrt {

ParallelContext::ParallelContext(int*, char***) {}

ParallelContext::~ParallelContext() = default;

bool ParallelContext::mpi_available() {
    return false;
}

} // namespace nncrt
