// What the driver needs to know about where its output goes: colour and
// progress lines only on an interactive terminal (and never with NO_COLOR).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace nnc::driver {

inline bool is_terminal(FILE* stream) {
    return isatty(fileno(stream)) != 0;
}

inline bool use_colour(FILE* stream) {
    const char* no_colour = std::getenv("NO_COLOR");
    return is_terminal(stream) && !(no_colour && *no_colour);
}

} // namespace nnc::driver
