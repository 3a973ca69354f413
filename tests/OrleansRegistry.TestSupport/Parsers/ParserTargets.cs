using System.Net.Http.Headers;
using System.Text;
using OrleansRegistry.Client.Registry.Auth;
using OrleansRegistry.Core;
using OrleansRegistry.Core.Access;
using static OrleansRegistry.TestSupport.Parsers.ParserInvariantException;

namespace OrleansRegistry.TestSupport.Parsers;

/// <summary>
/// The parsers of untrusted input in the libraries (Core, Client), by name: property tests (tests/*/Properties) run each
/// project's, the fuzz harness runs one chosen by name (scripts/fuzz TARGET, from <c>AllParserTargets</c>, which adds the
/// Server's in TestSupport.Server) and instruments the assemblies named by <see cref="ParserTarget.Project"/>. A new
/// parser is one more entry here or in ServerParserTargets (a parser in a project with no *ParserTargetTests class yet
/// also wants that five-line class in its test project).
/// </summary>
public static class ParserTargets
{
    private const string Digits = "0123456789";
    private const string NameAlphabet = "abcz09._-/";
    private const string TagAlphabet = "aZ09_.-";
    private const string DigestAlphabet = "sha256:+._-=aAfF09";
    private const string RangeAlphabet = "bytes=0123456789-,/* ";
    /// <summary>The characters of JSON text, for targets that read JSON.</summary>
    public const string JsonAlphabet = "{}[]\":,0123456789-. \\uabnlrtefsDigcpmvz/+";
    private const string ChallengeAlphabet = "BearerBasic realm=\"\\,scope:pull/ ";
    private const string ScopeAlphabet = "repositorygcatalog(plugin):/,*._-AZ09 ";
    private const string Sha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Content types a manifest target picks from by its first input byte.</summary>
    private static readonly string?[] ManifestContentTypes =
    [
        null, MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList,
        MediaTypes.DockerSchema1Signed, MediaTypes.DockerSchema1, MediaTypes.Json, "text/plain",
    ];

    public static IReadOnlyList<ParserTarget> All { get; } =
    [
        new("reference", "Core", NameAlphabet + TagAlphabet + DigestAlphabet, ["latest", "v1.0_rc-2", Sha256], RunReference),
        new("repository-name", "Core", NameAlphabet, ["library/nginx", "a/b__c/d-e.f", "x"], RunRepositoryName),
        new("tag", "Core", TagAlphabet, ["latest", "_v1.2-rc.3"], RunTag),
        new("digest", "Core", DigestAlphabet, [Sha256, "sha512:" + new string('0', 128), "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"], RunDigest),
        new("byte-range", "Core", RangeAlphabet, ["bytes=0-499", "bytes=500-", "bytes=-200"], RunByteRange),
        new("content-range", "Core", RangeAlphabet, ["0-499", "bytes 0-499/1000", "bytes=10-20"], RunContentRange),
        new("manifest", "Core", JsonAlphabet, ManifestSeeds(), RunManifest),
        new("auth-challenge", "Client", ChallengeAlphabet,
            ["realm=\"https://auth.example/token\",service=\"registry\",scope=\"repository:a/b:pull,push\"", "realm=\"x\\\"y\""], RunAuthChallenge),
        new("scope", "Core", ScopeAlphabet,
            ["repository:library/nginx:pull,push", "repository(plugin):a/b:pull", "registry:catalog:*", "repository:Local-host.x:5000/team__a/app-1:delete repository:x:"],
            RunScope),
    ];

    public static ParserTarget Find(string name) => Find(All, name);

    public static ParserTarget Find(IReadOnlyList<ParserTarget> targets, string name) =>
        targets.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"no parser target '{name}'; targets: {string.Join(", ", targets.Select(t => t.Name))}");

    /// <summary>The input as text. Invalid UTF-8 becomes U+FFFD, as ASP.NET decodes paths and headers.</summary>
    public static string Text(byte[] input) => Encoding.UTF8.GetString(input);

    private static void RunReference(byte[] input)
    {
        var text = Text(input);
        if (!Reference.TryParse(text, out var reference)) return;
        Check(reference.ToString() == text, $"reference '{text}' formats as '{reference}'");
        Check(reference.IsDigest == text.Contains(':'), $"reference '{text}': a digest exactly when it holds ':'");
    }

    private static void RunRepositoryName(byte[] input)
    {
        var text = Text(input);
        var valid = RepositoryName.TryParse(text, out var name);
        Check(!valid || name.Value == text && text.Length <= RepositoryName.MaxLength, $"name '{text}' parsed as '{name}'");
        Check(valid == RepositoryName.IsValid(text.AsSpan()), $"name '{text}': TryParse and IsValid disagree");
        ParseAgrees(valid, () => RepositoryName.Parse(text), ErrorCatalog.NameInvalid, text);
    }

    private static void RunTag(byte[] input)
    {
        var text = Text(input);
        var valid = Tag.TryParse(text, out var tag);
        Check(!valid || tag.Value == text && text.Length <= Tag.MaxLength, $"tag '{text}' parsed as '{tag}'");
        ParseAgrees(valid, () => Tag.Parse(text), ErrorCatalog.TagInvalid, text);
    }

    private static void RunDigest(byte[] input)
    {
        var text = Text(input);
        var valid = Digest.TryParse(text, out var digest);
        Check(!valid || digest.ToString() == text, $"digest '{text}' formats as '{digest}'");
        if (valid && digest.IsSupported)
            Check(digest.Algorithm is Digest.Sha256 or Digest.Sha512 && digest.Encoded.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')),
                $"digest '{text}' is supported but not lower-case hex of sha256/sha512");
        ParseAgrees(valid, () => Digest.Parse(text), ErrorCatalog.DigestInvalid, text);
    }

    private static void RunByteRange(byte[] input)
    {
        var text = Text(input);
        foreach (var size in new[] { 0L, 1, 10, 1000, long.MaxValue })
        {
            var result = ByteRange.Evaluate(text, size, out var start, out var length);
            var ok = result switch
            {
                ByteRangeResult.Satisfiable => start >= 0 && start < size && length >= 1 && length <= size - start,
                ByteRangeResult.NotSatisfiable => start == 0 && length == 0,
                _ => start == 0 && length == size,
            };
            Check(ok, $"Range '{text}' on {size} bytes: {result} start {start} length {length}");
        }
    }

    private static void RunContentRange(byte[] input)
    {
        var text = Text(input);
        if (!ContentRange.TryParse(text, out var start, out var end)) return;
        Check(start >= 0 && start <= end, $"Content-Range '{text}' gave {start}-{end}");
    }

    private static void RunManifest(byte[] input)
    {
        var contentType = input.Length == 0 ? null : ManifestContentTypes[input[0] % ManifestContentTypes.Length];
        var body = input.Length == 0 ? input : input[1..];
        _ = ManifestDigest.Compute(contentType, body); // never throws: a body it cannot read is digested as bytes
        ParsedManifest manifest;
        try { manifest = ManifestParser.Parse(contentType, body); }
        catch (RegistryException e) when (e.Descriptor == ErrorCatalog.ManifestInvalid || e.Descriptor == ErrorCatalog.ManifestUnverified
                                          || e.Descriptor == ErrorCatalog.ManifestTooLarge) { return; }
        Check(MediaTypes.IsManifest(manifest.MediaType), $"accepted as unknown media type {manifest.MediaType}");
        foreach (var descriptor in manifest.Layers.Concat(manifest.Manifests).Concat(manifest.Config is { } c ? [c] : []))
            Check(descriptor.Digest.IsSupported && descriptor.Size >= 0, $"descriptor {descriptor.Digest} size {descriptor.Size} accepted");
        Check(!manifest.IsIndex || manifest.Config is null && manifest.Layers.Count == 0, "an index with config or layers");
    }

    private static void RunAuthChallenge(byte[] input)
    {
        var text = Text(input);
        var parameters = AuthChallenge.ParseParameters(text);
        Check(parameters.Keys.All(k => k.Length > 0), $"challenge '{text}' gave an empty parameter name");
        // No header value holds CR, LF or NUL (.NET refuses to build one, and no HTTP response carries one).
        if (text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0) return;
        var challenge = AuthChallenge.Parse(new AuthenticationHeaderValue("Bearer", text));
        Check(challenge.Scopes.All(s => s.Length > 0 && !s.Contains(' ')), $"challenge '{text}' gave a blank scope");
        // The whole header as a registry sends it, through .NET's header parsing too.
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Unauthorized);
        if (response.Headers.TryAddWithoutValidation("WWW-Authenticate", "Bearer " + text))
            _ = AuthChallenge.From(response);
    }

    private static void RunScope(byte[] input)
    {
        var text = Text(input);
        if (ResourceScope.TryParse(text, out var scope))
        {
            Check(scope.ToString() == text, $"scope '{text}' formats as '{scope}'");
            Check(scope.IsWellFormed && scope.Canonical().IsWellFormed, $"scope '{text}' parsed but is not well-formed");
            Check(scope.Actions.All(a => a.Length > 0) && scope.Name.Length > 0, $"scope '{text}' gave an empty name or action");
        }
        // The token endpoint's form: space-separated, invalid entries skipped, each valid one as TryParse reads it.
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var expected = words.Select(w => ResourceScope.TryParse(w, out var s) ? s : null).OfType<ResourceScope>().ToList();
        Check(ResourceScope.ParseList([text]).SequenceEqual(expected), $"scope list '{text}' differs from its words parsed one by one");
    }

    /// <summary>Parse throws exactly when TryParse refuses, and then only RegistryException with the spec's code.</summary>
    private static void ParseAgrees(bool valid, Action parse, Core.ErrorDescriptor code, string text)
    {
        try { parse(); }
        catch (RegistryException e) when (!valid && e.Descriptor == code) { return; }
        Check(valid, $"'{text}': Parse accepted what TryParse refused");
    }

    private static IReadOnlyList<string> ManifestSeeds()
    {
        // The first character picks the content type (see RunManifest): '\u0001' the OCI manifest, '\u0002' the index.
        const string config = "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Sha256 + "\",\"size\":2}";
        const string layer = "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + Sha256 + "\",\"size\":32654,\"annotations\":{\"a\":\"b\"}}";
        return
        [
            "\u0001{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," + config + ",\"layers\":[" + layer + "]}",
            "\u0002{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + Sha256 + "\",\"size\":7,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}",
            "\u0000{\"schemaVersion\":2," + config + ",\"layers\":[],\"subject\":" + layer + ",\"artifactType\":\"application/x\"}",
        ];
    }
}
