// Sema for `channel NAME { ... }` and a neuron's `channels(V_m) { ... }`. A channel is
// checked once, on its own, as a small model whose membrane potential `V` is an input;
// a neuron that names channels is composed into one ordinary neuron (the channels'
// parameters, gates and equations beside its own, `V` bound to the neuron's membrane
// state, `I_channels` and each channel's current replaced by their expressions), so that
// the passes treat it exactly as if the equations had been written inline. The model IR
// keeps which channel each parameter and state came from, and the list of channels.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "ir/model.h"
#include "sema/model_sema.h"

#include <map>
#include <string>

namespace nnc::sema {

/// The name a channel's equations use for the membrane potential.
inline constexpr const char* channel_membrane_name = "V";
/// The name a neuron's equations use for the sum of its channels' currents.
inline constexpr const char* channels_current_name = "I_channels";

/// Checks one channel on its own; false (reported) if it has errors.
bool check_channel(const ast::Channel& channel, const SourceManager& sources,
                   DiagnosticEngine& diags);

/// The channels of the program by name, each with whether it checked out.
struct ChannelTable {
    std::map<std::string, const ast::Channel*> channels;
    std::map<std::string, bool> ok;
};

/// Sema for a neuron with a `channels` block: composes and analyses it. A neuron without
/// one is analysed as it is.
ModelResult analyse_neuron_with_channels(const ast::Neuron& neuron, const ChannelTable& table,
                                         const SourceManager& sources, DiagnosticEngine& diags);

} // namespace nnc::sema
