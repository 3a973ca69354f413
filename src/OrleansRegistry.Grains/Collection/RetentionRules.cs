using Microsoft.Extensions.Options;
using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Collection;

/// <summary>
/// The retention rules with their patterns compiled. First match wins, as for access rules: a repository gets the
/// first rule whose pattern matches it, or none (then retention deletes nothing there).
/// </summary>
public sealed class RetentionRules
{
    private readonly IReadOnlyList<(RepositoryPattern Pattern, RetentionRule Rule)> _rules;

    public RetentionRules(IOptions<RetentionOptions> options)
    {
        if (options.Value.PullTimeFlushInterval <= TimeSpan.Zero)
            throw new OptionsValidationException(RetentionOptions.Section, typeof(RetentionOptions),
                [$"{RetentionOptions.Section}:PullTimeFlushInterval must be positive"]);
        _rules = options.Value.Rules.Select(Validated).Select(r => (new RepositoryPattern(r.Repository), r)).ToList();
    }

    public bool IsEmpty => _rules.Count == 0;

    /// <summary>The rule that applies to <paramref name="repository"/>, or null.</summary>
    public RetentionRule? For(RepositoryName repository)
    {
        foreach (var (pattern, rule) in _rules)
            if (pattern.Matches(repository.Value)) return rule;
        return null;
    }

    // A typo must fail at start, not delete more than meant at the first run.
    private static RetentionRule Validated(RetentionRule rule, int index)
    {
        string Where() => $"Registry:Retention:Rules:{index}";
        if (string.IsNullOrWhiteSpace(rule.Repository))
            throw new OptionsValidationException(Where(), typeof(RetentionRule), [$"{Where()}:Repository is missing"]);
        if (rule.KeepNewestTags is < 0)
            throw new OptionsValidationException(Where(), typeof(RetentionRule), [$"{Where()}:KeepNewestTags must be 0 or more"]);
        if (new[] { rule.DeleteTagsOlderThan, rule.DeleteUntaggedOlderThan, rule.DeleteNotPulledFor }.Any(d => d < TimeSpan.Zero))
            throw new OptionsValidationException(Where(), typeof(RetentionRule), [$"{Where()}: durations must not be negative"]);
        return rule;
    }
}
