using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>
/// The secured registry most security tests share: groups <c>admins: [alice]</c>, <c>team-a: [bob]</c>, and rules in
/// an order that makes first-match visible (a later rule that would grant more is never consulted).
/// </summary>
public sealed class RulesRegistryFixture : SecuredRegistryFixture
{
    public static readonly (string Repository, string[] Users, string[] Groups, bool Anonymous, string[] Actions)[] Rules =
    [
        ("team-a/**", [], ["team-a"], false, ["*"]),
        ("team-a/**", ["*"], [], false, ["pull"]),
        ("public/**", ["alice"], [], false, ["*"]),
        ("public/**", ["*"], [], true, ["pull"]),
        ("first/*", ["*"], [], false, ["pull"]),
        ("first/*", ["bob"], [], false, ["*"]),   // never reached for bob: the rule above matches him first
        ("**", [], ["admins"], false, ["*"]),
        ("*/open", ["*"], [], false, ["pull", "push"]),
    ];

    protected override void Configure(IDictionary<string, string> settings)
    {
        settings["Registry__Auth__Groups__admins__0"] = "alice";
        settings["Registry__Auth__Groups__team-a__0"] = "bob";
        for (var i = 0; i < Rules.Length; i++)
        {
            var (repository, users, groups, anonymous, actions) = Rules[i];
            var prefix = $"Registry__Auth__Rules__{i}__";
            settings[prefix + "Repository"] = repository;
            settings[prefix + "Anonymous"] = anonymous ? "true" : "false";
            for (var j = 0; j < users.Length; j++) settings[$"{prefix}Users__{j}"] = users[j];
            for (var j = 0; j < groups.Length; j++) settings[$"{prefix}Groups__{j}"] = groups[j];
            for (var j = 0; j < actions.Length; j++) settings[$"{prefix}Actions__{j}"] = actions[j];
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RulesRegistryCollection : ICollectionFixture<RulesRegistryFixture>
{
    public const string Name = "secured registry with rules";
}
