using OrleansRegistry.Client.Credentials;

namespace OrleansRegistry.Client.Registry;

/// <summary>
/// The outcome of <see cref="RegistryClient.LoginAsync"/>: the credential to store, and whether the registry checked it
/// at all (false: it asked for no credentials, so any would have passed).
/// </summary>
public sealed record RegistryLogin(RegistryCredential Credential, bool Checked);
