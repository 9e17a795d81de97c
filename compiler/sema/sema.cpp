#include "sema/sema.h"

#include "sema/alias_sema.h"
#include "sema/channel_sema.h"
#include "sema/model_sema.h"
#include "sema/network_sema.h"

#include <fmt/format.h>

#include <map>

namespace nnc {

std::optional<ir::Program> analyse(const LoadedProgram& program,
                                   const std::vector<ConstantOverride>& overrides,
                                   SourceManager& sources, DiagnosticEngine& diags) {
    unsigned errors = diags.error_count();
    ir::Program out;
    std::vector<bool> model_ok;
    std::vector<bool> synapse_ok;
    std::map<std::string, SourceRange> model_names;
    std::map<std::string, SourceRange> synapse_names;
    // Channels first, from every file, so that a neuron may use one declared after it.
    sema::ChannelTable channels;
    for (const auto& file : program.files)
        for (const auto& channel : file.channels) {
            bool ok = sema::check_channel(channel, sources, diags);
            auto [it, inserted] = channels.channels.try_emplace(channel.name, &channel);
            if (!inserted) {
                diags.error(channel.name_range,
                            fmt::format("channel '{}' is defined twice", channel.name),
                            "rename one of them");
                diags.note(it->second->name_range, "the first definition is here");
                continue;
            }
            channels.ok[channel.name] = ok;
        }
    for (const auto& file : program.files) {
        for (const auto& neuron : file.neurons) {
            auto result = sema::analyse_neuron_with_channels(neuron, channels, sources, diags);
            auto [it, inserted] = model_names.try_emplace(neuron.name, neuron.name_range);
            if (!inserted) {
                diags.error(neuron.name_range,
                            fmt::format("neuron model '{}' is defined twice", neuron.name),
                            "rename one of them");
                diags.note(it->second, "the first definition is here");
                continue;
            }
            out.models.push_back(std::move(result.model));
            model_ok.push_back(result.ok);
        }
        for (const auto& synapse : file.synapses) {
            auto result = sema::analyse_synapse(synapse, sources, diags);
            auto [it, inserted] = synapse_names.try_emplace(synapse.name, synapse.name_range);
            if (!inserted) {
                diags.error(synapse.name_range,
                            fmt::format("synapse model '{}' is defined twice", synapse.name),
                            "rename one of them");
                diags.note(it->second, "the first definition is here");
                continue;
            }
            out.synapses.push_back(std::move(result.model));
            synapse_ok.push_back(result.ok);
        }
        if (&file != &program.files.back() && !file.networks.empty())
            diags.warning(file.networks[0].name_range,
                          fmt::format("network '{}' is in an imported file, so it is neither "
                                      "checked nor run",
                                      file.networks[0].name),
                          "only the network of the file given to nnc runs; import files that "
                          "hold models alone");
        for (size_t i = 1; i < file.networks.size(); ++i) {
            diags.error(file.networks[i].name_range, "a file can hold only one network",
                        "move the other network into a file of its own");
            diags.note(file.networks[0].name_range, "the first network is here");
        }
    }
    // Aliases after every neuron, so that one may rename a model defined after it; an
    // alias of an alias needs the first one earlier in the program.
    for (const auto& file : program.files) {
        for (const auto& alias : file.aliases) {
            const ir::NeuronModel* target = nullptr;
            bool target_ok = false;
            for (size_t i = 0; i < out.models.size(); ++i)
                if (out.models[i].name == alias.target) {
                    target = &out.models[i];
                    target_ok = model_ok[i];
                }
            auto result = sema::analyse_alias(alias, target, target_ok, sources, diags);
            auto [it, inserted] = model_names.try_emplace(alias.name, alias.name_range);
            if (!inserted) {
                diags.error(alias.name_range,
                            fmt::format("neuron model '{}' is defined twice", alias.name),
                            "rename one of them");
                diags.note(it->second, "the first definition is here");
                continue;
            }
            out.models.push_back(std::move(result.model));
            model_ok.push_back(result.ok);
        }
    }
    const ast::File* root = program.files.empty() ? nullptr : &program.files.back();
    if (root && !root->networks.empty()) {
        out.network =
            sema::elaborate_network(root->networks[0], {out.models, model_ok},
                                    {out.synapses, synapse_ok}, overrides, sources, diags);
    } else {
        for (const auto& ov : overrides)
            diags.error(ov.range,
                        fmt::format("no constant '{}': the program has no network", ov.name),
                        "-D sets a `let` of the root file's network");
    }
    if (diags.error_count() != errors) return std::nullopt;
    return out;
}

} // namespace nnc
