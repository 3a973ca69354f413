namespace OrleansRegistry.Core;

/// <summary>The spec's tag grammar ("Pulling manifests"): <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>.</summary>
public readonly record struct Tag
{
    private readonly string? _value;

    private Tag(string value) => _value = value;

    /// <summary>The tag as it appears in URLs and keys; "" for <c>default</c>.</summary>
    public string Value => _value ?? "";

    public override string ToString() => Value;

    public static bool TryParse(string? value, out Tag tag)
    {
        tag = IsValid(value) ? new Tag(value!) : default;
        return tag._value is not null;
    }

    /// <summary>The tag, or TAG_INVALID (spec: "Error Codes").</summary>
    public static Tag Parse(string? value) =>
        TryParse(value, out var tag)
            ? tag
            : throw new RegistryException(ErrorCatalog.TagInvalid, $"'{value}' is not a valid tag", new { tag = value });

    public const int MaxLength = 128;

    public static bool IsValid(string? tag) => tag is not null && IsValid(tag.AsSpan());

    public static bool IsValid(ReadOnlySpan<char> tag)
    {
        if (tag.IsEmpty || tag.Length > MaxLength || !(IsWordChar(tag[0])))
            return false;
        foreach (var c in tag[1..])
        {
            if (!(IsWordChar(c) || c is '.' or '-'))
                return false;
        }
        return true;
    }

    private static bool IsWordChar(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
}
