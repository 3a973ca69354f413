using System.Runtime.CompilerServices;

namespace OrleansRegistry.Core.Tests.Errors;

// docs/architecture.md#errors: docs/errors.md is generated from the catalog and checked in a test.
public sealed class ErrorsDocTests
{
    [Fact]
    public void Docs_errors_md_matches_the_catalog()
    {
        var path = Path.Combine(FindRepositoryRoot(), "docs", "errors.md");
        var expected = ErrorCatalog.RenderMarkdown();
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; run with UPDATE_DOCS=1 to generate it");
        var actual = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(expected == actual,
            $"{path} differs from ErrorCatalog.RenderMarkdown(); run `UPDATE_DOCS=1 dotnet test tests/OrleansRegistry.Core.Tests` to regenerate it");
    }

    // Start from this source file (test binaries may be built outside the checkout with --artifacts-path),
    // then from the test binary; the root is the directory holding the solution.
    private static string FindRepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { Path.GetDirectoryName(sourceFile), AppContext.BaseDirectory })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OrleansRegistry.sln"))
                    || File.Exists(Path.Combine(dir.FullName, "OrleansRegistry.slnx")))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException("OrleansRegistry.sln(x) not found above the test sources or binaries");
    }
}
