// ODE classification: decides how each model's equations are integrated.
//
// Three structural classes, each with the method that suits it best:
//  * affine with constant coefficients (iaf_psc_exp): the exact propagator
//    exp(A·dt) (Rotter & Diesmann 1999), no step-size error at all;
//  * conditionally linear, every x' affine in x given the other variables
//    (conductance synapses g·(E - V), Hodgkin–Huxley gates α(V)(1 - m) - β(V)m):
//    exponential Euler, which is exact for each variable while the others are
//    held and stays stable however fast a gate relaxes;
//  * anything else (AdEx's exp term, Izhikevich's v²): adaptive RKF45 with error
//    control, as NEST integrates its aeif models with GSL's RKF45.
// A `solver` item in the model overrides the choice (sema has checked that the
// requested method can integrate the equations). The classification is
// structural (it never looks at parameter values), so it holds for every
// population of the model.
#pragma once

#include "ir/linearity.h"
#include "ir/model.h"

namespace nnc::passes {

using ir::is_affine;
using ir::is_constant_in_time;

/// Sets every model's solver: the requested one, else the default of its class.
void classify_odes(ir::Program& program);

} // namespace nnc::passes
