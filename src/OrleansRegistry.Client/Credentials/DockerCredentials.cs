namespace OrleansRegistry.Client.Credentials;

/// <summary>
/// Registry credentials where docker, podman and skopeo keep them: the store for a registry is the helper
/// <c>credHelpers[registry]</c> names, else the <c>credsStore</c> helper, else the <c>auths</c> of <c>config.json</c>
/// itself (<see cref="ConfigFileCredentialStore"/>). Keys are <see cref="RegistryKey.For(string)"/> the host. Erasing also
/// drops a leftover <c>auths</c> entry for the registry, as <c>docker logout</c> does.
/// </summary>
public sealed class DockerCredentials : ICredentialStore
{
    private readonly Func<string, string?> _environment;
    private readonly ConfigFileCredentialStore _file;

    public DockerCredentials(string configDirectory, Func<string, string?> environment)
    {
        Config = new DockerConfigFile(configDirectory);
        _environment = environment;
        _file = new ConfigFileCredentialStore(Config);
    }

    /// <summary>The configuration <paramref name="environment"/> points at (<c>DOCKER_CONFIG</c>, else <c>HOME</c>); the process's own by default.</summary>
    public static DockerCredentials FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return new DockerCredentials(DockerConfigFile.DefaultDirectory(environment), environment);
    }

    public DockerConfigFile Config { get; }

    public string Location => Config.Path;

    /// <summary>The store that holds <paramref name="registry"/>'s credentials under the current configuration.</summary>
    public async Task<ICredentialStore> StoreForAsync(string registry, CancellationToken ct = default)
    {
        var document = await Config.ReadAsync(ct).ConfigureAwait(false);
        var helper = DockerConfigFile.CredHelper(document, RegistryKey.For(registry)) ?? DockerConfigFile.CredsStore(document);
        return helper is null ? _file : new CredentialHelperStore(helper, _environment);
    }

    public async Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct = default)
    {
        var key = RegistryKey.For(registry);
        return await (await StoreForAsync(key, ct).ConfigureAwait(false)).GetAsync(key, ct).ConfigureAwait(false);
    }

    public async Task StoreAsync(string registry, RegistryCredential credential, CancellationToken ct = default)
    {
        var key = RegistryKey.For(registry);
        await (await StoreForAsync(key, ct).ConfigureAwait(false)).StoreAsync(key, credential, ct).ConfigureAwait(false);
    }

    public async Task<bool> EraseAsync(string registry, CancellationToken ct = default)
    {
        var key = RegistryKey.For(registry);
        var store = await StoreForAsync(key, ct).ConfigureAwait(false);
        var erased = await store.EraseAsync(key, ct).ConfigureAwait(false);
        if (store != _file)
            erased |= await _file.EraseAsync(key, ct).ConfigureAwait(false);
        return erased;
    }
}
