using OrleansRegistry.Storage.Blobs;
using OrleansRegistry.Storage.Blobs.S3;

namespace OrleansRegistry.Server.Hosting;

/// <summary>
/// The blob store configuration selects (<c>Registry:BlobStore:Type</c>): <c>FileSystem</c> (the default,
/// <c>&lt;DataDirectory&gt;/blobs</c>) or <c>S3</c> (<c>Registry:BlobStore:S3:*</c>, see <see cref="S3BlobStoreOptions"/>).
/// </summary>
public static class BlobStoreHosting
{
    public const string Section = "Registry:BlobStore";

    public static IServiceCollection AddRegistryBlobStore(this IServiceCollection services, IConfiguration config, string dataDirectory, bool flushToDisk)
    {
        var type = config[$"{Section}:Type"] ?? "FileSystem";
        if (type.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
            return services.AddSingleton<IBlobStore>(new FileSystemBlobStore(Path.Combine(dataDirectory, "blobs"), flushToDisk));
        if (type.Equals("S3", StringComparison.OrdinalIgnoreCase))
        {
            var options = config.GetSection($"{Section}:S3").Get<S3BlobStoreOptions>() ?? new S3BlobStoreOptions();
            options.Validate(); // a wrong setting stops the start, saying which
            return services.AddSingleton<IBlobStore>(_ => new S3BlobStore(S3ClientFactory.Create(options), options));
        }
        throw new InvalidOperationException($"{Section}:Type is '{type}': FileSystem or S3");
    }
}
