using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using OrleansRegistry.Storage.Blobs.S3;

namespace OrleansRegistry.TestSupport.S3;

/// <summary>
/// A moto S3 server of a test class with a fresh bucket of its own (xunit class fixture): the store's options, an SDK
/// client to look behind the store, and the settings that put a registry server process on that bucket.
/// </summary>
public class S3Fixture : IAsyncLifetime
{
    public const string AccessKey = "test";
    public const string SecretKey = "test";
    public const string Region = "us-east-1";

    private MotoServer? _server;

    public MotoServer Server => _server ?? throw new InvalidOperationException("the S3 fixture is not started");

    public string Bucket { get; } = $"registry-{Guid.NewGuid():N}";

    public IAmazonS3 Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await MotoServer.StartAsync();
        Client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), S3ClientFactory.Config(Options()));
        await Client.PutBucketAsync(Bucket);
    }

    /// <summary>Options of a store on this fixture's bucket (a test may change the part size or the copy thresholds).</summary>
    public S3BlobStoreOptions Options(string prefix = "") => new()
    {
        Bucket = Bucket,
        Region = Region,
        ServiceUrl = Server.ServiceUrl,
        ForcePathStyle = true,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        Prefix = prefix,
    };

    /// <summary>Configuration (environment variable form) that makes a registry server keep its blobs in this bucket.</summary>
    public IReadOnlyDictionary<string, string> ServerSettings(string prefix = "") => new Dictionary<string, string>
    {
        ["Registry__BlobStore__Type"] = "S3",
        ["Registry__BlobStore__S3__Bucket"] = Bucket,
        ["Registry__BlobStore__S3__Region"] = Region,
        ["Registry__BlobStore__S3__ServiceUrl"] = Server.ServiceUrl,
        ["Registry__BlobStore__S3__ForcePathStyle"] = "true",
        ["Registry__BlobStore__S3__AccessKey"] = AccessKey,
        ["Registry__BlobStore__S3__SecretKey"] = SecretKey,
        ["Registry__BlobStore__S3__Prefix"] = prefix,
    };

    /// <summary>Keys of the objects under <paramref name="prefix"/> (every page).</summary>
    public async Task<List<string>> KeysAsync(string prefix)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await Client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
        return keys;
    }

    /// <summary>Keys of the multipart uploads in progress under <paramref name="prefix"/>.</summary>
    public async Task<List<string>> MultipartUploadsAsync(string prefix) =>
        ((await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = prefix })).MultipartUploads ?? [])
        .Select(u => u.Key).ToList();

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }
}
