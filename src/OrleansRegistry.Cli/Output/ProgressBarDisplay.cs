using OrleansRegistry.Cli.Hosting;
using OrleansRegistry.Client.Images;
using OrleansRegistry.Core;
using Spectre.Console;

namespace OrleansRegistry.Cli.Output;

/// <summary>
/// A terminal: one Spectre.Console progress bar per blob and manifest with bytes done, total and speed. Bars are
/// created on an item's first event and stay on screen when done, so the screen ends as a summary of the transfer.
/// </summary>
internal sealed class ProgressBarDisplay(CliConsole console) : ITransferDisplay
{
    public async Task<T> RunAsync<T>(Func<IProgress<TransferEvent>?, Task<T>> transfer)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
        T result = default!;
        await ansi.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new DownloadedColumn(),
                new TransferSpeedColumn())
            .StartAsync(async context => result = await transfer(new Bars(context)));
        return result;
    }

    /// <summary>Maps events to bars; called from transfer tasks concurrently, hence the lock around the bar table.</summary>
    private sealed class Bars(ProgressContext context) : IProgress<TransferEvent>
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<Digest, ProgressTask> _bars = new();

        public void Report(TransferEvent value)
        {
            ProgressTask bar;
            lock (_lock)
            {
                if (!_bars.TryGetValue(value.Item.Digest, out bar!))
                {
                    bar = context.AddTask(Describe(value.Item, null), maxValue: Math.Max(value.Item.Size, 1));
                    // Schema1 layers have no recorded size: show activity rather than a bar stuck at 0 %.
                    bar.IsIndeterminate = value.Item.Size <= 0;
                    _bars[value.Item.Digest] = bar;
                }
            }

            switch (value.Kind)
            {
                case TransferEventKind.Started:
                case TransferEventKind.Progress:
                    bar.Value = Math.Min(value.BytesDone, bar.MaxValue);
                    break;
                case TransferEventKind.Completed:
                    Finish(bar, value.Item, "done");
                    break;
                case TransferEventKind.Skipped:
                    Finish(bar, value.Item, "exists");
                    break;
                case TransferEventKind.Mounted:
                    Finish(bar, value.Item, "mounted");
                    break;
                case TransferEventKind.Failed:
                    bar.Description = Describe(value.Item, $"[red]{EventFormat.FailedVerb(value)}[/]");
                    bar.StopTask();
                    break;
            }
        }

        private static void Finish(ProgressTask bar, Descriptor item, string outcome)
        {
            bar.IsIndeterminate = false;
            bar.Value = bar.MaxValue;
            bar.Description = Describe(item, outcome);
            bar.StopTask();
        }

        private static string Describe(Descriptor item, string? outcome) =>
            Markup.Escape(EventFormat.Label(item)) + (outcome is null ? "" : " " + outcome);
    }
}
