using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>Requests and checks the mirror tests share.</summary>
public static class MirrorRequests
{
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json",
    ];

    /// <summary>A manifest request accepting every image manifest type, as pull clients send it.</summary>
    public static HttpRequestMessage Manifest(HttpMethod method, string repository, string reference)
    {
        var request = new HttpRequestMessage(method, $"/v2/{repository}/manifests/{reference}");
        foreach (var type in ManifestTypes) request.Headers.Accept.ParseAdd(type);
        return request;
    }

    public static Task<HttpResponseMessage> GetManifestAsync(this HttpClient client, string repository, string reference) =>
        client.SendAsync(Manifest(HttpMethod.Get, repository, reference));

    /// <summary>The first error code of a spec error body.</summary>
    public static async Task<string> ErrorCodeAsync(HttpResponseMessage response) => (await TestImages.ErrorCodesAsync(response))[0];

    /// <summary>
    /// Waits (bounded) until <paramref name="expected"/> rows match: a client has a fetched blob's last bytes as soon as
    /// they are verified, a moment before the commit writes its rows.
    /// </summary>
    public static Task CountBecomesAsync(string connectionString, string fromWhere, string value, long expected) =>
        Eventually.TrueAsync(async () => await CountAsync(connectionString, fromWhere, value) == expected, TimeSpan.FromSeconds(30),
            $"{expected} rows in {fromWhere} for {value}");

    /// <summary>How many rows of the mirror's database match (<c>@r</c> bound to <paramref name="value"/>).</summary>
    public static async Task<long> CountAsync(string connectionString, string fromWhere, string value) =>
        Convert.ToInt64(await PostgresSql.ValueAsync(connectionString, $"SELECT count(*) FROM {fromWhere}", ("r", value)));
}
