namespace OrleansRegistry.Cli;

/// <summary>A failure the CLI itself detects (not an OCI layout, no usable key, a file that is missing): exit code 1.</summary>
internal sealed class CliFailureException(string message, Exception? inner = null) : Exception(message, inner);
