using System.Net;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>
/// One upload session on the registry: where its next request goes, and whether the registry has taken the blob.
/// Disposing a session the registry has not completed deletes it: a failed or cancelled upload leaves no session
/// behind to hold the registry's space until it expires.
/// </summary>
internal sealed class UploadSession : IAsyncDisposable
{
    private readonly RegistryHttp _http;
    private readonly Uri _uploads;
    private bool _completed;

    /// <param name="uploads">The repository's <c>blobs/uploads/</c>, where a new session starts.</param>
    /// <param name="location">The session the registry opened.</param>
    public UploadSession(RegistryHttp http, Uri uploads, Uri location)
    {
        _http = http;
        _uploads = uploads;
        Location = location;
    }

    /// <summary>Where the next request of this session goes (each response may move it).</summary>
    public Uri Location { get; set; }

    /// <summary>Opens a session: <c>POST</c> to <paramref name="uploads"/>.</summary>
    public static async Task<UploadSession> StartAsync(RegistryHttp http, Uri uploads, CancellationToken ct) =>
        new(http, uploads, await PostAsync(http, uploads, ct).ConfigureAwait(false));

    /// <summary>Gives this session up and goes on in a new one, from no bytes.</summary>
    public async Task StartOverAsync(CancellationToken ct)
    {
        await CancelQuietlyAsync(_http, Location).ConfigureAwait(false);
        Location = await PostAsync(_http, _uploads, ct).ConfigureAwait(false);
    }

    /// <summary>The session's status (spec end-13): how many bytes the registry holds; moves to the next location.</summary>
    public async Task<long> GetOffsetAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Location);
        using var response = await _http.SendExpectingAsync(request, HttpCompletionOption.ResponseContentRead,
            [HttpStatusCode.NoContent, HttpStatusCode.OK], ct).ConfigureAwait(false);
        Location = RegistryHttp.Location(response) ?? Location;
        return UploadRange.Committed(response) ?? 0;
    }

    /// <summary>
    /// <c>PUT ?digest=</c>, with <paramref name="whole"/> as the body (the whole blob) or none (the chunks were sent).
    /// Once the registry answers 201 the session is complete, whatever digest it reports.
    /// </summary>
    public async Task CompleteAsync(Digest digest, UploadChunkContent? whole, CancellationToken ct)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, RegistryHttp.WithQuery(Location, "digest", digest.ToString()))
        {
            Content = whole ?? (HttpContent)new ByteArrayContent([]),
        };
        using var finished = await UploadChunkContent.SendAsync(_http, put, ct).ConfigureAwait(false);
        if (finished.StatusCode != HttpStatusCode.Created)
            throw await RegistryHttp.ErrorAsync(finished, ct).ConfigureAwait(false);
        _completed = true;
        CheckDigestHeader(finished, digest);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
            await CancelQuietlyAsync(_http, Location).ConfigureAwait(false);
    }

    /// <summary>Deletes a session; a failure is left to the session's expiry on the registry.</summary>
    public static async Task CancelQuietlyAsync(RegistryHttp http, Uri location)
    {
        try
        {
            // Not the caller's token: cleanup must run after the caller cancelled; bounded so it cannot hang the caller.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var request = new HttpRequestMessage(HttpMethod.Delete, location);
            using var response = await http.Auth.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            // The session expires on the registry; the caller's error matters more.
        }
    }

    private static async Task<Uri> PostAsync(RegistryHttp http, Uri uploads, CancellationToken ct)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, uploads) { Content = new ByteArrayContent([]) };
        using var response = await http.SendExpectingAsync(post, HttpCompletionOption.ResponseContentRead,
            [HttpStatusCode.Accepted], ct).ConfigureAwait(false);
        return RegistryHttp.Location(response)
            ?? throw new UnexpectedStatusException(HttpMethod.Post, post.RequestUri, response.StatusCode, "202 without Location", []);
    }

    /// <summary>A registry that says it stored the blob under another digest stored something else.</summary>
    public static void CheckDigestHeader(HttpResponseMessage response, Digest expected)
    {
        if (RegistryHttp.Header(response, "Docker-Content-Digest") is { } header
            && Digest.TryParse(header, out var reported) && reported != expected)
            throw new DigestMismatchException(expected, reported, "blob stored by the registry");
    }
}
