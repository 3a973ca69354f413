using System.Text.Json;

namespace OrleansRegistry.Core.Schema1;

/// <summary>
/// A Docker image manifest, version 2 schema 1 (distribution <c>manifest/schema1/manifest.go</c>, type <c>Manifest</c>):
/// <c>schemaVersion: 1</c>, <c>name</c>, <c>tag</c>, <c>architecture</c>, <c>fsLayers[{blobSum}]</c> and
/// <c>history[{v1Compatibility}]</c>, newest layer first. This is the unsigned content; <see cref="SignedManifest"/>
/// carries it with its signatures.
/// </summary>
public sealed record Schema1Manifest(
    string Name,
    string Tag,
    string Architecture,
    IReadOnlyList<Schema1FsLayer> FsLayers,
    IReadOnlyList<Schema1History> History)
{
    public const int SchemaVersion = 1;

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>
    /// The bytes that get signed: Go's <c>json.MarshalIndent(m, "", "   ")</c> of distribution's <c>Manifest</c>
    /// struct (schema1 <c>sign.go</c>), so fields in struct order with <c>schemaVersion</c> (embedded Versioned) first.
    /// </summary>
    public byte[] ToPayload()
    {
        var json = new GoJsonWriter().StartObject()
            .Name("schemaVersion").Number(SchemaVersion)
            .Property("name", Name)
            .Property("tag", Tag)
            .Property("architecture", Architecture)
            .Name("fsLayers").StartArray();
        foreach (var layer in FsLayers)
            json.StartObject().Property("blobSum", layer.BlobSum.ToString()).EndObject();
        json.EndArray().Name("history").StartArray();
        foreach (var entry in History)
            json.StartObject().Property("v1Compatibility", entry.V1Compatibility).EndObject();
        return json.EndArray().EndObject().ToUtf8();
    }

    /// <summary>
    /// Reads the signed payload. Refuses (MANIFEST_INVALID) what distribution's <c>verifyManifest</c> refuses: a
    /// name that is not a repository name, history and fsLayers of different lengths; and, stricter, any blobSum
    /// that is not a sha256/sha512 digest (the registry could not check that the blob exists).
    /// </summary>
    public static Schema1Manifest Parse(ReadOnlySpan<byte> payload)
    {
        JsonDocument document;
        try { document = StrictJson.Parse(payload.ToArray(), JsonOptions); }
        catch (JsonException e) { throw Invalid($"the signed payload is not valid JSON: {e.Message}"); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Invalid("the signed payload must be a JSON object");
            if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var number) || number != SchemaVersion)
                throw Invalid("a schema1 manifest must have \"schemaVersion\": 1");
            if (root.TryGetProperty("mediaType", out var mediaType) && mediaType.ValueKind != JsonValueKind.Null
                && (mediaType.ValueKind != JsonValueKind.String || !MediaTypes.IsSchema1(mediaType.GetString()!)))
                throw Invalid("the mediaType of a schema1 manifest, when present, must be a schema1 type");
            if (root.TryGetProperty("signatures", out _))
                throw Invalid("the signed payload must not itself contain \"signatures\"");

            var name = RequiredString(root, "name");
            if (!RepositoryName.IsValid(name)) throw Invalid($"name \"{name}\" is not a valid repository name");
            var tag = OptionalString(root, "tag");
            var architecture = OptionalString(root, "architecture");

            var fsLayers = Array(root, "fsLayers", (item, path) =>
            {
                var text = item.ValueKind == JsonValueKind.Object ? OptionalString(item, "blobSum", path + ".blobSum") : null;
                if (!Digest.TryParse(text, out var digest) || !digest.IsSupported)
                    throw Invalid($"{path}.blobSum \"{text}\" is not a sha256 or sha512 digest");
                return new Schema1FsLayer(digest);
            });
            var history = Array(root, "history", (item, path) =>
                new Schema1History(item.ValueKind == JsonValueKind.Object
                    ? OptionalString(item, "v1Compatibility", path + ".v1Compatibility")
                    : throw Invalid($"{path} must be an object")));
            if (fsLayers.Count != history.Count)
                throw Invalid($"mismatched history and fsLayers cardinality {history.Count} != {fsLayers.Count}");
            return new Schema1Manifest(name, tag, architecture, fsLayers, history);
        }
    }

    private static IReadOnlyList<T> Array<T>(JsonElement root, string name, Func<JsonElement, string, T> read)
    {
        // Go decodes a missing or null array as an empty slice; so do we.
        if (!root.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null) return [];
        if (array.ValueKind != JsonValueKind.Array) throw Invalid($"\"{name}\" must be an array");
        var items = new List<T>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray()) items.Add(read(item, $"{name}[{items.Count}]"));
        return items;
    }

    private static string RequiredString(JsonElement parent, string name, string? path = null) =>
        OptionalString(parent, name, path) is { Length: > 0 } value ? value : throw Invalid($"{path ?? name} is missing");

    private static string OptionalString(JsonElement parent, string name, string? path = null)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return "";
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid($"{path ?? name} must be a string");
    }

    private static RegistryException Invalid(string message) => new(ErrorCatalog.ManifestInvalid, message);
}
