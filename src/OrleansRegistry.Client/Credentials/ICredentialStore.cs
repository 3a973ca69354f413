namespace OrleansRegistry.Client.Credentials;

/// <summary>
/// Where credentials for registries are kept, keyed by registry host as Docker keys them (<c>HOST[:PORT]</c>, or
/// <c>https://index.docker.io/v1/</c> for Docker Hub).
/// </summary>
public interface ICredentialStore
{
    /// <summary>The credential stored for <paramref name="registry"/>, or null when there is none.</summary>
    Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct = default);

    Task StoreAsync(string registry, RegistryCredential credential, CancellationToken ct = default);

    /// <summary>Removes the credential for <paramref name="registry"/>; false when there was none.</summary>
    Task<bool> EraseAsync(string registry, CancellationToken ct = default);

    /// <summary>Where the credentials live, for messages: a file path or a helper program's name.</summary>
    string Location { get; }
}
