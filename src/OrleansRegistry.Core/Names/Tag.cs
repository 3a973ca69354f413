namespace OrleansRegistry.Core;

/// <summary>The spec's tag grammar ("Pulling manifests"): <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>.</summary>
public static class Tag
{
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
