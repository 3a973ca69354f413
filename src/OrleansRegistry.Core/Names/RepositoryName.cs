namespace OrleansRegistry.Core;

/// <summary>
/// The spec's <c>&lt;name&gt;</c> grammar ("Pulling manifests"):
/// <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*</c>, at most 255 characters.
/// </summary>
public readonly record struct RepositoryName
{
    private readonly string? _value;

    private RepositoryName(string value) => _value = value;

    /// <summary>The name as it appears in URLs and keys; "" for <c>default</c>.</summary>
    public string Value => _value ?? "";

    public override string ToString() => Value;

    /// <param name="maxLength">A registry's own, lower cap (server setting <c>Registry:Limits:MaxNameLength</c>); never above <see cref="MaxLength"/>.</param>
    public static bool TryParse(string? value, out RepositoryName name, int maxLength = MaxLength)
    {
        name = IsValid(value, maxLength) ? new RepositoryName(value!) : default;
        return name._value is not null;
    }

    /// <summary>The name, or NAME_INVALID (spec: "Error Codes").</summary>
    public static RepositoryName Parse(string? value, int maxLength = MaxLength)
    {
        if (TryParse(value, out var name, maxLength)) return name;
        var cap = Math.Min(maxLength, MaxLength);
        var message = value is not null && value.Length > cap && IsValid(value)
            ? $"repository name is {value.Length} characters, over this registry's limit of {cap}"
            : $"invalid repository name '{value}'";
        throw new RegistryException(ErrorCatalog.NameInvalid, message, new { name = value });
    }

    // Clients cap host + "/" + name at 255; capping the name alone keeps every stored key bounded.
    public const int MaxLength = 255;

    public static bool IsValid(string? name, int maxLength = MaxLength) => name is not null && IsValid(name.AsSpan(), maxLength);

    // A hand-written scanner: this runs on every request and must not allocate.
    public static bool IsValid(ReadOnlySpan<char> name, int maxLength = MaxLength)
    {
        if (name.IsEmpty || name.Length > Math.Min(maxLength, MaxLength))
            return false;
        var i = 0;
        while (true)
        {
            // path-component: alnum-run (separator alnum-run)*
            if (!SkipAlphanumerics(name, ref i))
                return false;
            while (i < name.Length && name[i] is '.' or '_' or '-')
            {
                var start = i;
                var separator = name[i];
                while (i < name.Length && name[i] == separator)
                    i++;
                var run = i - start;
                if (separator == '.' && run != 1 || separator == '_' && run > 2)
                    return false;
                if (!SkipAlphanumerics(name, ref i))
                    return false; // a separator must be followed by [a-z0-9], which also rules out mixed "._"
            }
            if (i == name.Length)
                return true;
            if (name[i] != '/')
                return false;
            i++;
        }
    }

    private static bool SkipAlphanumerics(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        while (i < s.Length && s[i] is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            i++;
        return i > start;
    }
}
