namespace OrleansRegistry.Cli.Parsing;

/// <summary>
/// <c>DIR[:TAG]</c>: an OCI image layout directory and a tag in its <c>index.json</c> (skopeo's <c>oci:DIR:TAG</c>; the
/// <c>oci:</c> prefix is accepted too). The text after the last ':' is the tag when it is a valid tag, so a directory
/// whose name ends in <c>:something</c> needs an explicit tag.
/// </summary>
internal sealed record LayoutReference(string Directory, string? Tag)
{
    public const string OciPrefix = "oci:";

    public override string ToString() => Tag is null ? Directory : $"{Directory}:{Tag}";

    public static LayoutReference Parse(string text)
    {
        var body = text.StartsWith(OciPrefix, StringComparison.Ordinal) ? text[OciPrefix.Length..] : text;
        var colon = body.LastIndexOf(':');
        string? tag = null;
        if (colon >= 0)
        {
            var candidate = body[(colon + 1)..];
            if (Core.Tag.IsValid(candidate))
            {
                tag = candidate;
                body = body[..colon];
            }
            else if (candidate.Length == 0 || !candidate.Contains('/'))
            {
                throw new UsageException($"'{candidate}' in '{text}' is not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{{0,127}})");
            }
        }
        if (body.Length == 0)
            throw new UsageException($"'{text}' names no directory: write DIR[:TAG]");
        return new LayoutReference(body, tag);
    }
}
