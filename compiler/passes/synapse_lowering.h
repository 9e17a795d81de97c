// Lowering of a plastic projection's synapse model: model IR + projection -> its event
// kernels (kernel IR of kind SynapseEvent): `on pre`, `on post`, and one that only advances.
//
// Synapse state is event-driven: it is touched only when a spike reaches the synapse, so a
// kernel first advances the state over the time since the synapse's previous event, by the
// exact solution of each x' = a·x + b (sema guarantees that form), then runs the handler in
// order. Two extra state arrays: the time of the synapse's last event, and (on pre) the
// weight it delivers, which the runtime reads after the call and sends with the synapse's
// delay.
#pragma once

#include "ir/kernel.h"
#include "ir/model.h"

#include <string>
#include <vector>

namespace nnc::passes {

/// Name of the state array holding the time (ms) a synapse's state was last advanced to.
inline const std::string synapse_last_event_name = "t_last_event";

/// Name of the state array holding the weight the last `on pre` delivered.
inline const std::string synapse_delivered_name = "delivered_weight";

/// The `on pre` kernel of projection `projection_index`, a kernel that only advances the
/// state to the time given (to bring every synapse up to date when a run ends), then the
/// `on post` kernel if the model has one. The projection must have a synapse model.
std::vector<kir::PopulationKernel> lower_synapse_events(const ir::Program& program,
                                                        size_t projection_index);

} // namespace nnc::passes
