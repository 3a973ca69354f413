using System.Text;
using System.Text.Json.Nodes;

namespace OrleansRegistry.Client.Credentials;

/// <summary>
/// Credentials in the <c>auths</c> section of a Docker <c>config.json</c>, as docker, podman and skopeo read them:
/// <c>"auths": { "HOST": { "auth": base64("user:password") } }</c>, plus <c>identitytoken</c> / <c>registrytoken</c>
/// when there are. Older files spell out <c>username</c> / <c>password</c>, which are read too. A lookup falls back to
/// keys naming the same host with a scheme or path (<c>https://HOST/v1/</c>), as docker's does.
/// </summary>
public sealed class ConfigFileCredentialStore(DockerConfigFile file) : ICredentialStore
{
    public string Location => file.Path;

    public async Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct = default)
    {
        var document = await file.ReadAsync(ct).ConfigureAwait(false);
        if (document["auths"] is not JsonObject auths)
            return null;
        if (auths[registry] is { } exact)
            return Parse(exact, registry);
        var host = RegistryKey.HostOf(registry);
        foreach (var (key, entry) in auths)
            if (string.Equals(RegistryKey.HostOf(key), host, StringComparison.OrdinalIgnoreCase) && Parse(entry, key) is { } found)
                return found;
        return null;
    }

    public Task StoreAsync(string registry, RegistryCredential credential, CancellationToken ct = default) =>
        file.UpdateAsync(document =>
        {
            if (document["auths"] is not JsonObject auths)
                document["auths"] = auths = [];
            auths[registry] = Entry(credential);
            return true;
        }, ct);

    public async Task<bool> EraseAsync(string registry, CancellationToken ct = default)
    {
        var erased = false;
        await file.UpdateAsync(document =>
        {
            if (document["auths"] is not JsonObject auths)
                return false;
            var host = RegistryKey.HostOf(registry);
            foreach (var key in auths.Select(p => p.Key).ToList())
                if (key == registry || string.Equals(RegistryKey.HostOf(key), host, StringComparison.OrdinalIgnoreCase))
                    erased |= auths.Remove(key);
            return erased;
        }, ct).ConfigureAwait(false);
        return erased;
    }

    /// <summary>
    /// One <c>auths</c> entry as docker writes it: the password encoded into <c>auth</c> (with an identity token, docker
    /// keeps the user and drops the password: <c>auth</c> is then <c>base64("user:")</c>).
    /// </summary>
    internal static JsonObject Entry(RegistryCredential credential)
    {
        var entry = new JsonObject
        {
            ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")),
        };
        if (credential.IdentityToken is not null)
            entry["identitytoken"] = credential.IdentityToken;
        if (credential.RegistryToken is not null)
            entry["registrytoken"] = credential.RegistryToken;
        return entry;
    }

    /// <summary>An entry back into a credential; null for an entry that holds nothing (docker leaves <c>{}</c> behind a helper).</summary>
    internal static RegistryCredential? Parse(JsonNode? node, string key)
    {
        if (node is not JsonObject entry)
            return null;
        string? username = Text(entry, "username"), password = Text(entry, "password");
        if (Text(entry, "auth") is { } auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException e)
            {
                throw new CredentialStoreException($"the auth of '{key}' is not base64", e);
            }
            var colon = decoded.IndexOf(':');
            if (colon < 0)
                throw new CredentialStoreException($"the auth of '{key}' is not base64 of user:password");
            (username, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }
        var credential = new RegistryCredential(NonEmpty(username), NonEmpty(password))
        {
            IdentityToken = Text(entry, "identitytoken"),
            RegistryToken = Text(entry, "registrytoken"),
        };
        return credential.Username is null && credential.IdentityToken is null && credential.RegistryToken is null ? null : credential;
    }

    private static string? Text(JsonObject entry, string name) => DockerConfigFile.Text(entry[name]);

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
