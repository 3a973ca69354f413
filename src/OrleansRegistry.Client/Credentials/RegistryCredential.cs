namespace OrleansRegistry.Client.Credentials;

/// <summary>
/// What a client presents to one registry, as Docker's <c>config.json</c> and credential helpers hold it: a user and
/// password (or access token), or an <see cref="IdentityToken"/> (an OAuth2 refresh token the registry's token endpoint
/// exchanges for access tokens), or a <see cref="RegistryToken"/> (a bearer token sent to the registry as it is).
/// </summary>
public sealed record RegistryCredential(string? Username, string? Password)
{
    /// <summary>A refresh token (<c>identitytoken</c>): used with the token endpoint's <c>refresh_token</c> grant instead of the password.</summary>
    public string? IdentityToken { get; init; }

    /// <summary>A bearer token for the registry itself (<c>registrytoken</c>), sent as <c>Authorization: Bearer</c>.</summary>
    public string? RegistryToken { get; init; }

    /// <summary>Never prints a secret.</summary>
    public override string ToString() =>
        $"RegistryCredential {{ Username = {Username}, Password = {Mask(Password)}, IdentityToken = {Mask(IdentityToken)}, RegistryToken = {Mask(RegistryToken)} }}";

    private static string Mask(string? secret) => secret is null ? "" : "***";
}
