using OrleansRegistry.Cli.Hosting;
using OrleansRegistry.Cli.Parsing;

namespace OrleansRegistry.Cli.Output;

/// <summary>Picks the display: nothing with --quiet, progress bars on a terminal, one line per event otherwise (logs, pipes, CI).</summary>
internal static class TransferDisplay
{
    public static ITransferDisplay Create(CliConsole console, GlobalOptions globals) =>
        globals.Quiet ? new QuietTransferDisplay()
        : console.OutIsTerminal ? new ProgressBarDisplay(console)
        : new PlainTransferDisplay(console.Out);
}
