using System.Globalization;
using OrleansRegistry.Client.Images;
using OrleansRegistry.Core;

namespace OrleansRegistry.Cli.Output;

/// <summary>How transfer events, digests and sizes read on screen.</summary>
internal static class EventFormat
{
    private const int ShortHexLength = 12;

    /// <summary>The line for one event, or null for progress steps (which only progress bars show).</summary>
    public static string? Line(TransferEvent e)
    {
        var verb = e.Kind switch
        {
            TransferEventKind.Started => "started",
            TransferEventKind.Completed => "done",
            TransferEventKind.Skipped => "exists",
            TransferEventKind.Mounted => "mounted",
            TransferEventKind.Failed => FailedVerb(e),
            _ => null,
        };
        return verb is null ? null : $"{Label(e.Item)} {Size(e.Item.Size)} {verb}";
    }

    /// <summary>"cancelled" for an item stopped because another failed (or Ctrl-C), "failed" for the one that failed.</summary>
    public static string FailedVerb(TransferEvent e) => e.Error is OperationCanceledException ? "cancelled" : "failed";

    /// <summary>What the item is and its short digest: <c>layer sha256:0123456789ab…</c>.</summary>
    public static string Label(Descriptor item) => $"{Kind(item.MediaType)} {ShortDigest(item.Digest)}";

    public static string Kind(string mediaType) =>
        MediaTypes.IsIndex(mediaType) ? "index"
        : MediaTypes.IsManifest(mediaType) ? "manifest"
        : mediaType is MediaTypes.OciConfig or MediaTypes.DockerConfig || mediaType.EndsWith(".config.v1+json", StringComparison.Ordinal) ? "config"
        : "layer";

    public static string ShortDigest(Digest digest) =>
        digest.Encoded.Length <= ShortHexLength ? digest.ToString() : $"{digest.Algorithm}:{digest.Encoded[..ShortHexLength]}…";

    /// <summary>Binary units with one decimal (<c>12.3 MiB</c>); whole bytes below 1 KiB; "? B" for an unknown (negative) size.</summary>
    public static string Size(long bytes)
    {
        if (bytes < 0)
            return "? B";
        if (bytes < 1024)
            return $"{bytes} B";
        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = -1;
        do
        {
            value /= 1024;
            unit++;
        } while (value >= 1024 && unit < units.Length - 1);
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
