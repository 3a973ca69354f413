namespace OrleansRegistry.Cli.Parsing;

/// <summary>
/// One <c>--name</c> option: a flag, or with <paramref name="ValueName"/> an option taking a value (<c>--name V</c> or
/// <c>--name=V</c>). <paramref name="Short"/> is an optional one-letter alias (<c>-q</c>).
/// </summary>
internal sealed record OptionSpec(string Name, string? ValueName, string Description, char? Short = null)
{
    public bool TakesValue => ValueName is not null;

    public string Display => (Short is { } s ? $"-{s}, " : "") + $"--{Name}" + (ValueName is null ? "" : $" {ValueName}");
}
