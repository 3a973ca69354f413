using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.Server.Tests.Limits;

/// <summary>A registry with authentication on (every user may push) and at most <see cref="Limit"/> open upload sessions per identity.</summary>
public sealed class SessionLimitedRegistryFixture : SecuredRegistryFixture
{
    public const int Limit = 2;

    protected override void Configure(IDictionary<string, string> settings) =>
        settings["Registry__Limits__MaxUploadSessionsPerIdentity"] = Limit.ToString();
}
