using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>The manifests of one repository over HTTP; see <see cref="IManifestClient"/> for the behaviour of each call.</summary>
public sealed class ManifestClient : IManifestClient
{
    /// <summary>What a GET or HEAD accepts unless told otherwise: OCI manifest and index, Docker schema2 manifest and list.</summary>
    public static IReadOnlyList<string> DefaultAccept { get; } =
        [MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList];

    private const string ContentDigestHeader = "Docker-Content-Digest";
    private readonly RegistryHttp _http;
    private readonly string _repository;

    internal ManifestClient(RegistryHttp http, string repository)
    {
        _http = http;
        _repository = repository;
    }

    private Uri ManifestUri(Reference reference) => _http.V2($"{_repository}/manifests/{reference}");

    public async Task<ManifestContent> GetAsync(string reference, IEnumerable<string>? accept = null, CancellationToken ct = default)
    {
        var parsed = ParseReference(reference);
        using var request = new HttpRequestMessage(HttpMethod.Get, ManifestUri(parsed));
        AddAccept(request, accept);
        using var response = await _http.SendExpectingAsync(request, HttpCompletionOption.ResponseHeadersRead,
            [HttpStatusCode.OK], ct).ConfigureAwait(false);
        byte[]? content;
        try
        {
            content = await RegistryHttp.TryReadAtMostAsync(response.Content, _http.Options.MaxManifestBytes, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RegistryHttp.IsTransportFailure(e, ct))
        {
            throw RegistryHttp.Transport(HttpMethod.Get, request.RequestUri, e);
        }
        if (content is null)
            throw new RegistryClientException($"manifest {_repository}:{reference} is over {_http.Options.MaxManifestBytes} bytes");

        var digest = VerifiedDigest(parsed, response, response.Content.Headers.ContentType?.MediaType, content);
        var mediaType = MediaTypes.Essence(response.Content.Headers.ContentType?.MediaType)
            ?? DeclaredMediaType(content)
            ?? MediaTypes.OctetStream;
        return new ManifestContent(new Descriptor(mediaType, digest, content.Length), content);
    }

    public async Task<Descriptor?> HeadAsync(string reference, IEnumerable<string>? accept = null, CancellationToken ct = default)
    {
        var parsed = ParseReference(reference);
        using var request = new HttpRequestMessage(HttpMethod.Head, ManifestUri(parsed));
        AddAccept(request, accept);
        using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (response.StatusCode != HttpStatusCode.OK)
            throw await RegistryHttp.ErrorAsync(response, ct).ConfigureAwait(false);

        var digest = parsed.Digest
            ?? (Digest.TryParse(RegistryHttp.Header(response, ContentDigestHeader), out var header) ? header : null);
        var size = response.Content.Headers.ContentLength;
        var mediaType = MediaTypes.Essence(response.Content.Headers.ContentType?.MediaType);
        if (digest is null || size is null || mediaType is null)
        {
            // HEAD by tag did not say enough to name the manifest: the bytes do.
            return (await GetAsync(reference, accept, ct).ConfigureAwait(false)).Descriptor;
        }
        return new Descriptor(mediaType, digest.Value, size.Value);
    }

    public async Task<Digest> PutAsync(string reference, string mediaType, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        var parsed = ParseReference(reference);
        var digest = ManifestDigest.Compute(mediaType, content.Span, parsed.Digest?.Algorithm ?? Digest.Sha256);
        if (parsed.Digest is { } requested && requested != digest)
            throw new DigestMismatchException(requested, digest, "manifest to push");

        using var request = new HttpRequestMessage(HttpMethod.Put, ManifestUri(parsed)) { Content = new ReadOnlyMemoryContent(content) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        using var response = await _http.SendExpectingAsync(request, HttpCompletionOption.ResponseContentRead,
            [HttpStatusCode.Created, HttpStatusCode.OK], ct).ConfigureAwait(false);
        if (Digest.TryParse(RegistryHttp.Header(response, ContentDigestHeader), out var reported)
            && reported.Algorithm == digest.Algorithm && reported != digest)
            throw new DigestMismatchException(digest, reported, "manifest stored by the registry");
        return digest;
    }

    public async Task DeleteAsync(string reference, CancellationToken ct = default)
    {
        var parsed = ParseReference(reference);
        using var request = new HttpRequestMessage(HttpMethod.Delete, ManifestUri(parsed));
        using var response = await _http.SendExpectingAsync(request, HttpCompletionOption.ResponseContentRead,
            [HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.NoContent], ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The digest the bytes must have: the requested one, else the registry's Docker-Content-Digest, else (no header, as
    /// some registries do) the sha256 of the bytes, which then cannot be wrong.
    /// </summary>
    private Digest VerifiedDigest(Reference reference, HttpResponseMessage response, string? contentType, byte[] content)
    {
        Digest expected;
        if (reference.Digest is { } requested)
            expected = requested;
        else if (Digest.TryParse(RegistryHttp.Header(response, ContentDigestHeader), out var header) && header.IsSupported)
            expected = header;
        else
            return ManifestDigest.Compute(contentType, content);

        // Schema1 signed manifests are named by the digest of their payload without signatures, as distribution does.
        var actual = ManifestDigest.Compute(contentType, content, expected.Algorithm);
        if (actual != expected)
            throw new DigestMismatchException(expected, actual, $"manifest {_repository}:{reference}");
        return expected;
    }

    private static Reference ParseReference(string reference)
    {
        if (!Reference.TryParse(reference, out var parsed))
            throw new ArgumentException($"'{reference}' is neither a tag nor a digest", nameof(reference));
        if (parsed.Digest is { IsSupported: false } digest)
            throw new ArgumentException($"cannot verify a manifest with digest {digest}: only sha256 and sha512 are supported", nameof(reference));
        return parsed;
    }

    private static void AddAccept(HttpRequestMessage request, IEnumerable<string>? accept)
    {
        foreach (var type in accept ?? DefaultAccept)
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(type));
    }

    /// <summary>The document's own "mediaType", for a registry that sent no Content-Type.</summary>
    private static string? DeclaredMediaType(byte[] content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("mediaType", out var value)
                && value.ValueKind == JsonValueKind.String
                ? MediaTypes.Essence(value.GetString())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
