using System.Security.Cryptography;

namespace OrleansRegistry.Core;

/// <summary>
/// A content digest, <c>algorithm:encoded</c>, with the image-spec's grammar ("Digests"):
/// algorithm-component <c>[a-z0-9]+</c> joined by <c>[+._-]</c>, encoded <c>[a-zA-Z0-9=_-]+</c>.
/// The canonical text is kept with the parts: a digest parsed from a URL or a row is written back out (headers,
/// grain keys, SQL parameters) without building the string again.
/// </summary>
public readonly record struct Digest
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    private readonly string? _text;

    public Digest(string algorithm, string encoded) : this(algorithm, encoded, $"{algorithm}:{encoded}") { }

    private Digest(string algorithm, string encoded, string text)
    {
        Algorithm = algorithm;
        Encoded = encoded;
        _text = text;
    }

    public string Algorithm { get; }

    public string Encoded { get; }

    public void Deconstruct(out string algorithm, out string encoded) => (algorithm, encoded) = (Algorithm, Encoded);

    /// <summary><c>algorithm:encoded</c>; the same string every time (no allocation).</summary>
    public override string ToString() => _text ?? ":";

    // The text determines both parts (neither may hold ':'): one string compare and one hash instead of three.
    public bool Equals(Digest other) => string.Equals(_text, other._text, StringComparison.Ordinal);

    public override int GetHashCode() => _text is null ? 0 : StringComparer.Ordinal.GetHashCode(_text);

    /// <summary>
    /// True for any well-formed digest, including algorithms this registry cannot compute, so callers
    /// can tell "malformed" from "unsupported" (the image-spec says unknown algorithms SHOULD pass validation).
    /// </summary>
    public static bool TryParse(string? value, out Digest digest)
    {
        digest = default;
        if (string.IsNullOrEmpty(value))
            return false;
        var colon = value.IndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
            return false;
        var algorithm = value.AsSpan(0, colon);
        var encoded = value.AsSpan(colon + 1);
        if (!IsAlgorithm(algorithm) || !IsEncoded(encoded))
            return false;
        // The value itself is the canonical text; the usual algorithms are not copied either.
        digest = new Digest(KnownAlgorithm(algorithm) ?? algorithm.ToString(), encoded.ToString(), value);
        return true;
    }

    public static Digest Parse(string value) =>
        TryParse(value, out var digest)
            ? digest
            : throw new RegistryException(ErrorCatalog.DigestInvalid, "invalid digest", new { digest = value });

    /// <summary>sha256 with 64 lowercase hex digits or sha512 with 128: the algorithms this registry can verify.</summary>
    public bool IsSupported => Algorithm switch
    {
        Sha256 => IsLowerHex(Encoded, 64),
        Sha512 => IsLowerHex(Encoded, 128),
        _ => false,
    };

    public static Digest Compute(ReadOnlySpan<byte> data, string algorithm = Sha256)
    {
        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        var length = algorithm switch
        {
            Sha256 => SHA256.HashData(data, hash),
            Sha512 => SHA512.HashData(data, hash),
            _ => throw new RegistryException(ErrorCatalog.DigestInvalid, "unsupported digest algorithm", new { algorithm }),
        };
        return new Digest(algorithm, Convert.ToHexStringLower(hash[..length]));
    }

    private static string? KnownAlgorithm(ReadOnlySpan<char> algorithm) =>
        algorithm.SequenceEqual(Sha256) ? Sha256 : algorithm.SequenceEqual(Sha512) ? Sha512 : null;

    // algorithm ::= algorithm-component (algorithm-separator algorithm-component)*
    private static bool IsAlgorithm(ReadOnlySpan<char> s)
    {
        var afterComponentChar = false;
        foreach (var c in s)
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
                afterComponentChar = true;
            else if (c is '+' or '.' or '_' or '-' && afterComponentChar)
                afterComponentChar = false; // a separator must sit between two components
            else
                return false;
        }
        return afterComponentChar;
    }

    // encoded ::= [a-zA-Z0-9=_-]+
    private static bool IsEncoded(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '=' or '_' or '-'))
                return false;
        }
        return s.Length > 0;
    }

    private static bool IsLowerHex(string? s, int length)
    {
        if (s is null || s.Length != length)
            return false;
        foreach (var c in s)
        {
            if (!(c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
                return false;
        }
        return true;
    }
}
