namespace OrleansRegistry.Client.Credentials;

/// <summary>A credential store could not be read or written: a malformed <c>config.json</c>, or a credential helper that failed.</summary>
public sealed class CredentialStoreException(string message, Exception? innerException = null) : Exception(message, innerException);
