#include "frontend/source_manager.h"

#include "test_util.h"

#include <gtest/gtest.h>

namespace nnc {
namespace {

TEST(SourceManager, LooksUpLines) {
    SourceManager sources;
    FileId id = sources.add("a.nml", "first\nsecond line\n\nfourth");
    EXPECT_EQ(sources.name(id), "a.nml");
    EXPECT_EQ(sources.line(id, 1), "first");
    EXPECT_EQ(sources.line(id, 2), "second line");
    EXPECT_EQ(sources.line(id, 3), "");
    EXPECT_EQ(sources.line(id, 4), "fourth"); // no newline at the end
    EXPECT_EQ(sources.line(id, 5), "");       // out of range
    EXPECT_EQ(sources.line(id, 0), "");
}

TEST(SourceManager, StripsCarriageReturns) {
    SourceManager sources;
    FileId id = sources.add("crlf.nml", "one\r\ntwo\r\n");
    EXPECT_EQ(sources.line(id, 1), "one");
    EXPECT_EQ(sources.line(id, 2), "two");
    EXPECT_EQ(sources.line(id, 3), "");
}

TEST(SourceManager, KeepsFilesApart) {
    SourceManager sources;
    FileId a = sources.add("a", "alpha\nbeta");
    FileId b = sources.add("b", "gamma");
    EXPECT_NE(a, b);
    EXPECT_EQ(sources.file_count(), 2u);
    EXPECT_EQ(sources.line(a, 2), "beta");
    EXPECT_EQ(sources.line(b, 1), "gamma");
    EXPECT_EQ(sources.text(b), "gamma");
    // An id that was never handed out gives empty text rather than a crash.
    EXPECT_EQ(sources.text(99), "");
    EXPECT_EQ(sources.line(99, 1), "");
}

TEST(SourceManager, EmptyFile) {
    SourceManager sources;
    FileId id = sources.add("empty", "");
    EXPECT_EQ(sources.line(id, 1), "");
    EXPECT_EQ(sources.line(id, 2), "");
}

TEST(SourceManager, LoadsFiles) {
    test::TempDir dir;
    std::string path = dir.write("x.nml", "line one\nline two\n");
    SourceManager sources;
    std::optional<FileId> id = sources.load(path);
    ASSERT_TRUE(id);
    EXPECT_EQ(sources.name(*id), path);
    EXPECT_EQ(sources.line(*id, 2), "line two");
    EXPECT_FALSE(sources.load((dir.path() / "missing.nml").string()));
    EXPECT_FALSE(sources.load(dir.path().string())); // a directory is not a source file
}

} // namespace
} // namespace nnc
