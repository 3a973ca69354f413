using System.Text;
using System.Text.Json;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>The parts of <c>podman image inspect</c> a registry round trip must keep: the image id (its config's
/// digest), the manifest digest it was pulled by, and the layers' diff ids.</summary>
public sealed record PodmanImage(string Id, string Digest, IReadOnlyList<string> Layers);

/// <summary>
/// podman 4.3.1 (Debian) as a registry client with a private, throw-away world: image storage (<c>vfs</c>: no
/// overlay mounts, no fuse), run and tmp directories, auth file and blob-info cache all live in one temporary
/// directory, so nothing touches the machine's <c>/var/lib/containers</c>, <c>/run/containers</c> or any home. No
/// container ever runs, so no runtime, network or cgroup set-up is needed: Debian's podman without its recommended
/// packages (uidmap, fuse-overlayfs, slirp4netns, catatonit) suffices; it runs only conmon, a dependency. Meant for a root
/// test process (the test machines and CI): rootless podman would need <c>/etc/subuid</c> ranges.
/// </summary>
/// <remarks>
/// <c>_CONTAINERS_ROOTLESS_UID</c> is the trick <see cref="Skopeo"/> uses: containers/image then keeps its blob-info
/// cache (and containers/common its network config) under <c>XDG_*</c> here instead of in <c>/var/lib/containers</c>
/// and <c>/etc/cni</c>, while podman itself still runs as root (it tests <c>_CONTAINERS_USERNS_CONFIGURED</c>, unset).
/// A cache shared between runs would also make podman try cross-repository mounts from registries long gone.
/// </remarks>
public sealed class Podman : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    // Lowercase only: podman names an image loaded from oci:DIR after DIR, and a name must be lowercase. Short: podman
    // refuses a run root longer than 50 characters.
    private readonly string _home = Path.Combine(Path.GetTempPath(), $"oreg-pm-{Guid.NewGuid().ToString("N")[..12]}");
    private readonly Dictionary<string, string> _environment;
    private readonly List<(string Location, string Mirror)> _mirrors = [];

    public Podman()
    {
        var runtime = Directory.CreateDirectory(Child("xdg-run"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(runtime.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        AuthFile = Child("auth.json");
        // podman refuses a --authfile that does not exist yet, even for a pull that needs no credentials.
        File.WriteAllText(AuthFile, """{ "auths": {} }""");
        _environment = new Dictionary<string, string>
        {
            ["_CONTAINERS_ROOTLESS_UID"] = "65534",
            ["XDG_DATA_HOME"] = Child("xdg-data"),
            ["XDG_CONFIG_HOME"] = Child("xdg-config"),
            ["XDG_RUNTIME_DIR"] = runtime.FullName,
            ["HOME"] = _home, // nor ~/.docker/config.json, which containers/image would read as a fallback
            ["REGISTRY_AUTH_FILE"] = AuthFile,
        };
    }

    /// <summary>The containers-auth.json <c>podman login</c> writes (Docker's <c>auths</c> format).</summary>
    public string AuthFile { get; }

    /// <summary>
    /// <c>podman login</c> over plain HTTP into <see cref="AuthFile"/> (or <paramref name="authFile"/>, e.g. a Docker
    /// <c>config.json</c>); the result is returned unchecked (a refused login is a test's point).
    /// </summary>
    public Task<CommandResult> LoginAsync(string registry, string user, string password, string? authFile = null) =>
        RunAsync(["login", "--tls-verify=false", "--authfile", authFile ?? AuthFile, "--username", user, "--password", password, registry]);

    /// <summary>
    /// From now on pulls of images named <c>LOCATION/REPO:TAG</c> (<paramref name="location"/> a registry host, e.g.
    /// <c>docker.io</c> or a made-up <c>upstream.test</c>) go to <paramref name="mirror"/> first, over plain HTTP:
    /// <c>HOST:PORT</c>, or <c>HOST:PORT/PREFIX</c> for <c>/v2/PREFIX/REPO/...</c>. Written to a private
    /// registries.conf (<c>CONTAINERS_REGISTRIES_CONF</c>) that replaces the machine's; no unqualified-name search.
    /// </summary>
    public void AddMirror(string location, string mirror)
    {
        _mirrors.Add((location, mirror));
        var conf = new StringBuilder("unqualified-search-registries = []\n");
        foreach (var registry in _mirrors.GroupBy(m => m.Location))
        {
            conf.Append($"\n[[registry]]\nlocation = \"{registry.Key}\"\n");
            foreach (var (_, each) in registry) conf.Append($"\n[[registry.mirror]]\nlocation = \"{each}\"\ninsecure = true\n");
        }
        var file = Child("registries.conf");
        File.WriteAllText(file, conf.ToString());
        _environment["CONTAINERS_REGISTRIES_CONF"] = file;
    }

    /// <summary>Loads an OCI layout's tagged image into the store and returns its image id.</summary>
    public async Task<string> LoadAsync(OciLayout layout, string tag)
    {
        // Through a link with a lowercase path: the layout's own directory may have capitals podman refuses in a name.
        var link = Child($"layout-{Guid.NewGuid():N}");
        Directory.CreateSymbolicLink(link, layout.Directory);
        return (await RunAsync(["pull", "--quiet", $"oci:{link}:{tag}"])).EnsureSuccess().StdoutText.Trim();
    }

    public async Task TagAsync(string image, string name) => (await RunAsync(["tag", image, name])).EnsureSuccess();

    /// <summary><c>podman push</c> with the stored login; returns the result unchecked, and the pushed manifest's digest on success.</summary>
    public async Task<(CommandResult Result, string? Digest)> PushAsync(string name, string destination)
    {
        var digestFile = Child($"digest-{Guid.NewGuid():N}");
        var result = await RunAsync(["push", "--tls-verify=false", "--authfile", AuthFile, "--digestfile", digestFile, name, destination]);
        return (result, File.Exists(digestFile) ? (await File.ReadAllTextAsync(digestFile)).Trim() : null);
    }

    /// <summary><c>podman pull</c> with the stored login; returns the image id.</summary>
    public async Task<string> PullAsync(string reference) =>
        (await RunAsync(["pull", "--quiet", "--tls-verify=false", "--authfile", AuthFile, reference])).EnsureSuccess().StdoutText.Trim();

    /// <summary>Removes every local image, so a later pull has to fetch everything from the registry.</summary>
    public async Task RemoveAllImagesAsync()
    {
        (await RunAsync(["rmi", "--all", "--force"])).EnsureSuccess();
        Assert.Empty(await ImageIdsAsync());
    }

    public async Task<IReadOnlyList<string>> ImageIdsAsync() =>
        (await RunAsync(["images", "--quiet", "--no-trunc"])).EnsureSuccess().StdoutText
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public async Task<PodmanImage> InspectAsync(string image)
    {
        var result = (await RunAsync(["image", "inspect", image])).EnsureSuccess();
        using var json = JsonDocument.Parse(result.Stdout);
        var found = json.RootElement[0];
        return new PodmanImage(
            found.GetProperty("Id").GetString()!,
            found.GetProperty("Digest").GetString()!,
            found.GetProperty("RootFS").GetProperty("Layers").EnumerateArray().Select(l => l.GetString()!).ToList());
    }

    private Task<CommandResult> RunAsync(string[] arguments) =>
        ExternalCommand.RunAsync("podman",
        [
            "--root", Child("root"), "--runroot", Child("run"), "--tmpdir", Child("tmp"),
            "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "none", .. arguments,
        ], _environment, Timeout);

    private string Child(string name) => Path.Combine(_home, name);

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
