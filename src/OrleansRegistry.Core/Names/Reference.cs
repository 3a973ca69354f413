namespace OrleansRegistry.Core;

/// <summary>The <c>&lt;reference&gt;</c> of a manifest URL: a tag or a digest, never anything else (spec: "Pulling manifests").</summary>
public readonly record struct Reference(Tag? Tag, Digest? Digest)
{
    public bool IsDigest => Digest is not null;

    /// <summary>
    /// A value with ':' must be a well-formed digest (tags cannot contain ':'); anything else must be a valid tag.
    /// Digests with unsupported algorithms parse, so the caller can answer "unsupported" rather than "invalid".
    /// </summary>
    public static bool TryParse(string? value, out Reference reference)
    {
        reference = default;
        if (value is null)
            return false;
        if (value.Contains(':'))
        {
            if (!global::OrleansRegistry.Core.Digest.TryParse(value, out var digest))
                return false;
            reference = new Reference(null, digest);
            return true;
        }
        if (!global::OrleansRegistry.Core.Tag.TryParse(value, out var tag))
            return false;
        reference = new Reference(tag, null);
        return true;
    }

    public override string ToString() => Digest?.ToString() ?? Tag?.Value ?? "";
}
