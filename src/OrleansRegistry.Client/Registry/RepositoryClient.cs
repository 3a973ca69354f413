using System.Net;
using System.Runtime.CompilerServices;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>One repository of a registry: its blobs, manifests, tags and referrers. Cheap to create; holds no connection.</summary>
public sealed class RepositoryClient : ITagLister, IReferrerLister
{
    private const string FiltersAppliedHeader = "OCI-Filters-Applied";
    private readonly RegistryHttp _http;

    internal RepositoryClient(RegistryHttp http, string name)
    {
        _http = http;
        Name = name;
        Blobs = new BlobClient(http, name);
        Manifests = new ManifestClient(http, name);
    }

    /// <summary>The repository's name, e.g. <c>team/app</c>.</summary>
    public string Name { get; }

    /// <summary>The registry's base address (with a trailing slash): two repositories with equal addresses are on one
    /// registry, so a blob can move between them by cross-repository mount.</summary>
    public Uri Registry => _http.Base;

    public IBlobClient Blobs { get; }

    public IManifestClient Manifests { get; }

    public IAsyncEnumerable<string> ListTagsAsync(int? pageSize = null, string? last = null, CancellationToken ct = default) =>
        PagedList.ReadAsync(_http, PagedList.FirstPage(_http.V2($"{Name}/tags/list"), pageSize, last), "tags", ct);

    public async IAsyncEnumerable<Descriptor> ListReferrersAsync(Digest subject, string? artifactType = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var first = _http.V2($"{Name}/referrers/{subject}");
        if (artifactType is not null)
            first = RegistryHttp.WithQuery(first, "artifactType", artifactType);

        var visited = new HashSet<Uri>();
        for (Uri? uri = first; uri is not null;)
        {
            if (!visited.Add(uri))
                throw new RegistryClientException($"the registry's Link header points back to {uri.PathAndQuery}");
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd(MediaTypes.OciIndex);
            using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            IReadOnlyList<Descriptor> page;
            bool filtered;
            if (response.StatusCode == HttpStatusCode.NotFound && uri == first)
            {
                // Spec: a registry without the referrers API answers 404; clients then read the referrers tag.
                page = await ReadReferrersTagAsync(subject, ct).ConfigureAwait(false);
                filtered = false;
                uri = null;
            }
            else if (response.StatusCode == HttpStatusCode.OK)
            {
                page = Index(response.Content.Headers.ContentType?.MediaType,
                    await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false), uri);
                filtered = RegistryHttp.Header(response, FiltersAppliedHeader)?
                    .Split(',', StringSplitOptions.TrimEntries).Contains("artifactType") == true;
                uri = LinkHeader.Next(response);
            }
            else
            {
                throw await RegistryHttp.ErrorAsync(response, ct).ConfigureAwait(false);
            }

            foreach (var descriptor in page)
            {
                // The spec lets a registry ignore the filter; it says so by leaving OCI-Filters-Applied out.
                if (artifactType is null || filtered || descriptor.ArtifactType == artifactType)
                    yield return descriptor;
            }
        }
    }

    /// <summary>The referrers tag schema (spec: "Referrers Tag Schema"): <c>&lt;alg&gt;-&lt;ref&gt;</c>, an index of the referrers.</summary>
    private async Task<IReadOnlyList<Descriptor>> ReadReferrersTagAsync(Digest subject, CancellationToken ct)
    {
        var tag = $"{Truncate(subject.Algorithm, 32)}-{Truncate(subject.Encoded, 64)}";
        ManifestContent index;
        try
        {
            index = await Manifests.GetAsync(tag, [MediaTypes.OciIndex], ct).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Descriptor == ErrorCatalog.ManifestUnknown || e.Descriptor == ErrorCatalog.NameUnknown)
        {
            return [];
        }
        return Index(index.Descriptor.MediaType, index.Content, null);
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    private static IReadOnlyList<Descriptor> Index(string? contentType, byte[] body, Uri? uri)
    {
        try
        {
            return ManifestParser.Parse(contentType ?? MediaTypes.OciIndex, body).Manifests;
        }
        catch (RegistryException e)
        {
            throw new RegistryClientException($"the referrers list {uri?.AbsolutePath} is not a valid image index: {e.Message}", e);
        }
    }
}
