namespace OrleansRegistry.Server.Tests.Limits;

/// <summary>A registry limiting each identity (anonymous callers: each address) to a burst of a few requests, then 1 a second.</summary>
public sealed class RateLimitedRegistryFixture : RegistryFixture
{
    public const int Burst = 5;

    public RateLimitedRegistryFixture()
    {
        Settings["Registry__Limits__RateLimit__PerIdentity__RequestsPerSecond"] = "1";
        Settings["Registry__Limits__RateLimit__PerIdentity__Burst"] = Burst.ToString();
    }
}
