using OrleansRegistry.Core.Access;

namespace OrleansRegistry.Core.Tests.Access;

/// <summary>Docker token specification, "Token Scope Documentation" / "Resource Scope Grammar".</summary>
public sealed class ResourceScopeTests
{
    [Theory]
    [InlineData("repository:samalba/my-app:pull,push", "repository", null, "samalba/my-app", "pull,push")]
    [InlineData("repository(plugin):samalba/my-plugin:pull", "repository", "plugin", "samalba/my-plugin", "pull")]
    [InlineData("registry:catalog:*", "registry", null, "catalog", "*")]
    [InlineData("repository:localhost:5000/team/app:delete", "repository", null, "localhost:5000/team/app", "delete")]
    [InlineData("repository:app:", "repository", null, "app", "")]
    public void Grammar_parses_type_class_name_with_colons_and_actions(string text, string type, string? cls, string name, string actions)
    {
        var scope = ResourceScope.Parse(text);
        Assert.Equal(type, scope.Type);
        Assert.Equal(cls, scope.Class);
        Assert.Equal(name, scope.Name);
        Assert.Equal(actions, string.Join(',', scope.Actions));
        Assert.Equal(text, scope.ToString()); // format is the inverse of parse
    }

    [Theory]
    [InlineData("")]
    [InlineData("repository")]
    [InlineData("repository:app")]
    [InlineData(":app:pull")]
    [InlineData("Repository:app:pull")]
    [InlineData("repository::pull")]
    [InlineData("repository:app:pull,,push")]
    [InlineData("repository:app:PULL")]
    [InlineData("repository(:app:pull")]
    [InlineData("repository:my app:pull")]
    [InlineData("repository:../../etc:pull")]      // resourcename := [hostname '/'] component ['/' component]*
    [InlineData("repository:a/%2e%2e/b:pull")]
    [InlineData("repository:a\\b:pull")]
    [InlineData("repository:team/App:pull")]      // upper case only in a host prefix
    [InlineData("repository:host:/a:pull")]
    public void Text_outside_the_grammar_is_refused(string text) => Assert.False(ResourceScope.TryParse(text, out _));

    [Fact]
    public void Canonical_sorts_and_deduplicates_actions()
    {
        Assert.Equal("repository:a/b:pull,push", ResourceScope.Parse("repository:a/b:push,pull,push").Canonical().ToString());
    }

    [Fact]
    public void Star_allows_every_action()
    {
        Assert.True(ResourceScope.Catalog.Allows(AccessActions.Pull));
        Assert.False(ResourceScope.Repository("a", AccessActions.Pull).Allows(AccessActions.Push));
    }

    [Fact]
    public void A_space_separated_list_parses_each_scope_and_skips_invalid_ones()
    {
        var scopes = ResourceScope.ParseList(["repository:a:pull repository:b:push", "nonsense", null]);
        Assert.Equal(["repository:a:pull", "repository:b:push"], scopes.Select(s => s.ToString()));
    }
}
