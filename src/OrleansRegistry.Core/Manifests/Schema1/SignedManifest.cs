using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OrleansRegistry.Core.Schema1;

/// <summary>
/// A Docker schema1 manifest with its libtrust signatures, media type
/// <c>application/vnd.docker.distribution.manifest.v1+prettyjws</c>: the pretty-printed manifest (the payload) with a
/// <c>signatures</c> member spliced in before its closing brace. Each signature covers
/// <c>protected + "." + base64url(payload)</c>, and its protected header says how to cut the payload back out of the
/// document: the first <c>formatLength</c> bytes followed by <c>formatTail</c>. Sources: docker/libtrust
/// <c>jsonsign.go</c> (NewJSONSignature, Sign, PrettySignature, ParsePrettySignature, Verify) and distribution v2.8
/// <c>manifest/schema1/</c> (sign.go, verify.go, manifest.go).
/// </summary>
public sealed class SignedManifest
{
    /// <summary>The member libtrust splices in (distribution calls PrettySignature("signatures")).</summary>
    public const string SignaturesKey = "signatures";

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    private SignedManifest(byte[] bytes, byte[] payload, Schema1Manifest manifest, IReadOnlyList<Schema1Signature> signatures)
    {
        Bytes = bytes;
        Payload = payload;
        Manifest = manifest;
        Signatures = signatures;
    }

    /// <summary>The whole document: payload and signatures, the bytes a registry stores and serves.</summary>
    public byte[] Bytes { get; }

    /// <summary>The canonical manifest the signatures cover: the document without its signatures
    /// (distribution's <c>SignedManifest.Canonical</c>).</summary>
    public byte[] Payload { get; }

    public Schema1Manifest Manifest { get; }

    public IReadOnlyList<Schema1Signature> Signatures { get; }

    /// <summary>
    /// The manifest's digest as distribution computes it: over <see cref="Payload"/>, not over the whole document
    /// (manifest.go registers schema1 with <c>Digest: digest.FromBytes(sm.Canonical)</c>, and the storage handler
    /// stores only the canonical bytes), so re-signing never changes it.
    /// </summary>
    public Digest Digest => Digest.Compute(Payload);

    /// <summary>Signs <paramref name="manifest"/> with one ECDSA (P-256, P-384, P-521) or RSA (2048 bits or more) key.</summary>
    public static SignedManifest Sign(Schema1Manifest manifest, AsymmetricAlgorithm key, DateTimeOffset? time = null) =>
        SignPayload(manifest.ToPayload(), [key], time);

    /// <summary>Signs <paramref name="manifest"/> with every key in turn (one JWS signature each).</summary>
    public static SignedManifest Sign(Schema1Manifest manifest, IEnumerable<AsymmetricAlgorithm> keys, DateTimeOffset? time = null) =>
        SignPayload(manifest.ToPayload(), keys, time);

    /// <summary>
    /// Signs an already formatted payload (a JSON object ending in <c>}</c>, libtrust's NewJSONSignature rules), e.g.
    /// one that another tool pretty-printed. The payload is signed byte for byte.
    /// </summary>
    public static SignedManifest SignPayload(ReadOnlySpan<byte> payload, IEnumerable<AsymmetricAlgorithm> keys, DateTimeOffset? time = null)
    {
        var bytes = payload.ToArray();
        var manifest = Schema1Manifest.Parse(bytes);
        var (formatLength, formatTail) = FormatOf(bytes);
        var signatures = keys.Select(k => CreateSignature(bytes, formatLength, formatTail, k, time)).ToList();
        if (signatures.Count == 0) throw new ArgumentException("at least one key is needed", nameof(keys));
        return Assemble(bytes, manifest, formatLength, signatures);
    }

    /// <summary>This manifest with one more signature over the same payload (a second signer, as libtrust's Merge).</summary>
    public SignedManifest AddSignature(AsymmetricAlgorithm key, DateTimeOffset? time = null)
    {
        var first = Signatures[0];
        var added = CreateSignature(Payload, first.FormatLength, first.FormatTail, key, time);
        return Assemble(Payload, Manifest, first.FormatLength, [.. Signatures, added]);
    }

    /// <summary>
    /// Reads a signed manifest without checking signatures (<see cref="Verify()"/> does that). Refuses with
    /// MANIFEST_UNVERIFIED a document without signatures or with a malformed signature block, conflicting format
    /// headers, or anything outside the signed payload other than the <c>signatures</c> member (libtrust would ignore such
    /// bytes; a registry serving them would let readers see content nobody signed); with MANIFEST_INVALID a document that
    /// is not JSON or whose payload is not a valid schema1 manifest.
    /// </summary>
    public static SignedManifest Parse(ReadOnlySpan<byte> document)
    {
        var bytes = document.ToArray();
        JsonDocument json;
        try { json = StrictJson.Parse(bytes, JsonOptions); }
        catch (JsonException e) { throw new RegistryException(ErrorCatalog.ManifestInvalid, $"manifest is not valid JSON: {e.Message}"); }

        List<Schema1Signature> signatures;
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new RegistryException(ErrorCatalog.ManifestInvalid, "manifest must be a JSON object");
            if (!root.TryGetProperty(SignaturesKey, out var array) || array.ValueKind == JsonValueKind.Null)
                throw Unverified("the manifest carries no \"signatures\"");
            if (array.ValueKind != JsonValueKind.Array) throw Unverified("\"signatures\" must be an array");
            if (array.GetArrayLength() == 0) throw Unverified("\"signatures\" is empty");
            signatures = array.EnumerateArray().Select((s, i) => ReadSignature(s, $"signatures[{i}]")).ToList();
        }

        var formatLength = signatures[0].FormatLength;
        var formatTail = signatures[0].FormatTail;
        if (signatures.Any(s => s.FormatLength != formatLength)) throw Unverified("the signatures disagree on formatLength");
        if (signatures.Any(s => !s.FormatTail.AsSpan().SequenceEqual(formatTail))) throw Unverified("the signatures disagree on formatTail");
        if (formatLength <= 0 || formatLength > bytes.Length) throw Unverified($"formatLength {formatLength} is outside the manifest");
        EnsureOnlySignaturesFollow(bytes, formatLength);

        var payload = new byte[formatLength + formatTail.Length];
        bytes.AsSpan(0, formatLength).CopyTo(payload);
        formatTail.CopyTo(payload, formatLength);
        return new SignedManifest(bytes, payload, Schema1Manifest.Parse(payload), signatures);
    }

    /// <summary>
    /// Checks every signature against the payload; returns the keys that signed, in signature order. Throws
    /// <see cref="RegistryException"/> with MANIFEST_UNVERIFIED naming the first signature that does not verify.
    /// </summary>
    public IReadOnlyList<LibtrustKey> Verify()
    {
        for (var i = 0; i < Signatures.Count; i++)
        {
            if (!Signatures[i].Verifies(Payload))
                throw Unverified($"signatures[{i}] ({Signatures[i].Algorithm}, key {Signatures[i].Key.KeyId}) does not verify");
        }
        return Signatures.Select(s => s.Key).ToList();
    }

    /// <summary><see cref="Parse"/> then <see cref="Verify()"/>: the keys that signed <paramref name="document"/>.</summary>
    public static IReadOnlyList<LibtrustKey> Verify(ReadOnlySpan<byte> document) => Parse(document).Verify();

    // NewJSONSignature: the payload must end with '}' (after trailing space), not preceded by ','; formatLength ends
    // at the last non-space byte before that brace, and the rest ("\n}" for a pretty-printed object) is the tail.
    private static (int Length, byte[] Tail) FormatOf(byte[] payload)
    {
        var close = LastNonSpace(payload, payload.Length);
        if (close < 0 || payload[close] != '}') throw new ArgumentException("the payload must be a JSON object", nameof(payload));
        var last = LastNonSpace(payload, close);
        if (last < 0 || payload[last] == ',') throw new ArgumentException("the payload's closing brace must follow a value", nameof(payload));
        if (payload[last] == '{') throw new ArgumentException("an empty object cannot carry signatures", nameof(payload));
        return (last + 1, payload[(last + 1)..]);

        static int LastNonSpace(byte[] data, int end)
        {
            var i = end - 1;
            while (i >= 0 && IsSpace(data[i])) i--;
            return i;
        }
    }

    private static Schema1Signature CreateSignature(byte[] payload, int formatLength, byte[] formatTail,
        AsymmetricAlgorithm key, DateTimeOffset? time)
    {
        var publicKey = LibtrustKey.From(key);
        if (key is RSA { KeySize: < 2048 }) throw new ArgumentException("RSA keys must have at least 2048 bits", nameof(key));
        var when = (time ?? DateTimeOffset.UtcNow).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        // Go's json.Marshal of libtrust's map[string]interface{}: keys sorted, compact; both strings are plain ASCII.
        var header = $"{{\"formatLength\":{formatLength},\"formatTail\":\"{JoseBase64Url.Encode(formatTail)}\",\"time\":\"{when}\"}}";
        var protectedHeader = JoseBase64Url.Encode(Encoding.UTF8.GetBytes(header));
        var input = Schema1Signature.SigningInput(protectedHeader, payload);
        var algorithm = publicKey.SigningAlgorithm;
        var signature = key switch
        {
            // libtrust ecPrivateKey.Sign: the curve's hash, R || S each padded to the curve length.
            ECDsa ec => ec.SignData(input, HashFor(algorithm), DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            // libtrust rsaPrivateKey.Sign with crypto.SHA256 (what JSONSignature.Sign asks for): RS256, PKCS #1 v1.5.
            RSA rsa => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("only ECDsa and RSA keys can sign", nameof(key)),
        };
        return new Schema1Signature(publicKey, algorithm, protectedHeader, signature, formatLength, formatTail, when);
    }

    private static HashAlgorithmName HashFor(string algorithm) => algorithm switch
    {
        "ES384" => HashAlgorithmName.SHA384,
        "ES512" => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    // PrettySignature: payload[:formatLength] + ",\n" + indent + "\"signatures\": " + MarshalIndent(signatures, indent,
    // indent) + "\n}"; without indentation (a compact payload) the compact equivalent. Signatures sorted by key ID, then
    // signature (jsSignaturesSorted).
    private static SignedManifest Assemble(byte[] payload, Schema1Manifest manifest, int formatLength, IEnumerable<Schema1Signature> signatures)
    {
        var sorted = signatures
            .OrderBy(s => s.Key.KeyId, StringComparer.Ordinal)
            .ThenBy(s => s.EncodedSignature, StringComparer.Ordinal)
            .ToList();
        var indent = DetectIndent(payload);
        var json = new GoJsonWriter(indent ?? "", indent);
        json.StartArray();
        foreach (var signature in sorted)
        {
            json.StartObject().Name("header").StartObject();
            if (signature.CertificateChain is null) signature.Key.WriteJwk(json.Name("jwk"));
            json.Property("alg", signature.Algorithm);
            if (signature.CertificateChain is { } chain)
            {
                json.Name("x5c").StartArray();
                foreach (var certificate in chain) json.String(certificate);
                json.EndArray();
            }
            json.EndObject()
                .Property("signature", signature.EncodedSignature)
                .Property("protected", signature.Protected)
                .EndObject();
        }
        json.EndArray();

        var text = new StringBuilder();
        text.Append(',');
        text.Append(indent is null ? $"\"{SignaturesKey}\":" : $"\n{indent}\"{SignaturesKey}\": ");
        text.Append(json);
        if (indent is not null) text.Append('\n');
        text.Append('}');
        var document = new byte[formatLength + Encoding.UTF8.GetByteCount(text.ToString())];
        payload.AsSpan(0, formatLength).CopyTo(document);
        Encoding.UTF8.GetBytes(text.ToString(), document.AsSpan(formatLength));
        return new SignedManifest(document, payload, manifest, sorted);
    }

    // detectJSONIndent: "{\n" followed by the indentation of the first member; null when the payload is not indented.
    private static string? DetectIndent(byte[] payload)
    {
        if (payload.Length <= 2 || payload[0] != '{' || payload[1] != '\n') return null;
        var quote = Array.IndexOf(payload, (byte)'"', 1);
        return quote > 2 ? Encoding.ASCII.GetString(payload, 2, quote - 2) : null;
    }

    private static Schema1Signature ReadSignature(JsonElement entry, string path)
    {
        if (entry.ValueKind != JsonValueKind.Object) throw Unverified($"{path} must be an object");
        if (!entry.TryGetProperty("header", out var header) || header.ValueKind != JsonValueKind.Object)
            throw Unverified($"{path}.header is missing");
        var algorithm = String(header, "alg", path + ".header");

        LibtrustKey key;
        IReadOnlyList<string>? chain = null;
        if (header.TryGetProperty("x5c", out var x5c) && x5c.ValueKind == JsonValueKind.Array && x5c.GetArrayLength() > 0)
        {
            // libtrust's Verify prefers the chain's first certificate over a jwk.
            chain = x5c.EnumerateArray()
                .Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : throw Unverified($"{path}.header.x5c must hold strings"))
                .ToList();
            byte[] der;
            try { der = Convert.FromBase64String(chain[0]); }
            catch (FormatException) { throw Unverified($"{path}.header.x5c[0] is not base64"); }
            key = LibtrustKey.FromCertificate(der);
        }
        else if (header.TryGetProperty("jwk", out var jwk) && jwk.ValueKind != JsonValueKind.Null)
        {
            key = LibtrustKey.FromJwk(jwk);
        }
        else
        {
            throw Unverified($"{path}.header has neither a jwk nor an x5c chain: no public key");
        }

        var signature = Base64Url(String(entry, "signature", path), $"{path}.signature");
        var protectedHeader = String(entry, "protected", path);
        var protectedBytes = Base64Url(protectedHeader, $"{path}.protected");
        int formatLength;
        byte[] formatTail;
        string? time = null;
        try
        {
            using var parsed = StrictJson.Parse(protectedBytes, JsonOptions);
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Unverified($"{path}.protected is not a JSON object");
            if (!root.TryGetProperty("formatLength", out var length) || length.ValueKind != JsonValueKind.Number || !length.TryGetInt32(out formatLength))
                throw Unverified($"{path}.protected has no integer formatLength");
            formatTail = Base64Url(String(root, "formatTail", $"{path}.protected"), $"{path}.protected.formatTail");
            if (root.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.String) time = t.GetString();
        }
        catch (JsonException e)
        {
            throw Unverified($"{path}.protected is not JSON: {e.Message}");
        }
        return new Schema1Signature(key, algorithm, protectedHeader, signature, formatLength, formatTail, time, chain);
    }

    // After the payload's last member: ',' "signatures" ':' <array> '}' and whitespace, nothing else.
    private static void EnsureOnlySignaturesFollow(byte[] bytes, int formatLength)
    {
        var i = SkipSpace(bytes, formatLength);
        var key = Encoding.ASCII.GetBytes($"\"{SignaturesKey}\"");
        var ok = i < bytes.Length && bytes[i] == ',';
        if (ok)
        {
            i = SkipSpace(bytes, i + 1);
            ok = bytes.AsSpan(i).StartsWith(key);
        }
        if (ok)
        {
            i = SkipSpace(bytes, i + key.Length);
            ok = i < bytes.Length && bytes[i] == ':';
        }
        if (ok)
        {
            i = SkipSpace(bytes, i + 1);
            var reader = new Utf8JsonReader(bytes.AsSpan(i));
            ok = reader.Read() && reader.TokenType == JsonTokenType.StartArray;
            if (ok)
            {
                reader.Skip();
                i = SkipSpace(bytes, i + (int)reader.BytesConsumed);
                ok = i < bytes.Length && bytes[i] == '}' && SkipSpace(bytes, i + 1) == bytes.Length;
            }
        }
        if (!ok) throw Unverified("the manifest holds bytes outside the signed payload other than its \"signatures\"");
    }

    private static int SkipSpace(byte[] bytes, int i)
    {
        while (i < bytes.Length && IsSpace(bytes[i])) i++;
        return i;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static string String(JsonElement parent, string name, string path) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Unverified($"{path}.{name} is missing or not a string");

    private static byte[] Base64Url(string text, string path) =>
        JoseBase64Url.TryDecode(text, out var bytes) ? bytes : throw Unverified($"{path} is not base64url");

    private static RegistryException Unverified(string message) => new(ErrorCatalog.ManifestUnverified, message);
}
