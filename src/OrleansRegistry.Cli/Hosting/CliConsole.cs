using System.Text;

namespace OrleansRegistry.Cli.Hosting;

/// <summary>
/// Where a run of oreg writes: text to <see cref="Out"/>, exact bytes (<c>manifest --raw</c>) to <see cref="RawOut"/>,
/// errors to <see cref="Error"/>. <see cref="OutIsTerminal"/> chooses progress bars over one line per event. Input
/// (<c>login --password-stdin</c>, or prompts when <see cref="InIsTerminal"/>) comes from <see cref="In"/>.
/// </summary>
public sealed class CliConsole
{
    public CliConsole(Stream rawOut, TextWriter @out, TextWriter error, bool outIsTerminal, TextReader? @in = null, bool inIsTerminal = false)
    {
        RawOut = rawOut;
        Out = @out;
        Error = error;
        OutIsTerminal = outIsTerminal;
        In = @in ?? TextReader.Null;
        InIsTerminal = inIsTerminal;
    }

    public TextReader In { get; }

    /// <summary>Whether a person types at <see cref="In"/>: only then does <c>login</c> prompt for what is missing.</summary>
    public bool InIsTerminal { get; }

    public Stream RawOut { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool OutIsTerminal { get; }

    /// <summary>Text and bytes both go to <paramref name="stdout"/> (UTF-8, no BOM); never a terminal.</summary>
    public static CliConsole ForStreams(Stream stdout, TextWriter stderr, TextReader? stdin = null) =>
        new(stdout, new StreamWriter(stdout, new UTF8Encoding(false), 4096, leaveOpen: true) { AutoFlush = true, NewLine = "\n" },
            stderr, outIsTerminal: false, stdin);

    /// <summary>The process's own stdout and stderr. Console.Out is kept for text so Spectre.Console can see the terminal.</summary>
    public static CliConsole ForProcess() =>
        new(Console.OpenStandardOutput(), Console.Out, Console.Error, !Console.IsOutputRedirected, Console.In, !Console.IsInputRedirected);

    /// <summary>A line typed at the terminal without echoing it (a password); the process's own terminal only.</summary>
    public async Task<string> ReadSecretAsync(string prompt)
    {
        await Error.WriteAsync(prompt);
        if (In != Console.In)
            return await In.ReadLineAsync() ?? "";
        var secret = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
                break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0) secret.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }
        await Error.WriteLineAsync();
        return secret.ToString();
    }

    /// <summary>Writes <paramref name="bytes"/> unchanged, after any text already written.</summary>
    public async Task WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await Out.FlushAsync(ct);
        await RawOut.WriteAsync(bytes, ct);
        await RawOut.FlushAsync(ct);
    }
}
