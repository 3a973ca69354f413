using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansRegistry.Cli.Output;

/// <summary>A manifest for people to read: indented JSON, strings left as they are (no \u escapes for '+' or '&lt;').</summary>
internal static class ManifestJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // display only; never sent anywhere
    };

    /// <summary>The indented JSON, or null when the bytes are not JSON (then the caller shows them as they are).</summary>
    public static string? TryPretty(byte[] content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
                document.WriteTo(writer);
            return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
