using OrleansRegistry.Cli.Commands;

namespace OrleansRegistry.Cli.Parsing;

/// <summary>A command line taken apart: the command (null when none was named), its positional arguments and every option given.</summary>
internal sealed record ParsedArguments(ICommand? Command, IReadOnlyList<string> Positionals, IReadOnlyDictionary<string, string?> Options)
{
    public bool Has(OptionSpec option) => Options.ContainsKey(option.Name);

    public string? Value(OptionSpec option) => Options.GetValueOrDefault(option.Name);
}
