#include "frontend/parser.h"

#include "test_util.h"

#include <gtest/gtest.h>

namespace nnc {
namespace {

using test::Session;
using test::sexpr;

void expect_range(SourceRange r, uint32_t line, uint32_t col, uint32_t end_line, uint32_t end_col) {
    EXPECT_EQ(r.begin.line, line);
    EXPECT_EQ(r.begin.col, col);
    EXPECT_EQ(r.end.line, end_line);
    EXPECT_EQ(r.end.col, end_col);
}

std::optional<ast::File> parse_repo_file(Session& s, const std::string& relative) {
    std::optional<FileId> id = s.sources.load(std::string(NNC_SOURCE_DIR) + "/" + relative);
    if (!id) return std::nullopt;
    return parse_file(*id, s.sources, s.diags);
}

// ---------------------------------------------------------------------------------------
// The real files of the repository

TEST(ParseRealFiles, IafPscExp) {
    Session s;
    auto file = parse_repo_file(s, "stdlib/neurons/iaf_psc_exp.nml");
    ASSERT_TRUE(file) << s.output();
    EXPECT_EQ(s.output(), "");
    ASSERT_EQ(file->neurons.size(), 1u);
    EXPECT_TRUE(file->networks.empty());
    EXPECT_TRUE(file->imports.empty());
    const ast::Neuron& n = file->neurons[0];
    EXPECT_EQ(n.name, "iaf_psc_exp");
    expect_range(n.name_range, 4, 8, 4, 18);
    expect_range(n.range, 4, 1, 34, 1);

    ASSERT_EQ(n.parameters.size(), 9u);
    const ast::Binding& c_m = n.parameters[0];
    EXPECT_EQ(c_m.name, "C_m");
    expect_range(c_m.name_range, 6, 9, 6, 11);
    expect_range(c_m.range, 6, 9, 6, 27);
    ASSERT_TRUE(c_m.value);
    EXPECT_EQ(c_m.value->kind, ast::ExprKind::Number);
    EXPECT_EQ(c_m.value->number, 250);
    EXPECT_EQ(c_m.value->unit, "pF");
    expect_range(c_m.value->range, 6, 22, 6, 27);
    expect_range(c_m.value->unit_range, 6, 26, 6, 27);
    EXPECT_EQ(sexpr(n.parameters[5].value), "(- 70[mV])"); // E_L = -70 mV
    EXPECT_EQ(n.parameters[8].name, "I_e");

    ASSERT_EQ(n.state.size(), 3u);
    EXPECT_EQ(n.state[0].name, "V_m");
    EXPECT_EQ(sexpr(n.state[0].value), "E_L");
    EXPECT_EQ(sexpr(n.state[1].value), "0[pA]");

    ASSERT_EQ(n.equations.size(), 3u);
    EXPECT_EQ(n.equations[0].var, "V_m");
    expect_range(n.equations[0].var_range, 22, 9, 22, 11);
    EXPECT_EQ(n.equations[0].range.begin.line, 22u);
    EXPECT_EQ(sexpr(n.equations[0].rhs),
              "(+ (/ (- (- V_m E_L)) tau_m) (/ (+ (+ (+ I_ex I_in) I_e) I_stim) C_m))");
    EXPECT_EQ(n.equations[1].var, "I_ex");
    EXPECT_EQ(sexpr(n.equations[1].rhs), "(/ (- I_ex) tau_syn_ex)");

    ASSERT_EQ(n.inputs.size(), 1u);
    EXPECT_EQ(n.inputs[0].name, "I_stim");
    expect_range(n.inputs[0].name_range, 26, 11, 26, 16);
    EXPECT_EQ(sexpr(n.inputs[0].unit), "pA");
    expect_range(n.inputs[0].unit->range, 26, 20, 26, 21);

    ASSERT_EQ(n.receptors.size(), 2u);
    const ast::Receptor& exc = n.receptors[0];
    EXPECT_EQ(exc.name, "exc");
    expect_range(exc.name_range, 27, 14, 27, 16);
    EXPECT_EQ(exc.weight, "w");
    expect_range(exc.weight_range, 27, 18, 27, 18);
    EXPECT_EQ(sexpr(exc.weight_unit), "pA");
    expect_range(exc.range, 27, 5, 27, 37);
    ASSERT_EQ(exc.body.size(), 1u);
    EXPECT_EQ(exc.body[0].kind, ast::Statement::Kind::Add);
    EXPECT_EQ(exc.body[0].target, "I_ex");
    EXPECT_EQ(sexpr(exc.body[0].value), "w");
    expect_range(exc.body[0].target_range, 27, 27, 27, 30);
    EXPECT_EQ(n.receptors[1].name, "inh");

    ASSERT_EQ(n.thresholds.size(), 1u);
    const ast::Threshold& t = n.thresholds[0];
    EXPECT_EQ(sexpr(t.condition), "(>= V_m V_th)");
    expect_range(t.condition->range, 29, 8, 29, 18);
    expect_range(t.range, 29, 5, 33, 5);
    ASSERT_EQ(t.body.size(), 3u);
    EXPECT_EQ(t.body[0].kind, ast::Statement::Kind::Emit);
    EXPECT_EQ(t.body[1].kind, ast::Statement::Kind::Assign);
    EXPECT_EQ(t.body[1].target, "V_m");
    EXPECT_EQ(sexpr(t.body[1].value), "V_reset");
    const ast::Statement& refractory = t.body[2];
    EXPECT_EQ(refractory.kind, ast::Statement::Kind::Refractory);
    EXPECT_EQ(sexpr(refractory.value), "t_ref");
    expect_range(refractory.value->range, 32, 20, 32, 24);
    ASSERT_EQ(refractory.clamped.size(), 1u);
    EXPECT_EQ(refractory.clamped[0].name, "V_m");
    expect_range(refractory.clamped[0].name_range, 32, 32, 32, 34);
    EXPECT_EQ(refractory.range.begin.col, 9u);
}

TEST(ParseRealFiles, IafPscDelta) {
    Session s;
    auto file = parse_repo_file(s, "stdlib/neurons/iaf_psc_delta.nml");
    ASSERT_TRUE(file) << s.output();
    ASSERT_EQ(file->neurons.size(), 1u);
    const ast::Neuron& n = file->neurons[0];
    EXPECT_EQ(n.name, "iaf_psc_delta");
    EXPECT_EQ(n.parameters.size(), 7u);
    EXPECT_EQ(n.state.size(), 1u);
    EXPECT_EQ(n.equations.size(), 1u);
    EXPECT_EQ(n.inputs.size(), 1u);
    ASSERT_EQ(n.receptors.size(), 2u);
    EXPECT_EQ(sexpr(n.receptors[0].weight_unit), "mV");
    ASSERT_EQ(n.thresholds.size(), 1u);
    EXPECT_EQ(n.thresholds[0].body.size(), 3u);
}

TEST(ParseRealFiles, Brunel2000) {
    Session s;
    auto file = parse_repo_file(s, "examples/brunel2000.nml");
    ASSERT_TRUE(file) << s.output();
    ASSERT_EQ(file->imports.size(), 1u);
    EXPECT_EQ(file->imports[0].path, "stdlib/neurons/iaf_psc_delta.nml");
    expect_range(file->imports[0].range, 7, 1, 7, 41);
    expect_range(file->imports[0].path_range, 7, 8, 7, 41);
    ASSERT_EQ(file->networks.size(), 1u);
    const ast::Network& net = file->networks[0];
    EXPECT_EQ(net.name, "brunel2000");
    expect_range(net.name_range, 9, 9, 9, 18);

    std::vector<const ast::Let*> lets;
    std::vector<const ast::Population*> pops;
    std::vector<const ast::Projection*> projections;
    std::vector<const ast::Stimulus*> stimuli;
    std::vector<const ast::Record*> records;
    std::vector<const ast::Simulate*> simulates;
    for (const auto& item : net.items) {
        if (auto* x = std::get_if<ast::Let>(&item)) lets.push_back(x);
        if (auto* x = std::get_if<ast::Population>(&item)) pops.push_back(x);
        if (auto* x = std::get_if<ast::Projection>(&item)) projections.push_back(x);
        if (auto* x = std::get_if<ast::Stimulus>(&item)) stimuli.push_back(x);
        if (auto* x = std::get_if<ast::Record>(&item)) records.push_back(x);
        if (auto* x = std::get_if<ast::Simulate>(&item)) simulates.push_back(x);
    }
    ASSERT_EQ(lets.size(), 14u);
    ASSERT_EQ(pops.size(), 2u);
    ASSERT_EQ(projections.size(), 4u);
    ASSERT_EQ(stimuli.size(), 2u);
    ASSERT_EQ(records.size(), 1u);
    ASSERT_EQ(simulates.size(), 1u);
    // Items keep source order: the lets come first.
    EXPECT_TRUE(std::holds_alternative<ast::Let>(net.items.front()));
    EXPECT_TRUE(std::holds_alternative<ast::Simulate>(net.items.back()));

    EXPECT_EQ(lets[0]->binding.name, "scale");
    EXPECT_EQ(sexpr(lets[0]->binding.value), "1");
    EXPECT_EQ(sexpr(lets[4]->binding.value), "round((* 10000 scale))");
    EXPECT_EQ(sexpr(lets[8]->binding.value), "0.1[mV]");
    EXPECT_EQ(sexpr(lets[12]->binding.value), "(/ theta (* (* J C_E) tau))");
    expect_range(lets[13]->binding.range, 23, 5, 23, 31);

    const ast::Population& e = *pops[0];
    EXPECT_EQ(e.name, "E");
    expect_range(e.name_range, 25, 16, 25, 16);
    EXPECT_EQ(e.model, "iaf_psc_delta");
    expect_range(e.model_range, 25, 20, 25, 32);
    EXPECT_EQ(sexpr(e.size), "N_E");
    expect_range(e.size->range, 25, 34, 25, 36);
    ASSERT_EQ(e.overrides.size(), 7u);
    EXPECT_EQ(e.overrides[0].name, "C_m");
    EXPECT_EQ(sexpr(e.overrides[0].value), "1[pF]");
    EXPECT_EQ(sexpr(e.overrides[6].value), "uniform(0[mV], 20[mV])");

    const ast::Projection& ie = *projections[2];
    ASSERT_EQ(ie.source.size(), 1u);
    ASSERT_EQ(ie.target.size(), 1u);
    EXPECT_EQ(ie.source[0].name, "I");
    EXPECT_EQ(ie.target[0].name, "E");
    expect_range(ie.source[0].name_range, 38, 13, 38, 13);
    expect_range(ie.target[0].name_range, 38, 18, 38, 18);
    expect_range(ie.range, 38, 5, 38, 96);
    ASSERT_EQ(ie.settings.size(), 4u);
    EXPECT_EQ(ie.settings[0].name, "connect");
    EXPECT_EQ(sexpr(ie.settings[0].value), "fixed_indegree(C_I)");
    EXPECT_EQ(sexpr(ie.settings[1].value), "(* (- g) J)");
    EXPECT_EQ(ie.settings[3].name, "receptor");
    EXPECT_EQ(sexpr(ie.settings[3].value), "inh");

    const ast::Stimulus& stim = *stimuli[0];
    ASSERT_EQ(stim.target.size(), 1u);
    EXPECT_EQ(stim.target[0].name, "E");
    ASSERT_TRUE(stim.generator);
    EXPECT_EQ(stim.generator->kind, ast::ExprKind::Call);
    EXPECT_EQ(sexpr(stim.generator), "poisson(rate=(* C_E nu_ext))");
    expect_range(stim.generator->range, 41, 22, 41, 49);
    ASSERT_EQ(stim.options.size(), 2u);
    EXPECT_EQ(stim.options[0].name, "weight");
    expect_range(stim.options[0].name_range, 41, 51, 41, 56);
    EXPECT_EQ(sexpr(stim.options[0].value), "J");
    EXPECT_EQ(stim.options[1].name, "receptor");
    EXPECT_EQ(sexpr(stim.options[1].value), "exc");
    expect_range(stim.options[1].range, 41, 60, 41, 71);

    ASSERT_EQ(records[0]->what.size(), 1u);
    EXPECT_EQ(records[0]->what[0].name, "spikes");
    ASSERT_EQ(records[0]->target.size(), 1u);
    EXPECT_EQ(records[0]->target[0].name, "all");
    EXPECT_FALSE(records[0]->target[0].first);
    EXPECT_FALSE(records[0]->interval);
    expect_range(records[0]->what[0].range, 44, 12, 44, 17);
    expect_range(records[0]->target[0].name_range, 44, 22, 44, 24);

    ASSERT_EQ(simulates[0]->settings.size(), 3u);
    EXPECT_EQ(simulates[0]->settings[0].name, "dt");
    EXPECT_EQ(sexpr(simulates[0]->settings[0].value), "0.1[ms]");
    expect_range(simulates[0]->settings[0].value->range, 45, 21, 45, 26);
    EXPECT_EQ(sexpr(simulates[0]->settings[2].value), "12345");
}

// The example of the language description, with every network item form.
TEST(Parse, EveryNetworkItem) {
    Session s;
    auto file = s.parse(R"(
network brunel {
    let scale = 0.5
    let N_E   = round(10000 * scale)
    let J     = 0.1 mV
    population E = iaf_psc_delta[N_E] {
        C_m = 1 pF; tau_m = 20 ms
        V_m = uniform(0 mV, 20 mV)
    }
    population P = iaf_psc_delta[10]
    project E -> E { connect = fixed_indegree(C_E, autapses = false); weight = J; delay = 1.5 ms; receptor = exc }
    stimulate E with poisson(rate = 8 Hz) weight J receptor exc
    stimulate E with dc(amplitude = 376 pA, start = 10 ms) into I_stim
    record spikes of E
    record spikes of all
    simulate { dt = 0.1 ms; duration = 1000 ms; seed = 12345 }
}
)");
    ASSERT_TRUE(file) << s.output();
    const auto& items = file->networks.at(0).items;
    ASSERT_EQ(items.size(), 11u);
    EXPECT_TRUE(std::get<ast::Population>(items[4]).overrides.empty());
    EXPECT_EQ(sexpr(std::get<ast::Population>(items[4]).size), "10");
    const auto& project = std::get<ast::Projection>(items[5]);
    EXPECT_EQ(sexpr(project.settings[0].value), "fixed_indegree(C_E, autapses=false)");
    EXPECT_EQ(sexpr(project.settings[2].value), "1.5[ms]");
    const auto& dc = std::get<ast::Stimulus>(items[7]);
    EXPECT_EQ(sexpr(dc.generator), "dc(amplitude=376[pA], start=10[ms])");
    ASSERT_EQ(dc.options.size(), 1u);
    EXPECT_EQ(dc.options[0].name, "into");
    EXPECT_EQ(sexpr(dc.options[0].value), "I_stim");
    EXPECT_EQ(std::get<ast::Record>(items[8]).target.at(0).name, "E");
    EXPECT_EQ(std::get<ast::Record>(items[9]).target.at(0).name, "all");
}

TEST(Parser, RecordTakesStateVariablesASliceAndAnInterval) {
    Session s;
    auto file = s.parse(R"(
network n {
    record V_m, I_ex of E[0:N / 2] every 0.5 ms
    record V_m of I
}
)");
    ASSERT_TRUE(file) << s.output();
    const auto& items = file->networks.at(0).items;
    ASSERT_EQ(items.size(), 2u);
    const auto& r = std::get<ast::Record>(items[0]);
    ASSERT_EQ(r.what.size(), 2u);
    EXPECT_EQ(r.what[0].name, "V_m");
    EXPECT_EQ(r.what[1].name, "I_ex");
    expect_range(r.what[1].range, 3, 17, 3, 20);
    ASSERT_EQ(r.target.size(), 1u);
    EXPECT_EQ(r.target[0].name, "E");
    EXPECT_EQ(sexpr(r.target[0].first), "0");
    EXPECT_EQ(sexpr(r.target[0].last), "(/ N 2)");
    expect_range(r.target[0].slice_range, 3, 26, 3, 34);
    EXPECT_EQ(r.every_word, "every");
    EXPECT_EQ(sexpr(r.interval), "0.5[ms]");
    const auto& plain = std::get<ast::Record>(items[1]);
    EXPECT_FALSE(plain.target.at(0).first);
    EXPECT_FALSE(plain.interval);
}

TEST(Parser, ArraysIndexingAndStrings) {
    Session s;
    auto file = s.parse(R"(
network n {
    let names = ["L23E", "L\"4\"E",]
    let P = [[0.1, 0.2], [0.3, 0.4]]
    let d = [1 ms, 2 ms]
    let empty = []
    let x = P[i][j + 1] * 2
    population names[0] = m[N[0]]
}
)");
    ASSERT_TRUE(file) << s.output();
    const auto& items = file->networks.at(0).items;
    ASSERT_EQ(items.size(), 6u);
    EXPECT_EQ(sexpr(std::get<ast::Let>(items[0]).binding.value), R"(["L23E", "L"4"E"])");
    EXPECT_EQ(sexpr(std::get<ast::Let>(items[1]).binding.value), "[[0.1, 0.2], [0.3, 0.4]]");
    EXPECT_EQ(sexpr(std::get<ast::Let>(items[2]).binding.value), "[1[ms], 2[ms]]");
    EXPECT_EQ(sexpr(std::get<ast::Let>(items[3]).binding.value), "[]");
    const auto& x = std::get<ast::Let>(items[4]).binding.value;
    EXPECT_EQ(sexpr(x), "(* P[i][(+ j 1)] 2)");
    expect_range(x->args[0]->range, 7, 13, 7, 23);
    const auto& pop = std::get<ast::Population>(items[5]);
    EXPECT_EQ(pop.name, "names");
    EXPECT_EQ(sexpr(pop.name_from_table), "names[0]");
    EXPECT_EQ(sexpr(pop.size), "N[0]");
}

TEST(Parser, LoopsSlicesAndUnions) {
    Session s;
    auto file = s.parse(R"(
network n {
    for post in 0..8, pre in 0..len(N) {
        let k = 2
        project names[pre] -> E[0:10] + I { connect = all_to_all(); weight = 1 pA }
    }
    stimulate E[5:10] + names[1] with dc(1 pA)
    record spikes of E + I
}
)");
    ASSERT_TRUE(file) << s.output();
    const auto& items = file->networks.at(0).items;
    ASSERT_EQ(items.size(), 3u);
    const auto& loop = *std::get<std::unique_ptr<ast::Loop>>(items[0]);
    ASSERT_EQ(loop.ranges.size(), 2u);
    EXPECT_EQ(loop.ranges[0].var, "post");
    EXPECT_EQ(sexpr(loop.ranges[0].first), "0");
    EXPECT_EQ(sexpr(loop.ranges[0].last), "8");
    EXPECT_EQ(sexpr(loop.ranges[1].last), "len(N)");
    ASSERT_EQ(loop.body.size(), 2u);
    const auto& project = std::get<ast::Projection>(loop.body[1]);
    ASSERT_EQ(project.source.size(), 1u);
    EXPECT_EQ(sexpr(project.source[0].name_from_table), "names[pre]");
    ASSERT_EQ(project.target.size(), 2u);
    EXPECT_EQ(project.target[0].name, "E");
    EXPECT_EQ(sexpr(project.target[0].last), "10");
    EXPECT_EQ(project.target[1].name, "I");
    const auto& stim = std::get<ast::Stimulus>(items[1]);
    ASSERT_EQ(stim.target.size(), 2u);
    EXPECT_EQ(sexpr(stim.target[0].first), "5");
    EXPECT_EQ(sexpr(stim.target[1].name_from_table), "names[1]");
    EXPECT_EQ(std::get<ast::Record>(items[2]).target.size(), 2u);
}

TEST(Parse, StatementsAndSeparators) {
    Session s;
    auto file = s.parse(R"(neuron n {
    parameters { a = 1; b = 2 ;; c = 3 }
    state {}
    equations { x' = -x; y' = x
                z' = 0 }
    on x > 1 and not (y <= 2) { x -= 1; y *= 2; z = 0; emit spike; refractory 2 ms clamp x, y }
};)");
    ASSERT_TRUE(file) << s.output();
    const ast::Neuron& n = file->neurons.at(0);
    EXPECT_EQ(n.parameters.size(), 3u);
    EXPECT_TRUE(n.state.empty());
    EXPECT_EQ(n.equations.size(), 3u);
    ASSERT_EQ(n.thresholds.size(), 1u);
    EXPECT_EQ(sexpr(n.thresholds[0].condition), "(and (> x 1) (not (<= y 2)))");
    const auto& body = n.thresholds[0].body;
    ASSERT_EQ(body.size(), 5u);
    EXPECT_EQ(body[0].kind, ast::Statement::Kind::Subtract);
    EXPECT_EQ(body[1].kind, ast::Statement::Kind::Multiply);
    EXPECT_EQ(body[2].kind, ast::Statement::Kind::Assign);
    EXPECT_EQ(body[3].kind, ast::Statement::Kind::Emit);
    EXPECT_EQ(body[4].kind, ast::Statement::Kind::Refractory);
    EXPECT_EQ(sexpr(body[4].value), "2[ms]");
    ASSERT_EQ(body[4].clamped.size(), 2u);
    EXPECT_EQ(body[4].clamped[1].name, "y");
}

TEST(Parse, SolverItemWithAndWithoutOptions) {
    Session s;
    auto file = s.parse("neuron a { solver rk4 }\n"
                        "neuron b { solver rkf45(atol = 1e-8, 2) }\n"
                        "neuron c { solver exact() }\n");
    ASSERT_TRUE(file) << s.output();
    ASSERT_EQ(file->neurons.size(), 3u);
    const auto& a = file->neurons[0].solvers;
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].name, "rk4");
    expect_range(a[0].name_range, 1, 19, 1, 21);
    EXPECT_TRUE(a[0].options.empty());
    const auto& b = file->neurons[1].solvers.at(0);
    EXPECT_EQ(b.name, "rkf45");
    ASSERT_EQ(b.options.size(), 2u);
    EXPECT_EQ(b.options[0].name, "atol");
    EXPECT_EQ(sexpr(b.options[0].value), "1e-08");
    expect_range(b.options[0].range, 2, 25, 2, 35);
    EXPECT_EQ(b.options[1].name, "") << "positional: sema refuses it";
    EXPECT_EQ(file->neurons[2].solvers.at(0).options.size(), 0u);
}

// A newline does not end a value, so `5` followed by a name on the next line must not take
// that name as its unit; the name starts the next binding.
TEST(Parse, UnitIsNotTakenFromTheNextBinding) {
    Session s;
    auto file =
        s.parse("neuron n {\n parameters {\n  a = 5\n  b = 3 mV\n  c = 2\n }\n"
                " on a > 1 { a = 5\n b += 1 }\n}\n"
                "network w { stimulate E with dc(amplitude = 1 pA) weight 2 receptor exc }\n");
    ASSERT_TRUE(file) << s.output();
    const ast::Neuron& n = file->neurons.at(0);
    ASSERT_EQ(n.parameters.size(), 3u);
    EXPECT_EQ(sexpr(n.parameters[0].value), "5");
    EXPECT_EQ(sexpr(n.parameters[1].value), "3[mV]");
    EXPECT_EQ(n.thresholds.at(0).body.size(), 2u);
    const auto& stim = std::get<ast::Stimulus>(file->networks.at(0).items.at(0));
    ASSERT_EQ(stim.options.size(), 2u);
    EXPECT_EQ(sexpr(stim.options[0].value), "2");
    EXPECT_EQ(stim.options[1].name, "receptor");
}

// ---------------------------------------------------------------------------------------
// Expressions

TEST(ParseExpression, Precedence) {
    Session s;
    EXPECT_EQ(sexpr(s.expression("-x^2")), "(- (^ x 2))");
    EXPECT_EQ(sexpr(s.expression("a + b * c")), "(+ a (* b c))");
    EXPECT_EQ(sexpr(s.expression("a - b - c")), "(- (- a b) c)");
    EXPECT_EQ(sexpr(s.expression("a / b * c")), "(* (/ a b) c)");
    EXPECT_EQ(sexpr(s.expression("a < b and c")), "(and (< a b) c)");
    EXPECT_EQ(sexpr(s.expression("a or b and c")), "(or a (and b c))");
    EXPECT_EQ(sexpr(s.expression("not a == b or c")), "(or (not (== a b)) c)");
    EXPECT_EQ(sexpr(s.expression("a + b >= c * d")), "(>= (+ a b) (* c d))");
    EXPECT_EQ(sexpr(s.expression("2^3^2")), "(^ 2 (^ 3 2))");
    EXPECT_EQ(sexpr(s.expression("2^-x^2")), "(^ 2 (- (^ x 2)))");
    EXPECT_EQ(sexpr(s.expression("-2 * -x")), "(* (- 2) (- x))");
    EXPECT_EQ(sexpr(s.expression("+x - -y")), "(- (+ x) (- y))");
    EXPECT_EQ(sexpr(s.expression("(a + b) * c")), "(* (+ a b) c)");
    EXPECT_EQ(sexpr(s.expression("1 mV / ms")), "(/ 1[mV] ms)");
    EXPECT_EQ(sexpr(s.expression("f(1, g(x), name = 2 mV, flag = true)")),
              "f(1, g(x), name=2[mV], flag=true)");
    EXPECT_EQ(sexpr(s.expression("f()")), "f()");
    EXPECT_EQ(sexpr(s.expression("false")), "false");
    EXPECT_EQ(sexpr(s.expression("a != b")), "(!= a b)");
    EXPECT_EQ(s.output(), "");
}

TEST(ParseExpression, KindsAndNamedArguments) {
    Session s;
    auto call = s.expression("fixed_indegree(100, autapses = false)");
    ASSERT_TRUE(call);
    EXPECT_EQ(call->kind, ast::ExprKind::Call);
    EXPECT_EQ(call->name, "fixed_indegree");
    ASSERT_EQ(call->args.size(), 2u);
    ASSERT_EQ(call->arg_names.size(), 2u);
    EXPECT_EQ(call->arg_names[0], "");
    EXPECT_EQ(call->arg_names[1], "autapses");
    EXPECT_EQ(call->args[1]->kind, ast::ExprKind::Bool);
    EXPECT_EQ(call->args[1]->number, 0.0);
    EXPECT_EQ(s.expression("true")->number, 1.0);
    auto logical = s.expression("a and b");
    EXPECT_EQ(logical->kind, ast::ExprKind::Logical);
    EXPECT_EQ(logical->op, "and");
    EXPECT_EQ(s.expression("a <= b")->kind, ast::ExprKind::Compare);
    EXPECT_EQ(s.expression("a ^ b")->kind, ast::ExprKind::Binary);
    auto unary = s.expression("not a");
    EXPECT_EQ(unary->kind, ast::ExprKind::Unary);
    EXPECT_EQ(unary->op, "not");
}

TEST(ParseExpression, Numbers) {
    Session s;
    auto plain = s.expression("0.2");
    ASSERT_TRUE(plain) << s.output();
    EXPECT_EQ(plain->kind, ast::ExprKind::Number);
    EXPECT_DOUBLE_EQ(plain->number, 0.2);
    EXPECT_TRUE(plain->unit.empty());
    expect_range(plain->range, 1, 1, 1, 3);

    auto quantity = s.expression("10 mV");
    ASSERT_TRUE(quantity) << s.output();
    EXPECT_EQ(quantity->kind, ast::ExprKind::Number);
    EXPECT_EQ(quantity->number, 10.0);
    EXPECT_EQ(quantity->unit, "mV");
    expect_range(quantity->range, 1, 1, 1, 5);
    expect_range(quantity->unit_range, 1, 4, 1, 5);

    EXPECT_DOUBLE_EQ(s.expression("1e-3")->number, 1e-3);
    EXPECT_DOUBLE_EQ(s.expression("2.5E+2")->number, 250.0);
    EXPECT_DOUBLE_EQ(s.expression(".5")->number, 0.5);
    EXPECT_DOUBLE_EQ(s.expression("10")->number, 10.0);
    EXPECT_EQ(s.expression("5ms")->unit, "ms"); // no space needed
    EXPECT_EQ(s.expression("1e-999")->number, 0.0);
    EXPECT_EQ(s.output(), "");
}

TEST(ParseExpression, Errors) {
    Session s;
    EXPECT_FALSE(s.expression(""));
    EXPECT_FALSE(s.expression("3 4"));
    EXPECT_FALSE(s.expression("1e999"));
    EXPECT_FALSE(s.expression("a < b < c"));
    EXPECT_FALSE(s.expression("f(1,"));
    EXPECT_EQ(s.diags.error_count(), 5u) << s.output();
    EXPECT_NE(s.output().find("<expr>:1:1: error: unexpected end of input; expected an expression"),
              std::string::npos)
        << s.output();
    EXPECT_NE(s.output().find("number '1e999' is too large"), std::string::npos);
    EXPECT_NE(s.output().find("error: comparisons cannot be chained"), std::string::npos);
    EXPECT_NE(s.output().find("hint: write 'a < b and b < c'"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Syntax errors: several per file, in plain words, at the right token

TEST(SyntaxErrors, SeveralReportedInOneFile) {
    Session s;
    auto file = s.parse("neuron a {\n"
                        "    parameters { x = 1 + }\n"
                        "    state { y = ) }\n"
                        "    equations { y' = 1 }\n"
                        "}\n"
                        "network n { population P = a[10 }\n",
                        "many.nml");
    EXPECT_FALSE(file);
    EXPECT_GE(s.diags.error_count(), 2u) << s.output();
    std::string out = s.output();
    EXPECT_NE(out.find("many.nml:2:26: error: unexpected '}'; expected an expression"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("many.nml:3:17: error: unexpected ')'"), std::string::npos) << out;
    EXPECT_NE(out.find("many.nml:6:33: error: unexpected '}'"), std::string::npos) << out;
    EXPECT_NE(out.find("note: to match this '['"), std::string::npos) << out;
}

TEST(SyntaxErrors, MissingCloseBraceAtEndOfFile) {
    Session s;
    EXPECT_FALSE(s.parse("neuron x {\n"
                         "    parameters {\n"
                         "        C_m = 250 pF\n"
                         "    }\n",
                         "open.nml"));
    EXPECT_EQ(
        s.output(),
        "open.nml:4:6: error: expected '}' to close the block of neuron 'x' opened at line 1\n"
        "    4 |     }\n"
        "      |      ^\n"
        "open.nml:1:10: note: the block of neuron 'x' opens here\n"
        "    1 | neuron x {\n"
        "      |          ^\n");
}

TEST(SyntaxErrors, MissingCloseBraceOfAnInnerBlock) {
    Session s;
    EXPECT_FALSE(s.parse("neuron x {\n"
                         "    on V_m >= V_th {\n"
                         "        emit spike\n"
                         "}\n",
                         "inner.nml"));
    std::string out = s.output();
    EXPECT_EQ(s.diags.error_count(), 1u) << out;
    EXPECT_NE(out.find("inner.nml:4:2: error: expected '}' to close the block of neuron 'x' "
                       "opened at line 1"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("inner.nml:4:1: note: this '}' closes the block of 'on V_m >= V_th' "
                       "(opened at line 2)"),
              std::string::npos)
        << out;
}

TEST(SyntaxErrors, UnitLikeJunkAfterABinding) {
    Session s;
    EXPECT_FALSE(s.parse("neuron x {\n"
                         "    parameters {\n"
                         "        C_m = 250 pF pF\n"
                         "        tau_m = 10 ms\n"
                         "    }\n"
                         "}\n",
                         "junk.nml"));
    EXPECT_EQ(s.output(), "junk.nml:3:22: error: unexpected 'pF' after 'C_m = 250 pF'\n"
                          "    3 |         C_m = 250 pF pF\n"
                          "      |                      ^~\n"
                          "hint: a number takes a single unit name; write a compound unit as an "
                          "expression, as in '1 mV / ms'\n");
}

TEST(SyntaxErrors, UnexpectedTokenInABlockListsTheAlternatives) {
    Session s;
    EXPECT_FALSE(s.parse("neuron x {\n    foo\n}\n", "f.nml"));
    EXPECT_EQ(s.output(), "f.nml:2:5: error: unexpected 'foo' in the block of neuron 'x'; "
                          "expected one of 'parameters', 'state', 'equations', 'input', 'on', "
                          "'solver', 'channels' or '}'\n"
                          "    2 |     foo\n"
                          "      |     ^~~\n");
}

TEST(SyntaxErrors, CommonMistakesGetHints) {
    struct Case {
        const char* text;
        const char* message;
        const char* hint;
    };
    const Case cases[] = {
        {"neuron x { state { a = 1, b = 2 } }", "1:25: error: unexpected ','",
         "hint: separate bindings and statements with a newline or ';'"},
        {"neuron x { input state : pA }",
         "1:18: error: 'state' is a reserved word and cannot be used as a name", "hint: "},
        {"neuron x { on V_m = V_th { emit spike } }", "1:19: error: '=' in a condition",
         "hint: '=' assigns; write '==' to compare"},
        {"neuron x { equations { V = 1 } }",
         "1:24: error: expected a derivative such as V' = ... in the 'equations' block",
         "hint: write V' for the derivative of V"},
        {"import 'x'", "1:8: error: unexpected '''; expected a string",
         "hint: strings are written in double quotes"},
        {"network n { stimulate E with dc(amplitude = 1 pA) into\n record spikes of E }",
         "1:51: error: expected a value after 'into', found 'record'",
         "hint: stimulus options are written 'word value'"},
        {"network n { stimulate E with 5 }", "1:30: error: expected a generator call after 'with'",
         "hint: write for example"},
        {"network n { let x = 1 < 2 < 3 }", "1:27: error: comparisons cannot be chained",
         "hint: write '1 < 2 and 2 < 3'"},
    };
    for (const Case& c : cases) {
        Session s;
        EXPECT_FALSE(s.parse(c.text)) << c.text;
        EXPECT_EQ(s.diags.error_count(), 1u) << c.text << "\n" << s.output();
        EXPECT_NE(s.output().find(std::string("t.nml:") + c.message), std::string::npos)
            << c.text << "\n"
            << s.output();
        EXPECT_NE(s.output().find(c.hint), std::string::npos) << c.text << "\n" << s.output();
    }
}

TEST(SyntaxErrors, BadCharactersAndStrings) {
    Session s;
    EXPECT_FALSE(s.parse("neuron y { $ parameters { a = 1 @@ } }\n"
                         "import \"unterminated\n"
                         "neuron z { parameters { τ_m = 1 ms } }\n",
                         "chars.nml"));
    std::string out = s.output();
    EXPECT_EQ(s.diags.error_count(), 4u) << out;
    EXPECT_NE(out.find("chars.nml:1:12: error: unexpected character '$'"), std::string::npos)
        << out;
    EXPECT_NE(out.find("chars.nml:1:33: error: unexpected characters '@@'"), std::string::npos)
        << out;
    EXPECT_NE(out.find("chars.nml:2:8: error: unterminated string"), std::string::npos) << out;
    EXPECT_NE(out.find("chars.nml:3:25: error: invalid character in the name 'τ_m'"),
              std::string::npos)
        << out;
    // Errors come out in source order although the stray characters are found first.
    EXPECT_LT(out.find("1:33"), out.find("2:8"));
}

TEST(SyntaxErrors, MicroSignBeforeAUnitIsAName) {
    Session s;
    // U+00B5 (micro sign) and U+03BC (Greek mu) both appear in published parameter tables.
    EXPECT_TRUE(s.parse("network n { let a = 10 \xC2\xB5s; let b = 2 \xCE\xBCm }\n", "micro.nml"))
        << s.output();
    EXPECT_EQ(s.diags.error_count(), 0u) << s.output();
    EXPECT_FALSE(s.parse("network n { let a = 10 \xC2\xB5_s }\n", "micro2.nml"));
    EXPECT_NE(s.output().find("invalid character in the name"), std::string::npos) << s.output();
    // Not where a name is declared.
    Session d;
    EXPECT_FALSE(d.parse("neuron u { parameters { \xC2\xB5"
                         "a = 1 ms } }\n",
                         "micro3.nml"));
    EXPECT_NE(d.output().find("micro3.nml:1:25: error: invalid character in the name"),
              std::string::npos)
        << d.output();
}

// ---------------------------------------------------------------------------------------
// Garbage never crashes

TEST(Robustness, EmptyAndCommentOnlyFiles) {
    Session s;
    auto empty = s.parse("");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->neurons.empty() && empty->networks.empty() && empty->imports.empty());
    auto comments = s.parse("# nothing\n   # but comments\n#");
    ASSERT_TRUE(comments);
    EXPECT_TRUE(comments->neurons.empty());
    EXPECT_EQ(s.output(), "");
}

TEST(Robustness, UnterminatedString) {
    Session s;
    EXPECT_FALSE(s.parse("import \"stdlib/x.nml"));
    EXPECT_FALSE(s.parse("import \"abc\\"));
    EXPECT_EQ(s.diags.error_count(), 2u) << s.output();
}

TEST(Robustness, RandomBytes) {
    std::mt19937 rng(20240601);
    for (int round = 0; round < 200; ++round) {
        std::string text(rng() % 2000, '\0');
        for (char& c : text)
            c = static_cast<char>(rng() % 256);
        Session s;
        EXPECT_FALSE(s.parse(text)) << "round " << round;
        EXPECT_GE(s.diags.error_count(), 1u);
        EXPECT_LE(s.diags.error_count(), 25u); // the cap on syntax errors per file
    }
}

TEST(Robustness, RandomTokens) {
    // Plausible tokens in random order reach deeper into the grammar than random bytes.
    const char* words[] = {
        "neuron", "network",   "{",     "}",      "(",          ")",          "[",
        "]",      "=",         "'",     "x",      "1",          "mV",         "on",
        "spike",  "emit",      ";",     ",",      "+",          "-",          "*",
        "^",      "<",         "and",   "not",    "let",        "population", "project",
        "->",     "stimulate", "with",  "record", "of",         "simulate",   "parameters",
        "state",  "equations", "input", ":",      "refractory", "clamp",      "import",
        "\"s\"",  "true",      "\n",    "#c\n",   "solver",     "rkf45"};
    std::mt19937 rng(7);
    for (int round = 0; round < 300; ++round) {
        std::string text;
        size_t n = rng() % 200;
        for (size_t i = 0; i < n; ++i)
            text += std::string(words[rng() % std::size(words)]) + " ";
        Session s;
        s.parse(text); // may or may not parse; must not crash
        if (s.diags.error_count() == 0) continue;
        EXPECT_NE(s.output().find("t.nml:"), std::string::npos);
    }
}

TEST(Robustness, DeepParenthesesAreRefused) {
    Session s;
    EXPECT_FALSE(s.expression(std::string(10000, '(')));
    EXPECT_FALSE(s.expression(std::string(10000, '(') + "x" + std::string(10000, ')')));
    EXPECT_FALSE(s.parse("network n { let a = " + std::string(100000, '[') + " }"));
    std::string out = s.output();
    EXPECT_EQ(s.diags.error_count(), 3u) << out.substr(0, 2000);
    EXPECT_NE(out.find("error: expression nested too deeply"), std::string::npos);
    // Moderate nesting is fine.
    Session ok;
    EXPECT_EQ(sexpr(ok.expression(std::string(200, '(') + "x" + std::string(200, ')'))), "x");
}

TEST(Robustness, LongOperatorChainsAreRefused) {
    auto chain = [](const std::string& unit, size_t n) {
        std::string text;
        for (size_t i = 0; i < n; ++i)
            text += unit;
        return text;
    };
    Session s;
    EXPECT_FALSE(s.expression(chain("1+", 100000) + "1"));
    EXPECT_FALSE(s.expression(chain("- ", 100000) + "x"));
    EXPECT_FALSE(s.expression(chain("not ", 100000) + "x"));
    EXPECT_FALSE(s.expression(chain("2^", 100000) + "2"));
    EXPECT_FALSE(s.expression("2" + chain("^-2", 100000)));
    EXPECT_FALSE(s.expression(chain("f(", 300) + "x" + chain(")", 300)));
    EXPECT_EQ(s.diags.error_count(), 6u);
    EXPECT_NE(s.output().find("error: expression nested too deeply"), std::string::npos);
    // A long but reasonable sum is accepted.
    Session ok;
    EXPECT_TRUE(ok.expression(chain("x+", 500) + "x")) << ok.output().substr(0, 500);
}

TEST(Robustness, ManyStrayBracesStopAtTheCap) {
    Session s;
    EXPECT_FALSE(s.parse(std::string(100000, '}')));
    EXPECT_FALSE(s.parse(std::string(100000, '{')));
    EXPECT_FALSE(s.parse(std::string(100000, '\0')));
    EXPECT_LE(s.diags.error_count(), 75u);
}

} // namespace
} // namespace nnc

namespace nnc {
namespace {

// ---------------------------------------------------------------------------------------
// An entry typed at `nnc repl`'s prompt

TEST(ParseSessionInput, DeclarationsAndNetworkStatementsInOrder) {
    test::Session s;
    const FileId id = s.sources.add("<repl:1>", "import \"stdlib/neurons/iaf_psc_delta.nml\"\n"
                                                "neuron n { parameters { a = 1 } }\n"
                                                "population E = n[10]\n"
                                                "project E -> E { weight = 1 }\n"
                                                "network more { let x = 2 }");
    auto input = parse_session_input(id, s.sources, s.diags);
    ASSERT_TRUE(input) << s.output();
    EXPECT_EQ(input->declarations.imports.size(), 1u);
    ASSERT_EQ(input->declarations.neurons.size(), 1u);
    EXPECT_EQ(input->declarations.neurons[0].name, "n");
    ASSERT_EQ(input->network_items.size(), 2u);
    const auto* pop = std::get_if<ast::Population>(&input->network_items[0]);
    ASSERT_NE(pop, nullptr);
    EXPECT_EQ(pop->name, "E");
    expect_range(pop->range, 3, 1, 3, 20);
    EXPECT_TRUE(std::holds_alternative<ast::Projection>(input->network_items[1]));
    ASSERT_EQ(input->declarations.networks.size(), 1u);
    EXPECT_EQ(input->declarations.networks[0].name, "more");
}

TEST(ParseSessionInput, ASyntaxErrorIsPlacedInTheEntry) {
    test::Session s;
    const FileId id = s.sources.add("<repl:4>", "population E = [10]");
    EXPECT_FALSE(parse_session_input(id, s.sources, s.diags));
    EXPECT_NE(s.output().find("<repl:4>:1:16: error:"), std::string::npos) << s.output();
}

} // namespace
} // namespace nnc
