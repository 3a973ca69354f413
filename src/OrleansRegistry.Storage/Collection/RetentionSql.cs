namespace OrleansRegistry.Storage.Collection;

/// <summary>
/// The retention rules' conditions over a manifest row <c>m</c>, shared by the candidate queries
/// (<see cref="PostgresGarbageQueries"/>) and the re-checks under the row lock (<c>PostgresRegistryIndex</c>), so the two
/// can never disagree. <c>@gone_manifests</c> are digests that count as deleted already (a dry run's decisions; empty
/// in a re-check).
/// </summary>
internal static class RetentionSql
{
    /// <summary>
    /// When the manifest was last used, for the not-pulled rule: its last pull, or its creation when never pulled, or the
    /// last time a tag was moved onto it when that is later (a re-tagged old manifest is in use again).
    /// </summary>
    public const string LastUsed = """
        GREATEST(m.created_at, m.last_pulled_at,
                 (SELECT max(t.updated_at) FROM tags t WHERE t.repository = m.repository AND t.digest = m.digest))
        """;

    /// <summary>Neither a child of another manifest of the repository nor a referrer whose subject is in it: those go after it.</summary>
    public const string NotKeptByAnotherManifest = """
        NOT EXISTS (SELECT 1 FROM manifest_references r
                    WHERE r.repository = m.repository AND r.digest = m.digest AND r.kind = 'manifest'
                      AND r.manifest <> ALL (@gone_manifests))
        AND (m.subject IS NULL
             OR NOT EXISTS (SELECT 1 FROM manifests s
                            WHERE s.repository = m.repository AND s.digest = m.subject AND s.digest <> ALL (@gone_manifests)))
        """;
}
