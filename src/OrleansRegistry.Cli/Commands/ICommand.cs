using OrleansRegistry.Cli.Parsing;

namespace OrleansRegistry.Cli.Commands;

/// <summary>One <c>oreg</c> command: its name, how it is called, its own options, and what it does.</summary>
internal interface ICommand
{
    string Name { get; }

    /// <summary>The command's arguments as the usage text shows them, e.g. <c>push DIR[:TAG] REGISTRY/REPO[:TAG]</c>.</summary>
    string Synopsis { get; }

    string Summary { get; }

    /// <summary>Longer help shown by <c>oreg COMMAND --help</c>.</summary>
    string Details { get; }

    IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>Runs the command; returns the exit code. Failures are thrown and mapped to exit codes by <see cref="CliApp"/>.</summary>
    Task<int> RunAsync(CommandContext context, CancellationToken ct);
}
