namespace OrleansRegistry.Grains.Collection;

/// <summary>
/// One entry of <c>Registry:Retention:Rules</c>: what the collector deletes in the repositories matching
/// <see cref="Repository"/> (a <see cref="Core.RepositoryPattern"/>). Unset fields delete nothing.
/// </summary>
public sealed class RetentionRule
{
    /// <summary>The repository pattern: <c>*</c> within one path component, <c>**</c> across components.</summary>
    public string Repository { get; set; } = "";

    /// <summary>Tags beyond the newest N (by the time each was last pushed) are deleted.</summary>
    public int? KeepNewestTags { get; set; }

    /// <summary>Tags not pushed for this long are deleted (never one of the newest <see cref="KeepNewestTags"/>).</summary>
    public TimeSpan? DeleteTagsOlderThan { get; set; }

    /// <summary>Manifests with no tag, no parent index and no subject in the repository, created this long ago, are deleted.</summary>
    public TimeSpan? DeleteUntaggedOlderThan { get; set; }

    /// <summary>
    /// Manifests, tagged or not, not pulled for this long (never pulled: since pushed; a tag moved onto one counts as a
    /// push) are deleted with their tags, except a child of another manifest of the repository and a referrer whose
    /// subject is in it, which follow their parent or subject. Far longer than
    /// <see cref="RetentionOptions.PullTimeFlushInterval"/>: a pull not yet written is not seen.
    /// </summary>
    public TimeSpan? DeleteNotPulledFor { get; set; }
}

/// <summary>The configuration section <c>Registry:Retention</c>.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Registry:Retention";

    /// <summary>Checked in order; the first whose pattern matches a repository applies to it, and no other.</summary>
    public List<RetentionRule> Rules { get; set; } = [];

    /// <summary>How often each silo writes the pull times it has gathered (one batch); also written when the silo stops.</summary>
    public TimeSpan PullTimeFlushInterval { get; set; } = TimeSpan.FromSeconds(30);
}
