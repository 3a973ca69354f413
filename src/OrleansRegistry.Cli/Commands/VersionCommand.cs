using System.Reflection;
using OrleansRegistry.Cli.Parsing;

namespace OrleansRegistry.Cli.Commands;

/// <summary><c>oreg version</c>: the version of oreg and of the .NET runtime it runs on.</summary>
internal sealed class VersionCommand : ICommand
{
    public string Name => "version";

    public string Synopsis => "version";

    public string Summary => "print oreg's version";

    public string Details => "Prints 'oreg VERSION (.NET RUNTIME)'.";

    public IReadOnlyList<OptionSpec> Options => [];

    /// <summary>The package version (the informational version without the commit the SDK may append).</summary>
    public static string Version
    {
        get
        {
            var informational = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            var plus = informational.IndexOf('+');
            return plus >= 0 ? informational[..plus] : informational;
        }
    }

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        context.Positionals(0);
        await context.ResultAsync($"oreg {Version} (.NET {Environment.Version})");
        return ExitCodes.Success;
    }
}
