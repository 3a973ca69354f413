using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace OrleansRegistry.Storage.Blobs.S3;

/// <summary>The SDK client the options describe.</summary>
public static class S3ClientFactory
{
    public static AmazonS3Config Config(S3BlobStoreOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Checksums only where S3 requires them: S3-compatible servers differ in the newer trailing checksums,
            // and the registry verifies every blob's digest itself.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        return config;
    }

    public static IAmazonS3 Create(S3BlobStoreOptions options) => string.IsNullOrEmpty(options.AccessKey)
        ? new AmazonS3Client(Config(options))
        : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), Config(options));
}
