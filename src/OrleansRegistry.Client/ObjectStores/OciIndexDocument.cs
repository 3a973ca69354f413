using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.ObjectStores;

/// <summary>
/// A layout's <c>index.json</c> (image-spec "Image Layout": an image index whose entries are the layout's roots; an
/// entry's <c>org.opencontainers.image.ref.name</c> annotation names it, which is how skopeo and umoci store
/// <c>oci:DIR:TAG</c>). Held as a JSON tree rather than a typed model so that everything this code does not know
/// about (other entries, platforms, annotations, top-level fields other tools wrote) survives a rewrite untouched.
/// </summary>
internal sealed class OciIndexDocument
{
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    private readonly JsonObject _root;

    private OciIndexDocument(JsonObject root) => _root = root;

    /// <summary>An index with no entries, as a new layout gets it.</summary>
    public static OciIndexDocument Empty() => new(new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciIndex,
        ["manifests"] = new JsonArray(),
    });

    /// <summary>Reads <paramref name="path"/>; a missing file is an empty index (nothing was ever tagged).</summary>
    public static async Task<OciIndexDocument> LoadAsync(string path, CancellationToken ct)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Empty();
        }
        await using (stream)
        {
            JsonNode? node;
            try
            {
                node = await JsonNode.ParseAsync(stream, cancellationToken: ct);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e);
            }
            if (node is not JsonObject root || root["manifests"] is not (null or JsonArray))
                throw new InvalidDataException($"{path} is not an image index (an object with a \"manifests\" array)");
            return new OciIndexDocument(root);
        }
    }

    /// <summary>Every entry whose ref name is a valid tag, with its descriptor, in file order.</summary>
    public IReadOnlyList<(string Tag, Descriptor Manifest)> Tags()
    {
        var tags = new List<(string, Descriptor)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in Entries())
        {
            // Ref names may be full references ("example.com/app:1.0" as some tools write): kept in the file, but
            // they are not tags a registry would accept, so they are not listed. The first of duplicates wins, as
            // in ResolveTag.
            if (RefName(entry) is { } name && Tag.IsValid(name) && ToDescriptor(entry) is { } descriptor && seen.Add(name))
                tags.Add((name, descriptor));
        }
        return tags;
    }

    /// <summary>The first entry named <paramref name="refName"/>; null when there is none.</summary>
    public Descriptor? Resolve(string refName, string pathForErrors)
    {
        foreach (var entry in Entries())
        {
            if (RefName(entry) == refName)
                return ToDescriptor(entry)
                    ?? throw new InvalidDataException($"{pathForErrors}: the entry for {refName} is not a valid descriptor");
        }
        return null;
    }

    /// <summary>
    /// Points <paramref name="refName"/> at <paramref name="manifest"/>: the new entry takes the place of the first
    /// entry of that name and every other entry of that name is removed, so a re-set tag is never ambiguous.
    /// </summary>
    public void SetRef(string refName, Descriptor manifest)
    {
        var manifests = _root["manifests"] as JsonArray;
        if (manifests is null)
            _root["manifests"] = manifests = new JsonArray();

        var position = -1;
        for (var i = manifests.Count - 1; i >= 0; i--)
        {
            if (manifests[i] is JsonObject entry && RefName(entry) == refName)
            {
                manifests.RemoveAt(i);
                position = i;
            }
        }
        var replacement = ToEntry(refName, manifest);
        if (position >= 0)
            manifests.Insert(position, replacement);
        else
            manifests.Add(replacement);
    }

    public async Task WriteToAsync(Stream stream, CancellationToken ct)
    {
        await using var writer = new Utf8JsonWriter(stream);
        _root.WriteTo(writer);
        await writer.FlushAsync(ct);
    }

    private IEnumerable<JsonObject> Entries() =>
        (_root["manifests"] as IEnumerable<JsonNode?> ?? []).OfType<JsonObject>();

    private static string? RefName(JsonObject entry) =>
        entry["annotations"] is JsonObject annotations
        && annotations[RefNameAnnotation] is JsonValue value
        && value.TryGetValue<string>(out var name)
            ? name
            : null;

    private static Descriptor? ToDescriptor(JsonObject entry)
    {
        if (!TryString(entry["mediaType"], out var mediaType)
            || !TryString(entry["digest"], out var digestText)
            || !Digest.TryParse(digestText, out var digest)
            || entry["size"] is not JsonValue sizeValue
            || !sizeValue.TryGetValue<long>(out var size)
            || size < 0)
            return null;

        Dictionary<string, string>? annotations = null;
        if (entry["annotations"] is JsonObject annotationObject)
        {
            annotations = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in annotationObject)
            {
                if (TryString(value, out var text))
                    annotations[key] = text;
            }
        }
        var artifactType = TryString(entry["artifactType"], out var type) ? type : null;
        return new Descriptor(mediaType, digest, size, artifactType, annotations);
    }

    private static JsonObject ToEntry(string refName, Descriptor manifest)
    {
        var annotations = new JsonObject();
        foreach (var (key, value) in manifest.Annotations ?? new Dictionary<string, string>())
        {
            if (key != RefNameAnnotation)
                annotations[key] = value;
        }
        annotations[RefNameAnnotation] = refName;

        var entry = new JsonObject
        {
            ["mediaType"] = manifest.MediaType,
            ["digest"] = manifest.Digest.ToString(),
            ["size"] = manifest.Size,
        };
        if (!string.IsNullOrEmpty(manifest.ArtifactType))
            entry["artifactType"] = manifest.ArtifactType;
        entry["annotations"] = annotations;
        return entry;
    }

    private static bool TryString(JsonNode? node, out string text)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var s))
        {
            text = s;
            return true;
        }
        text = "";
        return false;
    }
}
