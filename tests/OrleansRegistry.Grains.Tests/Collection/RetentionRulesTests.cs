using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Collection;

namespace OrleansRegistry.Grains.Tests.Collection;

/// <summary>Retention rules per repository pattern (docs/garbage-collection.md), the first match wins (as access rules do).</summary>
public sealed class RetentionRulesTests
{
    private static RetentionRules Rules(params RetentionRule[] rules) =>
        new(Options.Create(new RetentionOptions { Rules = [.. rules] }));

    [Theory]
    [InlineData("team/app", "team/*")]
    [InlineData("team/app/debug", "team/**")]
    [InlineData("base", "**")]
    [InlineData("team/keep/x", "team/keep/**")]
    public void The_first_matching_pattern_decides(string repository, string expected)
    {
        var rules = Rules(
            new RetentionRule { Repository = "team/keep/**" },
            new RetentionRule { Repository = "team/*", KeepNewestTags = 5 },
            new RetentionRule { Repository = "team/**", KeepNewestTags = 1 },
            new RetentionRule { Repository = "**", DeleteUntaggedOlderThan = TimeSpan.FromDays(7) });

        Assert.Equal(expected, rules.For(RepositoryName.Parse(repository))?.Repository);
    }

    [Fact]
    public void No_rule_matching_means_no_retention()
    {
        var rules = Rules(new RetentionRule { Repository = "team/**", KeepNewestTags = 1 });
        Assert.Null(rules.For(RepositoryName.Parse("other/app")));
        Assert.True(Rules().IsEmpty);
    }

    [Theory] // a mistyped rule stops the start, rather than deleting more than meant at the first run
    [InlineData("", 1, 1)]
    [InlineData("team/**", -1, 1)]
    [InlineData("team/**", 1, -1)]
    public void A_malformed_rule_is_refused(string pattern, int keep, int days) =>
        Assert.Throws<OptionsValidationException>(() => Rules(new RetentionRule
        {
            Repository = pattern, KeepNewestTags = keep, DeleteTagsOlderThan = TimeSpan.FromDays(days),
        }));

    [Fact] // the same for the not-pulled rule's age and the pull times' flush interval
    public void A_negative_not_pulled_age_or_a_flush_interval_that_is_not_positive_is_refused()
    {
        Assert.Throws<OptionsValidationException>(() =>
            Rules(new RetentionRule { Repository = "hub/**", DeleteNotPulledFor = TimeSpan.FromDays(-1) }));
        Assert.Throws<OptionsValidationException>(() =>
            new RetentionRules(Options.Create(new RetentionOptions { PullTimeFlushInterval = TimeSpan.Zero })));
        Assert.Equal(TimeSpan.FromDays(30),
            Rules(new RetentionRule { Repository = "hub/**", DeleteNotPulledFor = TimeSpan.FromDays(30) }).For(RepositoryName.Parse("hub/x"))?.DeleteNotPulledFor);
    }
}
