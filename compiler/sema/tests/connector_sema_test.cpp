// The connection rules added to fixed probability and in-degree: what sema makes of them,
// and each of their errors with its message and place (line:col in the .nml file, or in the
// CSV file for a list).
#include "ir/evaluate.h"
#include "sema_test_util.h"

#include <cmath>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace nnc;
using nnc::sema_test::contains;
using nnc::sema_test::Sema;

namespace {

const char* lif = R"(neuron lif {
    parameters { C_m = 250 pF; tau_m = 10 ms; E_L = -70 mV; V_th = -55 mV }
    state { V_m = E_L; I_syn = 0 pA }
    equations { V_m' = -(V_m - E_L) / tau_m + I_syn / C_m; I_syn' = -I_syn / 2 ms }
    on spike exc(w: pA) { I_syn += w }
    on V_m >= V_th { emit spike; V_m = E_L }
}
)";

std::string with_lif(const std::string& network) {
    return std::string(lif) + network;
}

/// A CSV file in a fresh temporary directory, removed with the object.
class CsvFile {
public:
    explicit CsvFile(const std::string& text) {
        dir_ = std::filesystem::temp_directory_path() /
               ("nnc-csv-test-" + std::to_string(::getpid()) + "-" + std::to_string(count_++));
        std::filesystem::create_directories(dir_);
        std::ofstream(path()) << text;
    }
    ~CsvFile() { std::filesystem::remove_all(dir_); }
    std::string path() const { return (dir_ / "conn.csv").string(); }

private:
    static inline int count_ = 0;
    std::filesystem::path dir_;
};

std::string csv_network(const std::string& path, const std::string& settings = "weight = 1 pA") {
    return with_lif("network net {\n    population A = lif[3]\n    population B = lif[4]\n"
                    "    project A -> B { connect = from_csv(\"" +
                    path + "\"); " + settings + " }\n}\n");
}

} // namespace

TEST(ConnectorSema, OutdegreeAndTotalNumber) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population A = lif[10]
    population B = lif[20]
    project A -> B { connect = fixed_outdegree(5, multapses = false); weight = 1 pA }
    project A -> A { connect = fixed_total_number(n = 90, autapses = false, multapses = false); weight = 1 pA }
    project B -> A { connect = fixed_total_number(1000); weight = 1 pA }
}
)"));
    ASSERT_TRUE(p) << s.text();
    const auto& pr = p->network->projections;
    EXPECT_EQ(pr[0].connector.kind, ir::Connector::Kind::FixedOutdegree);
    EXPECT_EQ(pr[0].connector.outdegree, 5u);
    EXPECT_FALSE(pr[0].connector.allow_multapses);
    EXPECT_EQ(pr[1].connector.kind, ir::Connector::Kind::FixedTotalNumber);
    EXPECT_EQ(pr[1].connector.total, 90u);
    EXPECT_FALSE(pr[1].connector.allow_autapses);
    EXPECT_EQ(pr[2].connector.total, 1000u); // more than the pairs: multapses allow it
}

TEST(ConnectorSema, OutdegreeAndTotalNumberErrors) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population A = lif[10]
    population E = lif[0]
    project A -> A { connect = fixed_outdegree(10, autapses = false, multapses = false); weight = 1 pA }
    project A -> A { connect = fixed_outdegree(2.5); weight = 1 pA }
    project A -> A { connect = fixed_total_number(101, multapses = false); weight = 1 pA }
    project A -> E { connect = fixed_total_number(1); weight = 1 pA }
    project A -> E { connect = fixed_outdegree(1); weight = 1 pA }
    project A -> A { connect = fixed_total_number(); weight = 1 pA }
    project A -> A { connect = distance_probability(0.1, multapses = false); weight = 1 pA }
    project A -> A { connect = fixed_outdegre(3); weight = 1 pA }
}
)"));
    EXPECT_FALSE(p);
    const std::string t = s.text();
    EXPECT_TRUE(contains(t, "test.nml:11:48: error: without multapses, an out-degree of 10 needs "
                            "at least 10 targets, but 'A' has 9\n"))
        << t;
    EXPECT_TRUE(contains(t, "test.nml:12:48: error: an out-degree must be a non-negative whole "
                            "number, not 2.5\n"));
    EXPECT_TRUE(contains(t, "hint: round it, e.g. `fixed_outdegree(round(k))`"));
    EXPECT_TRUE(contains(t, "test.nml:13:51: error: without multapses, 101 synapses need at least "
                            "101 pairs of neurons, but 'A' -> 'A' has 100\n"));
    EXPECT_TRUE(contains(t, "test.nml:14:51: error: 1 synapses need at least 1 pairs of neurons, "
                            "but 'A' -> 'E' has 0\n"));
    EXPECT_TRUE(contains(t, "test.nml:15:48: error: an out-degree of 1 needs at least 1 targets, "
                            "but 'E' has 0\n"));
    EXPECT_TRUE(contains(t, "test.nml:16:32: error: `fixed_total_number` needs its number of "
                            "synapses: `fixed_total_number(10000)`\n"));
    EXPECT_TRUE(contains(t, "test.nml:17:70: error: `distance_probability` has no argument "
                            "'multapses'\n"));
    EXPECT_TRUE(contains(t, "test.nml:18:32: error: unknown connection rule 'fixed_outdegre'\n"));
    EXPECT_TRUE(contains(t, "hint: did you mean 'fixed_outdegree'?"));
}

TEST(ConnectorSema, PositionsOfPopulations) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population G = lif[24] { positions = grid(4, 3, 2, spacing = 20 um) }
    population R = lif[5] { positions = random_box(1 mm, y = 0.5 mm); tau_m = 20 ms }
    population C = lif[5] { positions = cortical_depth(top = 0.1, bottom = 0.3) }
    population N = lif[5]
}
)"));
    ASSERT_TRUE(p) << s.text();
    const auto& pops = p->network->populations;
    using K = ir::Positions::Kind;
    EXPECT_EQ(pops[0].positions.kind, K::Grid);
    EXPECT_EQ(pops[0].positions.nx, 4u);
    EXPECT_EQ(pops[0].positions.ny, 3u);
    EXPECT_EQ(pops[0].positions.nz, 2u);
    EXPECT_EQ(pops[0].positions.spacing_um, 20.0);
    EXPECT_EQ(pops[1].positions.kind, K::RandomBox);
    EXPECT_EQ(pops[1].positions.size_um[0], 1000.0);
    EXPECT_EQ(pops[1].positions.size_um[1], 500.0);
    EXPECT_EQ(pops[1].positions.size_um[2], 0.0);
    EXPECT_EQ(pops[1].parameters[1], 20.0); // the other settings still apply
    EXPECT_EQ(pops[2].positions.kind, K::CorticalDepth);
    EXPECT_EQ(pops[2].positions.depth_from, 0.1);
    EXPECT_EQ(pops[2].positions.depth_to, 0.3);
    EXPECT_EQ(pops[2].positions.size_um[1], 1000.0); // default thickness
    EXPECT_EQ(pops[3].positions.kind, K::None);
}

TEST(ConnectorSema, PositionErrors) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population A = lif[10] { positions = grid(3, 3, spacing = 10 um) }
    population B = lif[10] { positions = random_box(-1 um) }
    population C = lif[10] { positions = cortical_depth(0.5, 0.2) }
    population D = lif[10] { positions = random_bx(1 um) }
    population E = lif[10] { positions = grid(10, spacing = 1 ms) }
}
)"));
    EXPECT_FALSE(p);
    const std::string t = s.text();
    EXPECT_TRUE(contains(t, "test.nml:9:42: error: a grid of 3 x 3 x 1 has 9 places, but "
                            "population 'A' has 10 neurons\n"))
        << t;
    EXPECT_TRUE(contains(t, "test.nml:10:53: error: the extent along x must not be negative\n"));
    EXPECT_TRUE(contains(t, "test.nml:11:42: error: the depth range [0.5, 0.2] must satisfy 0 <= "
                            "top <= bottom <= 1\n"));
    EXPECT_TRUE(contains(t, "test.nml:12:42: error: expected a layout of positions\n"));
    EXPECT_TRUE(contains(t, "hint: did you mean 'random_box'?"));
    EXPECT_TRUE(contains(t, "test.nml:13:61: error: dimension mismatch: the grid spacing is um "
                            "(length), but this value is ms (time)\n"));
}

TEST(ConnectorSema, ExpressionsOfDistanceAndDepth) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    let lambda = 150 um
    population A = lif[10] { positions = cortical_depth(0.1, 0.3) }
    population B = lif[10] { positions = random_box(1 mm) }
    project A -> B {
        connect = distance_probability(0.2 * exp(-d / lambda))
        weight = 10 pA * exp(-d / (2 * lambda)) + 1 pA * pre_depth
        delay = 0.5 ms + d / (0.5 m/s)
    }
    project A -> A { connect = distance_probability(p = 0.5); weight = 1 pA; delay = 2 ms }
}
)"));
    ASSERT_TRUE(p) << s.text();
    const auto& pr = p->network->projections;
    EXPECT_EQ(pr[0].connector.kind, ir::Connector::Kind::DistanceProbability);
    ASSERT_TRUE(pr[0].connector.probability_of_pair);
    ASSERT_TRUE(pr[0].weight_of_pair);
    ASSERT_TRUE(pr[0].delay_of_pair);
    const auto names = ir::pair_variable::names;
    EXPECT_EQ(ir::to_string(*pr[0].connector.probability_of_pair, {}, {}, names),
              "0.2 * exp(-d / 150 um)");
    EXPECT_EQ(pr[0].weight_of_pair->dim, dims::current);
    EXPECT_EQ(pr[0].delay_of_pair->dim, dims::time);
    // Evaluated at d = 300 um: 0.5 ms + 300 um / (0.5 um/ms) = 1.1 ms.
    const double at[] = {300.0, 0.2, 0.0};
    EXPECT_DOUBLE_EQ(*ir::evaluate(*pr[0].delay_of_pair, ir::Bindings{{}, {}, at, {}}), 1.1);
    EXPECT_DOUBLE_EQ(
        *ir::evaluate(*pr[0].connector.probability_of_pair, ir::Bindings{{}, {}, at, {}}),
        0.2 * std::exp(-2.0));
    EXPECT_FALSE(pr[1].weight_of_pair);
    EXPECT_EQ(pr[1].delay.a, 2.0);
}

TEST(ConnectorSema, ExpressionErrors) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population A = lif[10] { positions = random_box(1 mm) }
    population N = lif[10]
    project A -> N { connect = all_to_all(); weight = 1 pA * exp(-d / 100 um) }
    project A -> A { connect = all_to_all(); weight = 1 pA * pre_depth }
    project A -> A { connect = all_to_all(); weight = 1 mV * exp(-d / 100 um) }
    project A -> A { connect = all_to_all(); weight = 1 pA; delay = 1 ms + d }
    project N -> N { connect = distance_probability(0.1); weight = 1 pA }
    project A -> A { connect = distance_probability(1.5); weight = 1 pA }
    project A -> A { connect = all_to_all(); weight = 1 pA; delay = uniform(1 ms, d / 1 um * 1 ms) }
}
)"));
    EXPECT_FALSE(p);
    const std::string t = s.text();
    EXPECT_TRUE(contains(t, "test.nml:11:67: error: the distance `d` needs the positions of both "
                            "populations, but 'N' has none\n"))
        << t;
    EXPECT_TRUE(contains(t, "test.nml:12:62: error: `pre_depth` is the cortical depth of the "
                            "source neuron, but population 'A' is not placed by depth\n"));
    EXPECT_TRUE(contains(t, "test.nml:13:55: error: dimension mismatch: the weight of receptor "
                            "'exc' of neuron 'lif' is pA (current), but this expression is mV "
                            "(voltage)\n"));
    EXPECT_TRUE(contains(t, "test.nml:14:69: error: dimension mismatch: left side is ms (time), "
                            "right side is um (length)\n"));
    EXPECT_TRUE(contains(t, "test.nml:15:53: error: a distance-dependent rule needs the positions "
                            "of both populations, but 'N' has none\n"));
    EXPECT_TRUE(contains(t, "test.nml:16:53: error: a connection probability must be between 0 "
                            "and 1, not 1.5\n"));
    // A distribution is one value per synapse already; it cannot depend on the distance.
    EXPECT_TRUE(contains(t, "test.nml:17:69: error: `uniform(...)` draws a value per neuron or "
                            "connection"));
}

TEST(ConnectorSema, AProbabilityProfileIsTriedAcrossTheReachableDistances) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population A = lif[10] { positions = random_box(300 um, 400 um) }
    population L4 = lif[10] { positions = cortical_depth(0.4, 0.5) }
    population L2 = lif[10] { positions = cortical_depth(0.1, 0.2) }
    project A -> A { connect = distance_probability(d / 400 um); weight = 1 pA }
    project A -> A { connect = distance_probability(d / 600 um); weight = 1 pA }
    project L4 -> L2 { connect = distance_probability(exp(-(d - 200 um) / 100 um)); weight = 1 pA }
    project L4 -> L2 { connect = distance_probability(pre_depth - post_depth); weight = 1 pA }
    project L4 -> L2 { connect = distance_probability(post_depth - pre_depth + 0.35); weight = 1 pA }
}
)"));
    EXPECT_FALSE(p);
    const std::string t = s.text();
    // 0 to 500 um apart: d / 400 um passes 1 (first tried at 406 um); d / 600 um stays
    // within [0, 1].
    EXPECT_TRUE(contains(t, "test.nml:12:53: error: this connection probability is 1.016 at d = "
                            "406.2 um; it must be between 0 and 1\n"))
        << t;
    EXPECT_TRUE(contains(t, "hint: the distances between 'A' and 'A' range from 0 um to 500 um"));
    EXPECT_FALSE(contains(t, "test.nml:13:"));
    // Depths 0.4-0.5 and 0.1-0.2 of 1000 um: at least 200 um apart, where the profile is 1.
    EXPECT_FALSE(contains(t, "test.nml:14:"));
    EXPECT_FALSE(contains(t, "test.nml:15:"));
    EXPECT_TRUE(contains(t, "test.nml:16:55: error: this connection probability is -0.05 at d = "
                            "200 um, pre_depth = 0.5, post_depth = 0.1; it must be between 0 and "
                            "1\n"));
}

TEST(ConnectorSema, PeriodicBoundaries) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population G = lif[100] { positions = grid(10, 10, spacing = 100 um, periodic = true) }
    population R = lif[100] { positions = random_box(1 mm, 1 mm, periodic = true) }
    population S = lif[100] { positions = random_box(1 mm, 2 mm, periodic = true) }
    population P = lif[100] { positions = random_box(1 mm, 1 mm) }
    project G -> R { connect = distance_probability(exp(-d / 100 um)); weight = 1 pA }
    project G -> G { connect = all_to_all(); weight = 1 pA * exp(-d / 100 um) }
    project R -> S { connect = distance_probability(exp(-d / 100 um)); weight = 1 pA }
    project P -> R { connect = all_to_all(); weight = 1 pA; delay = 1 ms + d / (1 m/s) }
    project P -> R { connect = fixed_indegree(3); weight = 1 pA }
}
)"));
    EXPECT_FALSE(p);
    const std::string t = s.text();
    EXPECT_FALSE(contains(t, "test.nml:13:")) << t; // same extent, both periodic
    EXPECT_FALSE(contains(t, "test.nml:14:"));
    EXPECT_TRUE(contains(t, "test.nml:15:53: error: distances between 'R' and 'S' cannot wrap: "
                            "periodic boundaries need both populations periodic, with the same "
                            "extent\n"));
    EXPECT_TRUE(contains(t, "test.nml:16:69: error: distances between 'P' and 'R' cannot wrap"));
    EXPECT_FALSE(contains(t, "test.nml:17:")); // no distance, no wrapping
    EXPECT_EQ(s.diags.error_count(), 2u);

    Sema ok;
    auto q = ok.analyse(with_lif(R"(network net {
    population G = lif[100] { positions = grid(10, 10, spacing = 100 um, periodic = true) }
    # On the torus no pair is more than 707 um apart, so this profile stays below 1.
    project G -> G { connect = distance_probability(d / 710 um); weight = 1 pA }
}
)"));
    ASSERT_TRUE(q) << ok.text();
    EXPECT_TRUE(q->network->populations[0].positions.periodic);
    EXPECT_EQ(q->network->populations[0].positions.extent(),
              (std::array<double, 3>{1000, 1000, 0}));
}

TEST(ConnectorSema, ANamedConstantHidesAPairVariable) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    let d = 2
    population A = lif[10]
    project A -> A { connect = fixed_indegree(d); weight = d * 1 pA }
}
)"));
    ASSERT_TRUE(p) << s.text();
    EXPECT_EQ(p->network->projections[0].connector.indegree, 2u);
    EXPECT_FALSE(p->network->projections[0].weight_of_pair);
    EXPECT_EQ(p->network->projections[0].weight.a, 2.0);
}

TEST(ConnectorSema, ListFromCsv) {
    CsvFile csv("# a comment\nsource, target, weight (nA), delay (ms)\n0,1,0.5,1.5\n\n2,3,-1,0.2\n"
                "2,3,2e-1,1\n");
    Sema s;
    auto p = s.analyse(csv_network(csv.path(), "delay = 1 ms"));
    EXPECT_FALSE(p); // a delay in the file and in the projection
    EXPECT_TRUE(contains(s.text(), "error: the delays of this projection come from the file"))
        << s.text();

    Sema ok;
    p = ok.analyse(csv_network(csv.path(), ""));
    ASSERT_TRUE(p) << ok.text();
    const auto& c = p->network->projections[0].connector;
    EXPECT_EQ(c.kind, ir::Connector::Kind::List);
    ASSERT_TRUE(c.list);
    EXPECT_EQ(c.list->sources, (std::vector<uint32_t>{0, 2, 2}));
    EXPECT_EQ(c.list->targets, (std::vector<uint32_t>{1, 3, 3}));
    EXPECT_EQ(c.list->weights, (std::vector<double>{500.0, -1000.0, 200.0})); // pA
    EXPECT_EQ(c.list->delays_ms, (std::vector<double>{1.5, 0.2, 1.0}));

    // Without weight and delay columns the projection's values apply.
    CsvFile pairs("target,source\n1,0\n");
    Sema plain;
    p = plain.analyse(csv_network(pairs.path(), "weight = 3 pA"));
    ASSERT_TRUE(p) << plain.text();
    EXPECT_EQ(p->network->projections[0].connector.list->sources, std::vector<uint32_t>{0});
    EXPECT_EQ(p->network->projections[0].connector.list->targets, std::vector<uint32_t>{1});
    EXPECT_TRUE(p->network->projections[0].connector.list->weights.empty());
    EXPECT_EQ(p->network->projections[0].weight.a, 3.0);
}

TEST(ConnectorSema, CsvErrorsPointIntoTheFile) {
    CsvFile csv("source,target,weight (pA)\n0,1,5\n3,1,5\n0,x,5\n0,1\n1,4,2\n1,1,1e999\n");
    Sema s;
    EXPECT_FALSE(s.analyse(csv_network(csv.path(), "")));
    const std::string t = s.text();
    const std::string f = csv.path();
    EXPECT_TRUE(contains(t, f + ":3:1: error: the source 3 is not a neuron index of population "
                                "'A', which has 3 neurons\n"))
        << t;
    EXPECT_TRUE(contains(t, "    3 | 3,1,5\n"));
    EXPECT_TRUE(contains(t, f + ":4:3: error: the target 'x' is not a neuron index\n"));
    EXPECT_TRUE(contains(t, f + ":5:1: error: a row of 2 fields, but the header names 3 "
                                "columns\n"));
    EXPECT_TRUE(contains(t, f + ":6:3: error: the target 4 is not a neuron index of population "
                                "'B', which has 4 neurons\n"));
    EXPECT_TRUE(contains(t, f + ":7:5: error: bad weight '1e999'\n"));
}

TEST(ConnectorSema, CsvHeaderErrors) {
    const auto first_error = [](const std::string& text, const std::string& settings) {
        CsvFile csv(text);
        Sema s;
        EXPECT_FALSE(s.analyse(csv_network(csv.path(), settings)));
        return s.text();
    };
    EXPECT_TRUE(contains(first_error("source,target,weight\n0,0,1\n", ""),
                         ":1:15: error: column 'weight' needs a unit: the weight is pA (current)"));
    EXPECT_TRUE(contains(first_error("source,target,weight (mV)\n0,0,1\n", ""),
                         ":1:15: error: dimension mismatch: the weight is pA (current), but unit "
                         "'mV' is mV (voltage)"));
    EXPECT_TRUE(contains(first_error("source,tagret\n0,0\n", "weight = 1 pA"),
                         ":1:8: error: unknown column 'tagret'"));
    EXPECT_TRUE(contains(first_error("source,target,delay (ms)\n0,0,0.01\n", "weight = 1 pA"),
                         ":2:5: error: delay 0.01 ms is shorter than the time step 0.1 ms"));
    EXPECT_TRUE(contains(first_error("\n# nothing\n", "weight = 1 pA"),
                         ":1:1: error: the file has no header line"));
    EXPECT_TRUE(contains(first_error("source,target,weight (pA)\n0,0,1\n", "weight = 1 pA"),
                         "error: the weights of this projection come from the file"));
}

TEST(ConnectorSema, CsvFileMissingOrMisused) {
    Sema s;
    EXPECT_FALSE(s.analyse(csv_network("/no/such/dir/conn.csv")));
    EXPECT_TRUE(contains(s.text(), "test.nml:11:41: error: cannot read the connection file "
                                   "'/no/such/dir/conn.csv'\n"))
        << s.text();
    Sema t;
    EXPECT_FALSE(t.analyse(with_lif(R"(network net {
    population A = lif[3]
    project A -> A { connect = from_csv(conn); weight = 1 pA }
    project A -> A { connect = from_csv("c.csv", multapses = false); weight = 1 pA }
}
)")));
    EXPECT_TRUE(contains(t.text(), "test.nml:10:41: error: expected the name of a file in double "
                                   "quotes\n"))
        << t.text();
    EXPECT_TRUE(contains(t.text(), "test.nml:11:62: error: `from_csv` has no argument "
                                   "'multapses'\n"));
    EXPECT_TRUE(contains(t.text(), "hint: a list connects exactly the pairs it lists"));
}

TEST(ConnectorSema, InlineListErrors) {
    Sema s;
    EXPECT_FALSE(s.analyse(with_lif(R"(network net {
    population A = lif[3]
    project A -> A { connect = from_list(sources = [0, 3], targets = [1, 1]); weight = 1 pA; receptor = exc }
    project A -> A { connect = from_list(sources = [0, 1], targets = [1]); weight = 1 pA; receptor = exc }
    project A -> A { connect = from_list(sources = [0], targets = [1], weights = [1 mV]); receptor = exc }
    project A -> A { connect = from_list(sources = [0], targets = [1], weights = [1 pA]); weight = 2 pA; receptor = exc }
    project A -> A { connect = from_list(targets = [1]); weight = 2 pA; receptor = exc }
    project A[0:2] -> A { connect = from_list(sources = [0], targets = [1]); weight = 2 pA; receptor = exc }
}
)")));
    const std::string t = s.text();
    EXPECT_TRUE(contains(t, "test.nml:10:56: error: 3 is not a neuron of population 'A', which "
                            "has 3 neurons\n"))
        << t;
    EXPECT_TRUE(contains(t, "test.nml:11:70: error: 1 targets given for 2 sources; each synapse "
                            "needs one\n"))
        << t;
    EXPECT_TRUE(contains(t, "test.nml:12:82:"));
    EXPECT_TRUE(contains(t, "the weights of the list")) << t;
    EXPECT_TRUE(contains(t, "test.nml:13:100: error: the weights of this projection come from its "
                            "list\n"))
        << t;
    EXPECT_TRUE(contains(t, "test.nml:14:32: error: `from_list` needs the sources and the "
                            "targets\n"))
        << t;
    EXPECT_TRUE(contains(t, "error: `from_list` needs a whole population on each side, not "
                            "`A[0:2]` -> `A`"))
        << t;
}
