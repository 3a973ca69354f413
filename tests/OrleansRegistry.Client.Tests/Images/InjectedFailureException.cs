namespace OrleansRegistry.Client.Tests.Images;

/// <summary>The failure a test injects into one blob: its own type, so nothing in the client can mistake it for a
/// transport error to retry or a cancellation to ignore, and the test can check it gets back this very instance.</summary>
public sealed class InjectedFailureException(string message) : Exception(message);
