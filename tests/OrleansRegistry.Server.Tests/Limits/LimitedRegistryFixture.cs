namespace OrleansRegistry.Server.Tests.Limits;

/// <summary>A registry with every per-request limit of <c>Registry:Limits</c> set low, so a test can cross each one.</summary>
public sealed class LimitedRegistryFixture : RegistryFixture
{
    public const int ManifestBytes = 16 * 1024;
    public const int ManifestDepth = 10;
    public const int NameLength = 40;
    public const int TagLength = 20;
    public const int PageSize = 3;
    public const int HeadersTotalSize = 8 * 1024;

    public LimitedRegistryFixture()
    {
        Settings["Registry__Limits__Manifest__MaxBytes"] = ManifestBytes.ToString();
        Settings["Registry__Limits__Manifest__MaxDepth"] = ManifestDepth.ToString();
        Settings["Registry__Limits__MaxNameLength"] = NameLength.ToString();
        Settings["Registry__Limits__MaxTagLength"] = TagLength.ToString();
        Settings["Registry__Limits__MaxPageSize"] = PageSize.ToString();
        Settings["Registry__Limits__MaxRequestHeadersTotalSize"] = HeadersTotalSize.ToString();
    }
}
