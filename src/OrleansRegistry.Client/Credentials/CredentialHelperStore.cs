using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace OrleansRegistry.Client.Credentials;

/// <summary>
/// A Docker credential helper, the program <c>docker-credential-NAME</c> on the PATH (<c>pass</c>, <c>secretservice</c>,
/// <c>osxkeychain</c>, <c>ecr-login</c>...), spoken to as docker does: <c>store</c> reads
/// <c>{"ServerURL","Username","Secret"}</c> on stdin, <c>get</c> reads the server URL and prints that JSON (or
/// "credentials not found in native keychain" with a non-zero exit), <c>erase</c> reads the server URL. An identity
/// token is stored as the user <c>&lt;token&gt;</c> with the token as secret, the helpers' convention.
/// </summary>
public sealed class CredentialHelperStore : ICredentialStore
{
    public const string ProgramPrefix = "docker-credential-";
    private const string TokenUser = "<token>";
    private const string NotFound = "credentials not found in native keychain";
    // Helpers may wait on the user (a keyring unlock, a gpg pinentry): generous, but bounded.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly Func<string, string?> _environment;

    /// <summary><paramref name="name"/> as <c>credsStore</c>/<c>credHelpers</c> give it; the PATH comes from <paramref name="environment"/>.</summary>
    public CredentialHelperStore(string name, Func<string, string?> environment)
    {
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            throw new CredentialStoreException($"'{name}' is not a credential helper name");
        Program = ProgramPrefix + name;
        _environment = environment;
    }

    /// <summary>The helper's program name, <c>docker-credential-NAME</c>.</summary>
    public string Program { get; }

    public string Location => $"credential helper {Program}";

    public async Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct = default)
    {
        var (exit, stdout, stderr) = await RunAsync("get", registry, ct).ConfigureAwait(false);
        if (exit != 0)
        {
            if (stdout.Trim() == NotFound)
                return null;
            throw Failed("get", exit, stdout, stderr);
        }
        HelperCredential? found;
        try
        {
            found = JsonSerializer.Deserialize<HelperCredential>(stdout);
        }
        catch (JsonException e)
        {
            throw new CredentialStoreException($"{Program} get printed no credential JSON: {e.Message}", e);
        }
        if (found is null || string.IsNullOrEmpty(found.Username) && string.IsNullOrEmpty(found.Secret))
            return null;
        return found.Username == TokenUser
            ? new RegistryCredential(null, null) { IdentityToken = found.Secret }
            : new RegistryCredential(found.Username, found.Secret);
    }

    public async Task StoreAsync(string registry, RegistryCredential credential, CancellationToken ct = default)
    {
        var payload = credential.IdentityToken is { } token
            ? new HelperCredential(registry, TokenUser, token)
            : new HelperCredential(registry, credential.Username, credential.Password);
        var (exit, stdout, stderr) = await RunAsync("store", JsonSerializer.Serialize(payload), ct).ConfigureAwait(false);
        if (exit != 0)
            throw Failed("store", exit, stdout, stderr);
    }

    public async Task<bool> EraseAsync(string registry, CancellationToken ct = default)
    {
        var (exit, stdout, stderr) = await RunAsync("erase", registry, ct).ConfigureAwait(false);
        if (exit == 0)
            return true;
        if (stdout.Trim() == NotFound)
            return false;
        throw Failed("erase", exit, stdout, stderr);
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string action, string input, CancellationToken ct)
    {
        var start = new ProcessStartInfo(FindProgram())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add(action);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CredentialStoreException($"cannot run {start.FileName}: {e.Message}", e);
        }
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(Timeout);
        try
        {
            try
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), bounded.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The helper exited without reading its input (a broken pipe): its exit code and output say why.
            }
            await process.WaitForExitAsync(bounded.Token).ConfigureAwait(false);
            return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new CredentialStoreException(e is IOException
                ? $"{Program} {action} failed: {e.Message}"
                : $"{Program} {action} did not finish within {Timeout.TotalSeconds:0} s", e);
        }
    }

    /// <summary>The program on the PATH of the environment given (not necessarily this process's).</summary>
    private string FindProgram()
    {
        foreach (var directory in (_environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() ? [Program + ".exe", Program + ".cmd", Program] : new[] { Program })
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                    return candidate;
            }
        }
        throw new CredentialStoreException($"credential helper {Program} is not on the PATH (named by config.json's credsStore or credHelpers)");
    }

    private CredentialStoreException Failed(string action, int exit, string stdout, string stderr)
    {
        var said = string.Join("; ", new[] { stdout.Trim(), stderr.Trim() }.Where(s => s.Length > 0));
        return new CredentialStoreException($"{Program} {action} exited with {exit}{(said.Length > 0 ? ": " + said : "")}");
    }

    /// <summary>The helpers' JSON, with their capitalised property names.</summary>
    private sealed record HelperCredential(string? ServerURL, string? Username, string? Secret);
}
