#include "frontend/parser.h"

#include "test_util.h"

#include <gtest/gtest.h>

namespace nnc {
namespace {

using test::Session;
using test::TempDir;

std::string neuron(const std::string& name) {
    return "neuron " + name + " { parameters { a = 1 } }\n";
}

std::vector<std::string> neuron_names(const LoadedProgram& program) {
    std::vector<std::string> names;
    for (const auto& file : program.files)
        for (const auto& n : file.neurons)
            names.push_back(n.name);
    return names;
}

TEST(LoadProgram, RelativeToTheImportingFile) {
    TempDir dir;
    std::string root = dir.write("model/root.nml", "import \"sub/b.nml\"\n" + neuron("root"));
    dir.write("model/sub/b.nml", "import \"c.nml\"\n" + neuron("b"));
    dir.write("model/sub/c.nml", neuron("c")); // relative to sub/, where b.nml is
    Session s;
    auto program = load_program(root, {}, s.sources, s.diags);
    ASSERT_TRUE(program) << s.output();
    EXPECT_EQ(neuron_names(*program), (std::vector<std::string>{"c", "b", "root"}));
    EXPECT_EQ(s.sources.name(program->files.back().file), root);
}

TEST(LoadProgram, ThroughTheSearchPath) {
    TempDir dir;
    std::string root = dir.write("work/net.nml", "import \"stdlib/neurons/lif.nml\"\n");
    dir.write("first/unrelated.nml", neuron("unrelated"));
    dir.write("second/stdlib/neurons/lif.nml", neuron("lif"));
    Session s;
    auto program =
        load_program(root, {(dir.path() / "first").string(), (dir.path() / "second").string()},
                     s.sources, s.diags);
    ASSERT_TRUE(program) << s.output();
    ASSERT_EQ(program->files.size(), 2u);
    EXPECT_EQ(neuron_names(*program), (std::vector<std::string>{"lif"}));
    EXPECT_EQ(s.sources.name(program->files[0].file),
              (dir.path() / "second/stdlib/neurons/lif.nml").string());
}

TEST(LoadProgram, ImporterDirectoryComesBeforeTheSearchPath) {
    TempDir dir;
    std::string root = dir.write("a/root.nml", "import \"m.nml\"\n");
    dir.write("a/m.nml", neuron("local"));
    dir.write("lib/m.nml", neuron("library"));
    Session s;
    auto program = load_program(root, {(dir.path() / "lib").string()}, s.sources, s.diags);
    ASSERT_TRUE(program) << s.output();
    EXPECT_EQ(neuron_names(*program), (std::vector<std::string>{"local"}));
}

TEST(LoadProgram, TheRepositoryExample) {
    Session s;
    auto program = load_program(std::string(NNC_SOURCE_DIR) + "/examples/brunel2000.nml",
                                {NNC_SOURCE_DIR}, s.sources, s.diags);
    ASSERT_TRUE(program) << s.output();
    ASSERT_EQ(program->files.size(), 2u);
    EXPECT_EQ(neuron_names(*program), (std::vector<std::string>{"iaf_psc_delta"}));
    EXPECT_EQ(program->files.back().networks.size(), 1u);
}

TEST(LoadProgram, MissingImportIsReportedAtTheImport) {
    TempDir dir;
    std::string root = dir.write("root.nml", "# a model\nimport \"nowhere/x.nml\"\n");
    std::string lib = (dir.path() / "lib").string();
    Session s;
    EXPECT_FALSE(load_program(root, {lib}, s.sources, s.diags));
    EXPECT_EQ(s.diags.error_count(), 1u);
    std::string out = s.output();
    EXPECT_NE(out.find(root + ":2:8: error: cannot find imported file 'nowhere/x.nml'"),
              std::string::npos)
        << out;
    size_t hint = out.find("\nhint: searched in: ");
    ASSERT_NE(hint, std::string::npos) << out;
    EXPECT_NE(out.find(dir.path().string(), hint), std::string::npos) << out;
    EXPECT_NE(out.find(lib, hint), std::string::npos) << out;
}

TEST(LoadProgram, MissingRoot) {
    TempDir dir;
    Session s;
    EXPECT_FALSE(load_program((dir.path() / "none.nml").string(), {}, s.sources, s.diags));
    EXPECT_EQ(s.diags.error_count(), 1u);
    EXPECT_EQ(s.output().rfind("nnc: error: cannot read '", 0), 0u) << s.output();
}

TEST(LoadProgram, CycleIsNamed) {
    TempDir dir;
    std::string a = dir.write("a.nml", "import \"b.nml\"\n" + neuron("a"));
    dir.write("b.nml", neuron("b") + "import \"a.nml\"\n");
    Session s;
    EXPECT_FALSE(load_program(a, {}, s.sources, s.diags));
    EXPECT_EQ(s.diags.error_count(), 1u) << s.output();
    std::string out = s.output();
    EXPECT_NE(out.find("b.nml:2:8: error: import cycle: a.nml -> b.nml -> a.nml"),
              std::string::npos)
        << out;
}

TEST(LoadProgram, SelfImportIsACycle) {
    TempDir dir;
    std::string a = dir.write("self.nml", "import \"./self.nml\"\n");
    Session s;
    EXPECT_FALSE(load_program(a, {}, s.sources, s.diags));
    EXPECT_NE(s.output().find("import cycle: self.nml -> self.nml"), std::string::npos)
        << s.output();
}

TEST(LoadProgram, DiamondLoadsTheSharedFileOnce) {
    TempDir dir;
    std::string root =
        dir.write("root.nml", "import \"left.nml\"\nimport \"right.nml\"\n" + neuron("root"));
    dir.write("left.nml", "import \"shared.nml\"\n" + neuron("left"));
    // Spelled differently, the same file.
    dir.write("right.nml", "import \"lib/../shared.nml\"\n" + neuron("right"));
    dir.write("lib/.keep", "");
    dir.write("shared.nml", neuron("shared"));
    Session s;
    auto program = load_program(root, {}, s.sources, s.diags);
    ASSERT_TRUE(program) << s.output();
    EXPECT_EQ(neuron_names(*program),
              (std::vector<std::string>{"shared", "left", "right", "root"}));
    EXPECT_EQ(s.sources.file_count(), 4u);
}

TEST(LoadProgram, SyntaxErrorInAnImportedFile) {
    TempDir dir;
    std::string root = dir.write("root.nml", "import \"bad.nml\"\n");
    dir.write("bad.nml", "neuron {\n");
    Session s;
    EXPECT_FALSE(load_program(root, {}, s.sources, s.diags));
    std::string out = s.output();
    EXPECT_NE(out.find("bad.nml:1:8: error:"), std::string::npos) << out;
    EXPECT_NE(out.find("root.nml:1:8: note: in the file imported here"), std::string::npos) << out;
}

TEST(LoadProgram, ReportsEveryMissingImport) {
    TempDir dir;
    std::string root = dir.write("root.nml", "import \"x.nml\"\nimport \"y.nml\"\n");
    Session s;
    EXPECT_FALSE(load_program(root, {}, s.sources, s.diags));
    EXPECT_EQ(s.diags.error_count(), 2u) << s.output();
}

} // namespace
} // namespace nnc
