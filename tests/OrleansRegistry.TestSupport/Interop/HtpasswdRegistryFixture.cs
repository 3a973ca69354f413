namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// CNCF distribution 2.8.2 with <c>auth: htpasswd</c>: one user, <see cref="User"/> / <see cref="Password"/>, written
/// by <c>htpasswd -Bbn</c> (apache2-utils). Every request without credentials gets 401 with a Basic challenge.
/// </summary>
public sealed class HtpasswdRegistryFixture : DistributionRegistryFixture
{
    public const string User = "oreg-user";
    public const string Password = "s3cret-Pa55";

    public Uri Registry => new($"http://{HostPort}/");

    private string UsersFile => Root.Child("htpasswd");

    protected override string ExtraConfig => $"""
        auth:
          htpasswd:
            realm: oreg-test
            path: {UsersFile}
        """;

    protected override async Task PrepareAsync()
    {
        var htpasswd = await ExternalCommand.RunAsync("htpasswd", ["-Bbn", User, Password], timeout: TimeSpan.FromSeconds(30));
        if (htpasswd.ExitCode != 0) throw new InvalidOperationException($"htpasswd failed: {htpasswd.Stderr}");
        await File.WriteAllBytesAsync(UsersFile, htpasswd.Stdout);
    }
}
