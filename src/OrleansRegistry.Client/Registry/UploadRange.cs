using System.Globalization;

namespace OrleansRegistry.Client.Registry;

/// <summary>
/// The <c>Range: 0-&lt;last&gt;</c> header of an upload session (spec: "Pushing a blob in chunks"): how many bytes the
/// registry holds. Registries (ours, distribution) write "0-0" for an empty session too, so "0-0" reads as 0 bytes;
/// the rare session holding exactly one byte then refuses the resumed chunk (416) and the upload fails rather than
/// sending a wrong blob.
/// </summary>
internal static class UploadRange
{
    public static long? Committed(HttpResponseMessage response)
    {
        var value = RegistryHttp.Header(response, "Range");
        if (value is null)
            return null;
        var span = value.AsSpan().Trim();
        if (span.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
            span = span[6..];
        var dash = span.IndexOf('-');
        if (dash < 0 || !long.TryParse(span[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var last))
            return null;
        return last == 0 ? 0 : last + 1;
    }
}
