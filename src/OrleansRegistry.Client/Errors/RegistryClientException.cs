namespace OrleansRegistry.Client.Errors;

/// <summary>
/// A failure only a client can have (the registry could not be reached, answered something unexpected, or sent content
/// that does not match its digest or size). Errors the registry reports in the spec's error body are Core's
/// <see cref="OrleansRegistry.Core.RegistryException"/> instead, so client and server share one vocabulary.
/// </summary>
public class RegistryClientException : Exception
{
    public RegistryClientException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
