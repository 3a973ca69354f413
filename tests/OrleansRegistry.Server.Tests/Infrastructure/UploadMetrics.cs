namespace OrleansRegistry.Server.Tests.Infrastructure;

/// <summary>Upload figures a silo exports on /metrics.</summary>
public static class UploadMetrics
{
    /// <summary>The silo's <c>registry_upload_reread_bytes_total</c> (the series exists from start-up).</summary>
    public static async Task<double> RereadBytesAsync(HttpClient client)
    {
        var text = await client.GetStringAsync("metrics");
        var line = text.Split('\n').Single(l => l.StartsWith("registry_upload_reread_bytes_total", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
