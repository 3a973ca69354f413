namespace OrleansRegistry.Cli.Tests;

/// <summary>docs/oreg.md is generated from the CLI's own help texts, and a test fails when it is stale.</summary>
public sealed class CliDocTests
{
    [Fact]
    public void Docs_oreg_md_matches_the_help_texts()
    {
        var path = Path.Combine(PostgresServer.RepoRoot, "docs", "oreg.md");
        var expected = HelpText.RenderMarkdown(CliApp.Commands);
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; run with UPDATE_DOCS=1 to generate it");
        var actual = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(expected == actual,
            $"{path} differs from HelpText.RenderMarkdown(); run `UPDATE_DOCS=1 dotnet test tests/OrleansRegistry.Cli.Tests` to regenerate it");
    }

    [Fact]
    public void Every_command_has_its_section()
    {
        var markdown = HelpText.RenderMarkdown(CliApp.Commands);
        foreach (var command in CliApp.Commands)
            Assert.Contains($"\n## oreg {command.Name}\n", markdown);
    }
}
