using OrleansRegistry.Cli.Commands;

namespace OrleansRegistry.Cli.Parsing;

/// <summary>
/// The whole command-line grammar: <c>oreg [options] COMMAND [options and arguments]</c>. Global options may stand
/// anywhere; a command's own options only after it. <c>--</c> ends options (for a directory whose name starts with '-').
/// </summary>
internal static class ArgumentParser
{
    public static ParsedArguments Parse(IReadOnlyList<string> args, IReadOnlyList<ICommand> commands)
    {
        ICommand? command = null;
        var positionals = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var literal = false;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!literal && arg == "--")
            {
                literal = true;
                continue;
            }
            if (!literal && arg.Length > 1 && arg[0] == '-')
            {
                var (spec, inline) = FindOption(arg, command);
                string? value = null;
                if (spec.TakesValue)
                {
                    if (inline is not null)
                        value = inline;
                    else if (i + 1 < args.Count)
                        value = args[++i];
                    else
                        throw new UsageException($"--{spec.Name} needs a value ({spec.ValueName})");
                }
                else if (inline is not null)
                {
                    throw new UsageException($"--{spec.Name} takes no value");
                }
                options[spec.Name] = value;
                continue;
            }
            if (command is null)
            {
                command = commands.FirstOrDefault(c => c.Name == arg)
                    ?? throw new UsageException($"unknown command '{arg}' (commands: {string.Join(", ", commands.Select(c => c.Name))})");
                continue;
            }
            positionals.Add(arg);
        }
        return new ParsedArguments(command, positionals, options);
    }

    private static (OptionSpec Spec, string? Inline) FindOption(string arg, ICommand? command)
    {
        string name;
        string? inline = null;
        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            name = arg[2..];
            var equals = name.IndexOf('=');
            if (equals >= 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }
        }
        else if (arg.Length == 2)
        {
            name = arg[1..];
        }
        else
        {
            throw new UsageException($"unknown option '{arg}' (long options start with --)");
        }

        var known = command is null ? GlobalOptions.All : GlobalOptions.All.Concat(command.Options);
        var spec = known.FirstOrDefault(o => name.Length == 1 ? o.Short == name[0] : o.Name == name);
        if (spec is not null)
            return (spec, inline);
        var other = command is null ? null : $" for {command.Name}";
        throw new UsageException($"unknown option '{arg}'{other}");
    }
}
