using System.Text.Json;
using OrleansRegistry.Core.Schema1;

namespace OrleansRegistry.Core;

/// <summary>
/// Validates a pushed manifest and extracts its references (spec: "Pushing Manifests"; image-spec "Image Manifest",
/// "Image Index", "Descriptors"; Docker schema1 signed manifests through <see cref="SignedManifest"/>). Strict enough to refuse garbage and ambiguous documents, lenient about everything
/// the specs allow: unknown fields, unknown media types of referenced content, platform objects, empty layers.
/// </summary>
public static class ManifestParser
{
    /// <summary>The spec says registries SHOULD accept manifests of at least 4 megabytes and SHOULD answer 413 above their limit.</summary>
    public const int MaxManifestBytes = ManifestLimits.DefaultMaxBytes;

    private static readonly JsonDocumentOptions JsonOptions = Options(ManifestLimits.DefaultMaxDepth);

    private static JsonDocumentOptions Options(int maxDepth) => new()
    {
        MaxDepth = maxDepth,
        // Two "layers" keys would let the registry and a client see different content under one digest.
        AllowDuplicateProperties = false,
    };

    /// <param name="contentType">The request Content-Type; parameters are ignored. Missing, application/json or
    /// application/octet-stream mean "look at the document".</param>
    /// <param name="limits">Size and nesting limits; <see cref="ManifestLimits.Default"/> when null.</param>
    public static ParsedManifest Parse(string? contentType, ReadOnlySpan<byte> body, ManifestLimits? limits = null)
    {
        limits ??= ManifestLimits.Default;
        if (body.Length > limits.MaxBytes)
            throw TooLarge(body.Length, limits.MaxBytes);

        using var document = ReadJson(body, limits.MaxDepth);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw Invalid("manifest must be a JSON object");

        var sent = MediaTypes.Essence(contentType);
        if (IsSchema1(sent, root))
            return ParseSchema1(body);
        var declared = OptionalString(root, "mediaType", "mediaType");
        var declaredEssence = MediaTypes.Essence(declared);
        CheckSchemaVersion(root);

        var mediaType = ResolveMediaType(sent, declaredEssence, root);
        var subject = OptionalDescriptor(root, "subject");
        var artifactType = OptionalString(root, "artifactType", "artifactType");
        var annotations = OptionalAnnotations(root, "annotations");

        if (MediaTypes.IsIndex(mediaType))
        {
            // An index that also carries image-manifest fields could be read as either (distribution refuses it too).
            if (Has(root, "config") || Has(root, "layers"))
                throw Invalid("an image index must not contain \"config\" or \"layers\"");
            var manifests = RequiredDescriptors(root, "manifests");
            return new ParsedManifest(mediaType, null, [], manifests, subject, artifactType, annotations);
        }

        if (Has(root, "manifests"))
            throw Invalid("an image manifest must not contain \"manifests\"");
        var config = RequiredDescriptor(root, "config");
        // image-spec: "layers" is REQUIRED and SHOULD have at least one entry, so an empty array is allowed.
        var layers = RequiredDescriptors(root, "layers");
        return new ParsedManifest(mediaType, config, layers, [], subject, artifactType, annotations);
    }

    /// <summary>
    /// True when <paramref name="body"/> is to be read as a Docker schema1 manifest: sent with a schema1 Content-Type, or
    /// sent with none (or application/json, application/octet-stream: distribution registers schema1 for "" and
    /// application/json) and the document says <c>"schemaVersion": 1</c> or a schema1 <c>mediaType</c>.
    /// </summary>
    internal static bool IsSchema1Document(string? contentType, ReadOnlySpan<byte> body)
    {
        var sent = MediaTypes.Essence(contentType);
        if (sent is not null && MediaTypes.IsSchema1(sent)) return true;
        if (!SentTellsNothing(sent)) return false;
        try
        {
            using var document = StrictJson.Parse(body.ToArray(), JsonOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object && IsSchema1(sent, document.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsSchema1(string? sent, JsonElement root)
    {
        if (sent is not null && MediaTypes.IsSchema1(sent)) return true;
        if (!SentTellsNothing(sent)) return false;
        if (root.TryGetProperty("mediaType", out var declared) && declared.ValueKind == JsonValueKind.String
            && MediaTypes.Essence(declared.GetString()) is { } essence && MediaTypes.IsSchema1(essence))
            return true;
        return root.TryGetProperty("schemaVersion", out var version) && version.ValueKind == JsonValueKind.Number
            && version.TryGetInt32(out var number) && number == 1;
    }

    private static bool SentTellsNothing(string? sent) => sent is null or MediaTypes.Json or MediaTypes.OctetStream;

    /// <summary>
    /// Docker schema1 (distribution v2.8 <c>manifest/schema1</c>): accepted only when it carries signatures and every one
    /// verifies (MANIFEST_UNVERIFIED otherwise, as distribution's verifyManifest); its blobs are the fsLayers blobSums
    /// (distribution's <c>References()</c>, which gives them no size). Stored as the signed type whichever schema1 type was
    /// sent, since the stored bytes are the signed document (distribution serves schema1 as v1+prettyjws too).
    /// </summary>
    private static ParsedManifest ParseSchema1(ReadOnlySpan<byte> body)
    {
        var signed = SignedManifest.Parse(body);
        signed.Verify();
        var layers = signed.Manifest.FsLayers
            .Select(l => new Descriptor(MediaTypes.DockerSchema1Layer, l.BlobSum, 0))
            .ToArray();
        return new ParsedManifest(MediaTypes.DockerSchema1Signed, null, layers, [], null, null, null);
    }

    /// <summary>MANIFEST_TOO_LARGE (413) for a body of <paramref name="size"/> bytes over <paramref name="limit"/>.</summary>
    public static RegistryException TooLarge(long size, int limit) =>
        new(ErrorCatalog.ManifestTooLarge, $"manifest is {size} bytes, over the {limit}-byte limit", new { size, limit });

    private static JsonDocument ReadJson(ReadOnlySpan<byte> body, int maxDepth)
    {
        try
        {
            // Parse over our own copy: JsonDocument keeps referring to the buffer until it is disposed.
            return StrictJson.Parse(body.ToArray(), Options(maxDepth));
        }
        catch (JsonException e)
        {
            throw Invalid($"manifest is not valid JSON: {e.Message}");
        }
    }

    private static void CheckSchemaVersion(JsonElement root)
    {
        if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind == JsonValueKind.Null)
            throw Invalid("schemaVersion is missing");
        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var value))
            throw Invalid("schemaVersion must be the number 2");
        if (value == 1)
            throw Invalid($"schemaVersion 1 is Docker schema1; push it as {MediaTypes.DockerSchema1Signed}");
        if (value != 2)
            throw Invalid($"schemaVersion {value} is not supported; it must be 2");
    }

    private static string ResolveMediaType(string? sent, string? declared, JsonElement root)
    {
        if (!SentTellsNothing(sent))
        {
            if (!MediaTypes.IsManifest(sent!))
                throw Invalid($"unsupported manifest media type \"{sent}\"");
            if (declared is not null && !string.Equals(declared, sent, StringComparison.Ordinal))
                throw Invalid($"mediaType \"{declared}\" does not match Content-Type \"{sent}\"");
            return sent!;
        }
        if (declared is not null)
        {
            return MediaTypes.IsManifest(declared)
                ? declared
                : throw Invalid($"unsupported manifest media type \"{declared}\"");
        }
        // Neither header nor field: the shape decides, as the image-spec's mediaType guidance allows.
        if (Has(root, "manifests"))
            return MediaTypes.OciIndex;
        if (Has(root, "config"))
            return MediaTypes.OciManifest;
        throw Invalid("cannot tell the manifest type: no manifest Content-Type, no mediaType field, and neither \"config\" nor \"manifests\"");
    }

    private static Descriptor RequiredDescriptor(JsonElement parent, string name) =>
        OptionalDescriptor(parent, name) ?? throw Invalid($"\"{name}\" is missing");

    private static Descriptor? OptionalDescriptor(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? ReadDescriptor(value, name)
            : null;

    private static IReadOnlyList<Descriptor> RequiredDescriptors(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
            throw Invalid($"\"{name}\" is missing");
        if (array.ValueKind != JsonValueKind.Array)
            throw Invalid($"\"{name}\" must be an array");
        var descriptors = new Descriptor[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            descriptors[i] = ReadDescriptor(item, $"{name}[{i}]");
            i++;
        }
        return descriptors;
    }

    private static Descriptor ReadDescriptor(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Invalid($"{path} must be a descriptor object");

        var mediaType = OptionalString(value, "mediaType", $"{path}.mediaType");
        if (string.IsNullOrEmpty(mediaType))
            throw Invalid($"{path}.mediaType is missing");
        if (!IsMediaTypeSyntax(mediaType))
            throw Invalid($"{path}.mediaType \"{mediaType}\" is not a media type");

        var digestText = OptionalString(value, "digest", $"{path}.digest")
            ?? throw Invalid($"{path}.digest is missing");
        if (!Digest.TryParse(digestText, out var digest) || !digest.IsSupported)
            throw Invalid($"{path}.digest \"{digestText}\" is not a valid sha256 or sha512 digest");

        if (!value.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind == JsonValueKind.Null)
            throw Invalid($"{path}.size is missing");
        if (sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt64(out var size) || size < 0)
            throw Invalid($"{path}.size must be a non-negative integer");

        var artifactType = OptionalString(value, "artifactType", $"{path}.artifactType");
        var annotations = OptionalAnnotations(value, $"{path}.annotations", "annotations");
        return new Descriptor(mediaType, digest, size, artifactType, annotations);
    }

    private static IReadOnlyDictionary<string, string>? OptionalAnnotations(JsonElement parent, string path, string name = "annotations")
    {
        if (!parent.TryGetProperty(name, out var map) || map.ValueKind == JsonValueKind.Null)
            return null;
        if (map.ValueKind != JsonValueKind.Object)
            throw Invalid($"{path} must be an object of strings");
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
                throw Invalid($"{path}[\"{property.Name}\"] must be a string");
            annotations[property.Name] = property.Value.GetString()!;
        }
        return annotations;
    }

    private static string? OptionalString(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Invalid($"{path} must be a string");
    }

    private static bool Has(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    // RFC 6838 section 4.2: type "/" subtype of restricted-name characters, optionally followed by parameters.
    private static bool IsMediaTypeSyntax(string mediaType)
    {
        var semicolon = mediaType.IndexOf(';');
        var essence = semicolon < 0 ? mediaType.AsSpan() : mediaType.AsSpan(0, semicolon);
        var slash = essence.IndexOf('/');
        if (slash <= 0 || slash == essence.Length - 1)
            return false;
        foreach (var c in essence[..slash])
            if (!IsRestrictedNameChar(c)) return false;
        foreach (var c in essence[(slash + 1)..])
            if (!IsRestrictedNameChar(c)) return false;
        if (semicolon >= 0)
        {
            foreach (var c in mediaType.AsSpan(semicolon))
                if (char.IsControl(c)) return false;
        }
        return true;
    }

    private static bool IsRestrictedNameChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '&' or '-' or '^' or '_' or '.' or '+';

    private static RegistryException Invalid(string message) => new(ErrorCatalog.ManifestInvalid, message);
}
