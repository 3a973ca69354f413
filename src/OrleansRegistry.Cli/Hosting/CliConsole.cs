using System.Text;

namespace OrleansRegistry.Cli.Hosting;

/// <summary>
/// Where a run of oreg writes: text to <see cref="Out"/>, exact bytes (<c>manifest --raw</c>) to <see cref="RawOut"/>,
/// errors to <see cref="Error"/>. <see cref="OutIsTerminal"/> chooses progress bars over one line per event.
/// </summary>
public sealed class CliConsole
{
    public CliConsole(Stream rawOut, TextWriter @out, TextWriter error, bool outIsTerminal)
    {
        RawOut = rawOut;
        Out = @out;
        Error = error;
        OutIsTerminal = outIsTerminal;
    }

    public Stream RawOut { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool OutIsTerminal { get; }

    /// <summary>Text and bytes both go to <paramref name="stdout"/> (UTF-8, no BOM); never a terminal.</summary>
    public static CliConsole ForStreams(Stream stdout, TextWriter stderr) =>
        new(stdout, new StreamWriter(stdout, new UTF8Encoding(false), 4096, leaveOpen: true) { AutoFlush = true, NewLine = "\n" },
            stderr, outIsTerminal: false);

    /// <summary>The process's own stdout and stderr. Console.Out is kept for text so Spectre.Console can see the terminal.</summary>
    public static CliConsole ForProcess() =>
        new(Console.OpenStandardOutput(), Console.Out, Console.Error, !Console.IsOutputRedirected);

    /// <summary>Writes <paramref name="bytes"/> unchanged, after any text already written.</summary>
    public async Task WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await Out.FlushAsync(ct);
        await RawOut.WriteAsync(bytes, ct);
        await RawOut.FlushAsync(ct);
    }
}
