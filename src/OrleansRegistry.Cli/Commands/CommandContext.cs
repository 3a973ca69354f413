using OrleansRegistry.Cli.Hosting;
using OrleansRegistry.Cli.Output;
using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Client.Credentials;
using OrleansRegistry.Client.Images;

namespace OrleansRegistry.Cli.Commands;

/// <summary>What a command gets to work with: its arguments, the global options, the console, the registries and the stored credentials.</summary>
internal sealed class CommandContext(ICommand command, ParsedArguments arguments, GlobalOptions globals, CliConsole console,
    RegistryConnector registries, DockerCredentials credentials)
{
    public ParsedArguments Arguments { get; } = arguments;

    public GlobalOptions Globals { get; } = globals;

    public CliConsole Console { get; } = console;

    public RegistryConnector Registries { get; } = registries;

    /// <summary>docker's <c>config.json</c> and credential helpers, where <c>login</c> stores and <c>logout</c> erases.</summary>
    public DockerCredentials Credentials { get; } = credentials;

    /// <summary>Push, pull and copy of whole images (stateless, so one instance serves the run).</summary>
    public ImageTransfer Images { get; } = new();

    /// <summary>The display for an image transfer: progress bars, one line per event, or nothing (<c>--quiet</c>).</summary>
    public ITransferDisplay CreateDisplay() => TransferDisplay.Create(Console, Globals);

    /// <summary>Exactly <paramref name="count"/> positional arguments, or a usage error quoting the synopsis.</summary>
    public IReadOnlyList<string> Positionals(int count)
    {
        if (Arguments.Positionals.Count != count)
        {
            var given = Arguments.Positionals.Count == 0 ? "none" : $"{Arguments.Positionals.Count}";
            throw new UsageException($"{command.Name} takes {count} argument{(count == 1 ? "" : "s")} ({given} given): oreg {command.Synopsis}");
        }
        return Arguments.Positionals;
    }

    /// <summary>The run's result: always printed, also with <c>--quiet</c>.</summary>
    public Task ResultAsync(string line) => Console.Out.WriteLineAsync(line);

    /// <summary>Informational output that <c>--quiet</c> suppresses.</summary>
    public Task InfoAsync(string line) => Globals.Quiet ? Task.CompletedTask : Console.Out.WriteLineAsync(line);
}
