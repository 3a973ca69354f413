using OrleansRegistry.Core;

namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// Checks the digests and upload ids a blob store turns into paths or object keys. Callers validate them already;
/// this is defence in depth, so that no input can name anything outside the store (no '/', '\', "..", or empty part).
/// </summary>
internal static class BlobStoreKeys
{
    // Longer names than this cannot be a single file name on common filesystems.
    private const int MaxSegmentLength = 255;

    /// <summary>
    /// A digest's parts must follow the OCI digest grammar: algorithm components [a-z0-9]+ joined by one of "+._-",
    /// encoded [a-zA-Z0-9=_-]+ (at least two characters, which name the fan-out directory). Checked again here because
    /// a <see cref="Digest"/> can be constructed without being parsed.
    /// </summary>
    public static void CheckDigest(Digest digest)
    {
        if (digest.Algorithm is null || digest.Encoded is null || !IsAlgorithm(digest.Algorithm) || !IsEncoded(digest.Encoded))
            throw new ArgumentException($"digest '{digest}' is not of the form algorithm:encoded", nameof(digest));
    }

    /// <summary>An upload id must be one path segment of letters, digits, '-' and '_'.</summary>
    public static void CheckUploadId(string uploadId)
    {
        ArgumentNullException.ThrowIfNull(uploadId);
        if (!IsUploadId(uploadId))
            throw new ArgumentException($"upload id '{uploadId}' may only contain letters, digits, '-' and '_'", nameof(uploadId));
    }

    public static bool IsUploadId(string uploadId)
    {
        if (uploadId.Length is 0 or > MaxSegmentLength) return false;
        foreach (var c in uploadId)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        return true;
    }

    private static bool IsAlgorithm(string algorithm)
    {
        if (algorithm.Length > MaxSegmentLength) return false;
        var previousWasSeparator = true; // forbids a leading separator
        foreach (var c in algorithm)
        {
            var isSeparator = c is '+' or '.' or '_' or '-';
            if (isSeparator && previousWasSeparator) return false; // also rules out ".."
            if (!isSeparator && !(char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c))) return false;
            previousWasSeparator = isSeparator;
        }
        return !previousWasSeparator;
    }

    private static bool IsEncoded(string encoded)
    {
        if (encoded.Length is < 2 or > MaxSegmentLength) return false;
        foreach (var c in encoded)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '=' or '_' or '-')) return false;
        return true;
    }
}
