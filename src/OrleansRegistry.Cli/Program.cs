using OrleansRegistry.Cli;
using OrleansRegistry.Cli.Hosting;

using var signals = new SignalCancellation();
return await CliApp.RunAsync(args, CliConsole.ForProcess(), environment: null, signals.Token);
