namespace OrleansRegistry.Core.Schema1;

/// <summary>
/// One entry of a schema1 manifest's <c>signatures</c> array, a JWS in libtrust's JSON serialization (docker/libtrust
/// <c>jsonsign.go</c>, <c>jsSignature</c>): <c>header</c> (<c>jwk</c> or <c>x5c</c>, and <c>alg</c>), <c>signature</c>
/// (base64url) and <c>protected</c> (base64url of <c>{"formatLength":N,"formatTail":"...","time":"..."}</c>).
/// </summary>
/// <param name="Key">The key named in the header (the JWK, or the first x5c certificate's key).</param>
/// <param name="Algorithm">The header's <c>alg</c>: ES256/ES384/ES512 or RS256/RS384/RS512.</param>
/// <param name="Protected">The protected header exactly as written: the signing input starts with these characters.</param>
/// <param name="Signature">The decoded signature (ECDSA: R || S).</param>
/// <param name="FormatLength">How many leading bytes of the manifest belong to the payload.</param>
/// <param name="FormatTail">The bytes that complete the payload after <paramref name="FormatLength"/> (usually <c>"\n}"</c>).</param>
/// <param name="Time">The protected header's <c>time</c>, when present (informational; libtrust does not check it).</param>
/// <param name="CertificateChain">The header's <c>x5c</c> (standard base64 DER certificates) when the key came from a
/// chain instead of a <c>jwk</c>; like libtrust's Verify, the chain itself is not checked.</param>
public sealed record Schema1Signature(
    LibtrustKey Key,
    string Algorithm,
    string Protected,
    byte[] Signature,
    int FormatLength,
    byte[] FormatTail,
    string? Time,
    IReadOnlyList<string>? CertificateChain = null)
{
    /// <summary>libtrust's JWS signing input: <c>protected + "." + base64url(payload)</c> (<c>signBytes</c>).</summary>
    internal static byte[] SigningInput(string protectedHeader, ReadOnlySpan<byte> payload) =>
        System.Text.Encoding.ASCII.GetBytes(protectedHeader + "." + JoseBase64Url.Encode(payload));

    /// <summary>The signature as the manifest carries it (base64url, no padding).</summary>
    public string EncodedSignature => JoseBase64Url.Encode(Signature);

    internal bool Verifies(ReadOnlySpan<byte> payload) =>
        Key.Verify(SigningInput(Protected, payload), Algorithm, Signature);
}
