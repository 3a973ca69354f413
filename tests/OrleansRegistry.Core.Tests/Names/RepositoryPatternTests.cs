using OrleansRegistry.Core;

namespace OrleansRegistry.Core.Tests.Names;

/// <summary>Rule patterns (docs/security.md#access-rules, docs/garbage-collection.md): <c>*</c> within one path component, <c>**</c> across components, the rest literal.</summary>
public sealed class RepositoryPatternTests
{
    [Theory]
    [InlineData("team-a/**", "team-a/app", true)]
    [InlineData("team-a/**", "team-a/x/y/z", true)]
    [InlineData("team-a/**", "team-ab/app", false)]
    [InlineData("team-a/**", "team-a", false)]
    [InlineData("*/public", "x/public", true)]
    [InlineData("*/public", "x/y/public", false)]
    [InlineData("*/public", "/public", true)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("lib/*", "lib/a", true)]
    [InlineData("lib/*", "lib/a/b", false)]
    [InlineData("a.b/c", "a.b/c", true)]
    [InlineData("a.b/c", "axb/c", false)] // regex characters are literal
    [InlineData("**/base", "org/team/base", true)]
    public void Stars_match_within_or_across_components(string pattern, string repository, bool matches) =>
        Assert.Equal(matches, new RepositoryPattern(pattern).Matches(repository));
}
