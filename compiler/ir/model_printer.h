// A readable listing of the model IR (`nnc dump-ir`): each model's solver,
// parameters with canonical values, state, equations, receptors and threshold;
// then the elaborated network. Golden tests compare against it, so it is
// deterministic.
#pragma once

#include "ir/model.h"

#include <string>

namespace nnc::ir {

std::string print_program(const Program& program);

} // namespace nnc::ir
