namespace OrleansRegistry.Grains.Uploads;

/// <summary>
/// How many upload sessions one identity may hold open at once, cluster-wide. The server fills it from
/// <c>Registry:Limits:MaxUploadSessionsPerIdentity</c> (the grains know nothing of the server's options).
/// </summary>
public sealed class UploadQuotaOptions
{
    /// <summary>Generous by default: a client pushing many layers in parallel never meets it. 0: unlimited.</summary>
    public int MaxSessionsPerIdentity { get; set; } = 100;

    /// <summary>
    /// The Retry-After of a refusal. A slot frees when the caller finishes or cancels a session, which the registry
    /// cannot foresee: a short pause, after which a client that is finishing its other uploads gets in.
    /// </summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => MaxSessionsPerIdentity > 0;
}
