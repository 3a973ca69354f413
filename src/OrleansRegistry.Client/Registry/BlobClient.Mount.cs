using System.Net;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>The cross-repository mount.</summary>
public sealed partial class BlobClient
{
    public async Task<bool> MountAsync(Digest digest, string fromRepository, CancellationToken ct = default)
    {
        if (!RepositoryName.IsValid(fromRepository))
            throw new ArgumentException($"'{fromRepository}' is not a valid repository name", nameof(fromRepository));
        var uri = RegistryHttp.WithQuery(RegistryHttp.WithQuery(UploadsUri, "mount", digest.ToString()), "from", fromRepository);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent([]) };
        using var response = await _http.SendExpectingAsync(request, HttpCompletionOption.ResponseContentRead,
            [HttpStatusCode.Created, HttpStatusCode.Accepted], ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created)
            return true;
        if (RegistryHttp.Location(response) is { } location)
            await UploadSession.CancelQuietlyAsync(_http, location).ConfigureAwait(false);
        return false;
    }
}
