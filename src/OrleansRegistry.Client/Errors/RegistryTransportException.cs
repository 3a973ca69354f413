namespace OrleansRegistry.Client.Errors;

/// <summary>
/// The request never got a complete answer: connection refused or reset, a response cut short, a timeout of the
/// <see cref="HttpClient"/>. Wraps the <see cref="HttpRequestException"/> or <see cref="IOException"/> that said so.
/// Cancellation by the caller is never reported this way: it stays an <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class RegistryTransportException : RegistryClientException
{
    public RegistryTransportException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
