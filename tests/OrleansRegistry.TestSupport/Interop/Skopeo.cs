using System.Text.Json;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// skopeo 1.9.3 (Debian) as a registry client. Every call gets a private, fresh blob-info cache: skopeo remembers
/// where it pushed a blob and would otherwise turn a later push into a cross-repository mount (or skip it), so a
/// test would no longer check what it claims to. containers/image puts that cache under XDG_DATA_HOME only when
/// it believes it runs rootless, hence <c>_CONTAINERS_ROOTLESS_UID</c> (the trick shared/bench/bench.sh uses).
/// Plain HTTP on loopback: TLS verification off; no signature policy file needed: <c>--insecure-policy</c>.
/// </summary>
public static class Skopeo
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary><c>skopeo copy</c> between any two transports (oci:DIR:TAG, docker://HOST/REPO:TAG).</summary>
    public static Task<CommandResult> CopyAsync(string source, string destination, params string[] extra) =>
        RunAsync(["copy", "--src-tls-verify=false", "--dest-tls-verify=false", .. extra, source, destination]);

    /// <summary>
    /// <c>skopeo copy</c> with TLS verified: a docker:// side trusts the CA certificates (<c>*.crt</c>) in
    /// <paramref name="certificateDirectory"/> besides the system's.
    /// </summary>
    public static Task<CommandResult> CopyVerifiedAsync(string source, string destination, string certificateDirectory) =>
        RunAsync(["copy", "--src-cert-dir", certificateDirectory, "--dest-cert-dir", certificateDirectory, source, destination]);

    /// <summary>The manifest exactly as the registry serves it (<c>skopeo inspect --raw</c>).</summary>
    public static async Task<byte[]> InspectRawAsync(string reference) =>
        (await RunAsync(["inspect", "--raw", "--tls-verify=false", reference])).Stdout;

    public static async Task<IReadOnlyList<string>> ListTagsAsync(string repositoryReference, params string[] extra)
    {
        var result = await RunAsync(["list-tags", "--tls-verify=false", .. extra, repositoryReference]);
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()!).ToList();
    }

    private static async Task<CommandResult> RunAsync(string[] arguments)
    {
        var cache = Directory.CreateTempSubdirectory("oreg-skopeo-");
        try
        {
            var runtime = Directory.CreateDirectory(Path.Combine(cache.FullName, "run"));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(runtime.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var environment = new Dictionary<string, string>
            {
                ["_CONTAINERS_ROOTLESS_UID"] = "65534",
                ["XDG_DATA_HOME"] = cache.FullName,
                ["XDG_CONFIG_HOME"] = Path.Combine(cache.FullName, "config"),
                ["XDG_RUNTIME_DIR"] = runtime.FullName,
            };
            var result = await ExternalCommand.RunAsync("skopeo", ["--insecure-policy", .. arguments], environment, Timeout);
            return result.EnsureSuccess();
        }
        finally
        {
            try { cache.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
