/* The stable C ABI between generated population kernels and nncrt.
 *
 * A backend (the LLVM JIT, the C++ emitter, ...) produces one update function
 * per population. The runtime calls it once per time step with views of the
 * population's structure-of-arrays state; the kernel advances every neuron by
 * one step (receptor input, propagation, threshold, reset, refractoriness)
 * and appends the local indices of the neurons that fired to `spiked`.
 *
 * This header is plain C so that generated code in any language can use it,
 * and it is the only thing a backend knows of the runtime.
 */
#ifndef NNCRT_ABI_H
#define NNCRT_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NNCRT_ABI_VERSION 2

typedef struct nncrt_kernel_args {
    /* Number of neurons of this population on this process. */
    uint64_t n;
    /* state[j][i]: state variable j of neuron i, in canonical units. Read and written. */
    double* const* state;
    /* input[k][i]: continuous input k (e.g. a current from DC sources) of neuron i for this
     * step. Read only. */
    const double* const* input;
    /* receptor[r][i]: summed weight of the spikes arriving at receptor port r of neuron i in
     * this step (the ring buffer's current slot). Read only. */
    const double* const* receptor;
    /* Output: local indices of the neurons that emitted a spike, in increasing order.
     * Has room for n entries. */
    uint32_t* spiked;
    /* Output: number of entries written to `spiked`. The kernel sets it. */
    uint64_t* n_spiked;
} nncrt_kernel_args;

typedef void (*nncrt_update_fn)(const nncrt_kernel_args* args);

/* A synapse event kernel: what the synapses of a plastic projection do when a spike reaches
 * them (a spike of their source neuron: `on pre`; of their target neuron, after the
 * dendritic delay: `on post`). The kernel advances each listed synapse's state from the time
 * of its previous event to t_ms and applies the handler; state arrays hold one value per
 * synapse of the projection. */
typedef struct nncrt_synapse_event_args {
    /* Number of synapses the event reaches. */
    uint64_t n;
    /* Their indices into the state arrays, all different. */
    const uint64_t* synapses;
    /* state[j][s]: state variable j of synapse s, in canonical units. Read and written. */
    double* const* state;
    /* Time of the event at the synapses, in ms. */
    double t_ms;
} nncrt_synapse_event_args;

typedef void (*nncrt_synapse_event_fn)(const nncrt_synapse_event_args* args);

#ifdef __cplusplus
}
#endif

#endif
