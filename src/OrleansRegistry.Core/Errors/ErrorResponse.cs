using System.Text.Json;

namespace OrleansRegistry.Core;

/// <summary>The JSON error body of the spec's "Error Codes" section: <c>{"errors":[{"code","message","detail"}]}</c>.</summary>
public sealed record ErrorResponse(IReadOnlyList<RegistryError> Errors)
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static ErrorResponse From(params RegistryError[] errors) => new(errors);

    public byte[] ToJsonUtf8()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("errors");
            foreach (var error in Errors)
            {
                writer.WriteStartObject();
                writer.WriteString("code", error.Code);
                writer.WriteString("message", error.Message);
                if (error.Detail is { } detail)
                {
                    writer.WritePropertyName("detail");
                    detail.WriteTo(writer);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads an error body from any registry. Tolerant as the spec allows: unknown fields are ignored and
    /// message and detail are optional; only a body without an "errors" array of coded entries is refused.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out ErrorResponse? response)
    {
        response = null;
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
                return false; // trailing content after the body
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("errors", out var errors)
                || errors.ValueKind != JsonValueKind.Array)
                return false;

            var list = new List<RegistryError>(errors.GetArrayLength());
            foreach (var entry in errors.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object
                    || !entry.TryGetProperty("code", out var code)
                    || code.ValueKind != JsonValueKind.String)
                    return false;
                var message = entry.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                    ? m.GetString()!
                    : "";
                JsonElement? detail = entry.TryGetProperty("detail", out var d) && d.ValueKind != JsonValueKind.Null
                    ? d.Clone() // the document is disposed on return
                    : null;
                list.Add(new RegistryError(code.GetString()!, message, detail));
            }
            response = new ErrorResponse(list);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // The list would compare by reference; two bodies with the same errors are the same response.
    public bool Equals(ErrorResponse? other) =>
        other is not null && Errors.SequenceEqual(other.Errors);

    public override int GetHashCode() => Errors.Count;
}
