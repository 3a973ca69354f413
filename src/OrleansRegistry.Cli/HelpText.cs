using System.Text;
using OrleansRegistry.Cli.Commands;
using OrleansRegistry.Cli.Parsing;

namespace OrleansRegistry.Cli;

/// <summary>The usage texts of <c>oreg --help</c> and <c>oreg COMMAND --help</c>.</summary>
internal static class HelpText
{
    public static string General(IReadOnlyList<ICommand> commands)
    {
        var text = new StringBuilder();
        text.Append("oreg: push, pull, copy and inspect images in OCI registries\n\n");
        text.Append("usage: oreg [options] COMMAND ARGUMENTS\n\ncommands:\n");
        var width = commands.Max(c => c.Synopsis.Length) + 2;
        foreach (var command in commands)
            text.Append("  ").Append(command.Synopsis.PadRight(width)).Append(command.Summary).Append('\n');
        AppendOptions(text, "options", GlobalOptions.All);
        text.Append("""

            REGISTRY is HOST[:PORT]; a reference is HOST[:PORT]/REPO[:TAG|@DIGEST] with TAG latest by default.
            DIR[:TAG] is an OCI image layout directory and a tag in it (skopeo's oci:DIR:TAG), TAG latest by default.
            https is used unless --plain-http is given or the host is localhost or a loopback address; --ca-file or
            --insecure on the command line make those https too. https registries are verified against the system
            store plus --ca-file (or OREG_CA_FILE); --insecure skips certificate checks and warns on stderr.
            Registries that authenticate (Basic, or the Docker token flow public registries use) get --username and
            --password, or OREG_USERNAME and OREG_PASSWORD; without them, the credentials 'oreg login' (or docker,
            podman) stored for the registry: $DOCKER_CONFIG/config.json or ~/.docker/config.json, or the credential
            helper it names; without any, pulls fetch anonymous tokens. Credentials go to a token realm only on the
            registry's own host (Docker Hub's auth.docker.io included) or a host of --trust-realm (OREG_TRUSTED_REALMS),
            and a plain-http realm is used only by a plain-http registry for such a host; other realms get no password.
            Output: progress bars on a terminal, one line per event otherwise, only the result with --quiet.
            Exit codes: 0 success, 1 registry or transfer error, 2 usage error, 130 cancelled (Ctrl-C, SIGTERM).
            Run 'oreg COMMAND --help' for a command's details.

            """);
        return text.ToString();
    }

    public static string For(ICommand command)
    {
        var text = new StringBuilder();
        text.Append("usage: oreg [options] ").Append(command.Synopsis).Append("\n\n");
        text.Append(command.Summary).Append(".\n").Append(command.Details.TrimEnd()).Append('\n');
        if (command.Options.Count > 0)
            AppendOptions(text, "options", command.Options);
        AppendOptions(text, "global options", GlobalOptions.All);
        return text.ToString();
    }

    /// <summary>docs/oreg.md: every help text of oreg, so the reference on disk is exactly what the CLI prints.</summary>
    public static string RenderMarkdown(IReadOnlyList<ICommand> commands)
    {
        var text = new StringBuilder();
        text.Append("<!-- Generated from OrleansRegistry.Cli.HelpText.RenderMarkdown(); do not edit by hand. -->\n");
        text.Append("# oreg command reference\n\n");
        text.Append("What `oreg --help` and `oreg COMMAND --help` print. Regenerate with ");
        text.Append("`UPDATE_DOCS=1 dotnet test tests/OrleansRegistry.Cli.Tests`.\n\n");
        text.Append("```text\n").Append(General(commands)).Append("```\n");
        foreach (var command in commands)
            text.Append("\n## oreg ").Append(command.Name).Append("\n\n```text\n").Append(For(command)).Append("```\n");
        return text.ToString();
    }

    private static void AppendOptions(StringBuilder text, string heading, IReadOnlyList<OptionSpec> options)
    {
        text.Append('\n').Append(heading).Append(":\n");
        var width = options.Max(o => o.Display.Length) + 2;
        foreach (var option in options)
            text.Append("  ").Append(option.Display.PadRight(width)).Append(option.Description).Append('\n');
    }
}
