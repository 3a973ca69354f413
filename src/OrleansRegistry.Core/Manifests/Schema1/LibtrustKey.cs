using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace OrleansRegistry.Core.Schema1;

/// <summary>
/// A public key as libtrust handles it (docker/libtrust <c>ec_key.go</c>, <c>rsa_key.go</c>, <c>util.go</c>): an EC key on
/// P-256/P-384/P-521 or an RSA key, written as a JWK (EC: <c>crv, kid, kty, x, y</c>; RSA: <c>e, kid, kty, n</c>; keys in
/// the sorted order Go's map marshalling gives) and named by libtrust's key ID.
/// </summary>
public sealed class LibtrustKey
{
    private readonly ECParameters? _ec;
    private readonly RSAParameters? _rsa;

    private LibtrustKey(ECParameters? ec, RSAParameters? rsa, byte[] subjectPublicKeyInfo)
    {
        _ec = ec;
        _rsa = rsa;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        KeyId = KeyIdOf(subjectPublicKeyInfo);
    }

    /// <summary>"EC" or "RSA" (the JWK <c>kty</c>).</summary>
    public string KeyType => _ec is not null ? "EC" : "RSA";

    /// <summary>libtrust's fingerprint: SHA-256 of the DER SubjectPublicKeyInfo, first 240 bits, base32 in 12 groups of 4
    /// joined by ':' (<c>keyIDFromCryptoKey</c> / <c>keyIDEncode</c>), e.g. <c>ABCD:EFGH:...:MNOP</c>.</summary>
    public string KeyId { get; }

    /// <summary>The curve name ("P-256", "P-384", "P-521") of an EC key; null for RSA.</summary>
    public string? Curve => _ec is { } ec ? CurveName(ec.Curve) : null;

    /// <summary>The DER SubjectPublicKeyInfo (what <c>x509.MarshalPKIXPublicKey</c> writes).</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    public override string ToString() => $"{KeyType} Public Key <{KeyId}>";

    public override bool Equals(object? obj) => obj is LibtrustKey other && other.KeyId == KeyId;

    public override int GetHashCode() => KeyId.GetHashCode(StringComparison.Ordinal);

    /// <summary>The public half of an <see cref="ECDsa"/> (P-256, P-384, P-521) or <see cref="RSA"/> key.</summary>
    public static LibtrustKey From(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => FromEc(ec.ExportParameters(false)),
        RSA rsa => FromRsa(rsa.ExportParameters(false)),
        _ => throw new ArgumentException($"{key.GetType().Name} keys are not supported; use ECDsa or RSA", nameof(key)),
    };

    /// <summary>libtrust's key ID of a DER SubjectPublicKeyInfo.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(subjectPublicKeyInfo, hash);
        var base32 = Base32(hash[..30]); // 240 bits = 48 base32 characters, no padding
        return string.Join(':', Enumerable.Range(0, base32.Length / 4).Select(i => base32.Substring(i * 4, 4)));
    }

    /// <summary>The JWS <c>alg</c> this key signs with (libtrust signs with SHA-256 for RSA, the curve's hash for EC).</summary>
    internal string SigningAlgorithm => Curve switch
    {
        "P-256" => "ES256",
        "P-384" => "ES384",
        "P-521" => "ES512",
        _ => "RS256",
    };

    /// <summary>Checks a JWS signature over <paramref name="data"/>; false on any mismatch, including an <c>alg</c> the key
    /// cannot produce (an EC key verifies only its curve's ESxxx, as libtrust's ecPublicKey.Verify).</summary>
    internal bool Verify(ReadOnlySpan<byte> data, string algorithm, ReadOnlySpan<byte> signature)
    {
        // A key the platform refuses to use (an RSA modulus too small for OpenSSL, say) verifies nothing.
        try { return VerifyCore(data, algorithm, signature); }
        catch (CryptographicException) { return false; }
    }

    private bool VerifyCore(ReadOnlySpan<byte> data, string algorithm, ReadOnlySpan<byte> signature)
    {
        if (_ec is { } ec)
        {
            if (algorithm != SigningAlgorithm) return false;
            // JWS ECDSA signatures are R || S, each the curve's length (RFC 7518 section 3.4), as libtrust writes them.
            if (signature.Length != 2 * ec.Q.X!.Length) return false;
            using var key = ECDsa.Create(ec);
            return key.VerifyData(data, signature, Hash(algorithm)!.Value, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        if (Hash(algorithm) is not { } hash || !algorithm.StartsWith("RS", StringComparison.Ordinal)) return false;
        using var rsa = RSA.Create(_rsa!.Value);
        return rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
    }

    internal void WriteJwk(GoJsonWriter json)
    {
        json.StartObject();
        if (_ec is { } ec)
        {
            json.Property("crv", Curve!).Property("kid", KeyId).Property("kty", "EC")
                .Property("x", JoseBase64Url.Encode(ec.Q.X)).Property("y", JoseBase64Url.Encode(ec.Q.Y));
        }
        else
        {
            var rsa = _rsa!.Value;
            json.Property("e", JoseBase64Url.Encode(TrimLeadingZeros(rsa.Exponent!))).Property("kid", KeyId)
                .Property("kty", "RSA").Property("n", JoseBase64Url.Encode(TrimLeadingZeros(rsa.Modulus!)));
        }
        json.EndObject();
    }

    /// <summary>
    /// Reads a JWK as libtrust's <c>UnmarshalPublicKeyJWK</c> does: <c>kty</c> EC (curve P-256/384/521, x and y of
    /// exactly the curve's length) or RSA (n, e; no private <c>d</c>); a <c>kid</c>, when present, must be this key's ID.
    /// </summary>
    internal static LibtrustKey FromJwk(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object) throw Unverified("the jwk must be an object");
        var kty = String(jwk, "kty");
        LibtrustKey key;
        if (kty == "EC")
        {
            var curve = String(jwk, "crv") switch
            {
                "P-256" => ECCurve.NamedCurves.nistP256,
                "P-384" => ECCurve.NamedCurves.nistP384,
                "P-521" => ECCurve.NamedCurves.nistP521,
                var other => throw Unverified($"JWK EC curve \"{other}\" is not supported"),
            };
            var length = CoordinateLength(curve);
            var x = Bytes(jwk, "x");
            var y = Bytes(jwk, "y");
            if (x.Length != length || y.Length != length)
                throw Unverified($"JWK EC coordinates must be {length} octets each");
            try { key = FromEc(new ECParameters { Curve = curve, Q = new ECPoint { X = x, Y = y } }); }
            catch (CryptographicException e) { throw Unverified($"JWK EC key is not a point on its curve: {e.Message}"); }
        }
        else if (kty == "RSA")
        {
            if (jwk.TryGetProperty("d", out _)) throw Unverified("a JWK RSA public key must not contain the private exponent");
            var parameters = new RSAParameters { Modulus = TrimLeadingZeros(Bytes(jwk, "n")), Exponent = TrimLeadingZeros(Bytes(jwk, "e")) };
            if (parameters.Modulus.Length == 0 || parameters.Exponent.Length is 0 or > 4)
                throw Unverified("JWK RSA modulus or exponent is malformed");
            try { key = FromRsa(parameters); }
            catch (CryptographicException e) { throw Unverified($"JWK RSA key is not usable: {e.Message}"); }
        }
        else
        {
            throw Unverified($"JWK key type \"{kty}\" is not supported");
        }
        if (jwk.TryGetProperty("kid", out var kid) && (kid.ValueKind != JsonValueKind.String || kid.GetString() != key.KeyId))
            throw Unverified($"JWK key ID {kid.GetRawText()} does not match the key ({key.KeyId})");
        return key;
    }

    /// <summary>The public key of a DER X.509 certificate (a JWS <c>x5c</c> chain's first entry; libtrust checks no chain there).</summary>
    internal static LibtrustKey FromCertificate(byte[] der)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            using var ec = certificate.GetECDsaPublicKey();
            if (ec is not null) return From(ec);
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is not null) return From(rsa);
        }
        catch (CryptographicException e)
        {
            throw Unverified($"the x5c certificate cannot be read: {e.Message}");
        }
        throw Unverified("the x5c certificate holds neither an EC nor an RSA key");
    }

    private static LibtrustKey FromEc(ECParameters parameters)
    {
        if (CurveName(parameters.Curve) is null) throw new ArgumentException("EC keys must be on P-256, P-384 or P-521");
        using var key = ECDsa.Create(parameters); // validates the point
        var exported = key.ExportParameters(false);
        return new LibtrustKey(exported, null, key.ExportSubjectPublicKeyInfo());
    }

    private static LibtrustKey FromRsa(RSAParameters parameters)
    {
        using var key = RSA.Create(parameters);
        return new LibtrustKey(null, key.ExportParameters(false), key.ExportSubjectPublicKeyInfo());
    }

    internal static string? CurveName(ECCurve curve) => curve.Oid?.Value switch
    {
        "1.2.840.10045.3.1.7" => "P-256",
        "1.3.132.0.34" => "P-384",
        "1.3.132.0.35" => "P-521",
        _ => curve.Oid?.FriendlyName switch
        {
            "nistP256" or "ECDSA_P256" => "P-256",
            "nistP384" or "ECDSA_P384" => "P-384",
            "nistP521" or "ECDSA_P521" => "P-521",
            _ => null,
        },
    };

    private static int CoordinateLength(ECCurve curve) => CurveName(curve) switch
    {
        "P-256" => 32,
        "P-384" => 48,
        _ => 66,
    };

    private static HashAlgorithmName? Hash(string algorithm) => (algorithm.Length == 5 ? algorithm[2..] : "") switch
    {
        "256" => HashAlgorithmName.SHA256,
        "384" => HashAlgorithmName.SHA384,
        "512" => HashAlgorithmName.SHA512,
        _ => null,
    };

    private static string String(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Unverified($"JWK \"{name}\" is missing or not a string");

    private static byte[] Bytes(JsonElement jwk, string name) =>
        JoseBase64Url.TryDecode(String(jwk, name), out var bytes) ? bytes : throw Unverified($"JWK \"{name}\" is not base64url");

    private static byte[] TrimLeadingZeros(byte[] value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0) start++;
        return value[start..];
    }

    // RFC 4648 section 6 alphabet, as Go's base32.StdEncoding.
    private static string Base32(ReadOnlySpan<byte> data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var text = new System.Text.StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) text.Append(alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }

    private static RegistryException Unverified(string message) => new(ErrorCatalog.ManifestUnverified, message);
}
