namespace OrleansRegistry.Client.Credentials;

/// <summary>
/// A registry's credentials by its address rather than by one key: every <see cref="RegistryKey.Spellings"/> of it,
/// so that an entry docker or podman filed under <c>localhost:80</c> serves a command that reaches
/// <c>http://localhost/</c>, and a logout leaves none of them behind.
/// </summary>
public static class RegistryCredentialLookup
{
    /// <summary>The credential under the first spelling that holds one (the normalised key first); null when none does.</summary>
    public static async Task<RegistryCredential?> GetAsync(this ICredentialStore store, Uri registry, CancellationToken ct = default)
    {
        foreach (var key in RegistryKey.Spellings(registry))
            if (await store.GetAsync(key, ct).ConfigureAwait(false) is { } found)
                return found;
        return null;
    }

    /// <summary>Erases the credential under every spelling; false when there was none.</summary>
    public static async Task<bool> EraseAsync(this ICredentialStore store, Uri registry, CancellationToken ct = default)
    {
        var erased = false;
        foreach (var key in RegistryKey.Spellings(registry))
            erased |= await store.EraseAsync(key, ct).ConfigureAwait(false);
        return erased;
    }
}
