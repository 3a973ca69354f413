namespace OrleansRegistry.Core;

/// <summary>The spec's tag grammar ("Pulling manifests"): <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>.</summary>
public readonly record struct Tag
{
    private readonly string? _value;

    private Tag(string value) => _value = value;

    /// <summary>The tag as it appears in URLs and keys; "" for <c>default</c>.</summary>
    public string Value => _value ?? "";

    public override string ToString() => Value;

    /// <param name="maxLength">A registry's own, lower cap (server setting <c>Registry:Limits:MaxTagLength</c>); never above <see cref="MaxLength"/>.</param>
    public static bool TryParse(string? value, out Tag tag, int maxLength = MaxLength)
    {
        tag = IsValid(value, maxLength) ? new Tag(value!) : default;
        return tag._value is not null;
    }

    /// <summary>The tag, or TAG_INVALID (spec: "Error Codes").</summary>
    public static Tag Parse(string? value, int maxLength = MaxLength)
    {
        if (TryParse(value, out var tag, maxLength)) return tag;
        var cap = Math.Min(maxLength, MaxLength);
        var message = value is not null && value.Length > cap && IsValid(value)
            ? $"tag is {value.Length} characters, over this registry's limit of {cap}"
            : $"'{value}' is not a valid tag";
        throw new RegistryException(ErrorCatalog.TagInvalid, message, new { tag = value });
    }

    /// <summary>The grammar's own cap: <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>.</summary>
    public const int MaxLength = 128;

    public static bool IsValid(string? tag, int maxLength = MaxLength) => tag is not null && IsValid(tag.AsSpan(), maxLength);

    public static bool IsValid(ReadOnlySpan<char> tag, int maxLength = MaxLength)
    {
        if (tag.IsEmpty || tag.Length > Math.Min(maxLength, MaxLength) || !(IsWordChar(tag[0])))
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
