namespace OrleansRegistry.Grains.Uploads;

/// <summary>Upload-session settings (configuration section <c>Registry:Uploads</c>).</summary>
public sealed class UploadOptions
{
    /// <summary>An open session with no activity for this long is removed with its data.</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often each silo looks for expired sessions.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A writer that holds the lease this long without finishing is presumed dead (its silo crashed).</summary>
    public TimeSpan WriterLeaseTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
