using System.Text.Json;

namespace OrleansRegistry.Core;

/// <summary>
/// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> for documents from clients. JsonDocument
/// accepts strings it cannot hand back: invalid UTF-8 bytes inside a string and escaped unpaired surrogates
/// (<c>"\uD800"</c>) parse, then <c>GetString()</c> throws InvalidOperationException (and so does Parse itself, for such a
/// property name, when duplicate properties are refused), which a caller expecting JsonException turns into a 500.
/// Here every string and property name is decoded first, and any that cannot be is a JsonException like any other
/// malformed JSON.
/// </summary>
internal static class StrictJson
{
    public static JsonDocument Parse(byte[] utf8, JsonDocumentOptions options)
    {
        CheckStrings(utf8, options);
        return JsonDocument.Parse(utf8, options);
    }

    private static void CheckStrings(ReadOnlySpan<byte> utf8, JsonDocumentOptions options)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            MaxDepth = options.MaxDepth,
            AllowTrailingCommas = options.AllowTrailingCommas,
            CommentHandling = options.CommentHandling,
        });
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) continue;
            try { reader.GetString(); }
            catch (InvalidOperationException e)
            {
                throw new JsonException($"a string at byte {reader.TokenStartIndex} is not valid Unicode: {e.Message}", e);
            }
        }
    }
}
