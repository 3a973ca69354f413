namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// A private containerd 1.6 (Debian <c>containerd</c>) as a registry client: its own daemon with root, state and
/// socket in a temp directory and a generated config without the CRI plugin, never the machine's service; pulls go
/// through <c>ctr</c> with a hosts directory (<see cref="HostsDirectory"/>, containerd's <c>hosts.toml</c> registry
/// configuration), so a test decides which host serves which registry namespace (<see cref="WriteMirror"/>). The
/// snapshotter that unpacks is overlayfs where it works (its plugin loads), else <c>native</c>. Needs root, as every
/// containerd does. Stopped with SIGTERM, killed if it lingers.
/// </summary>
public sealed class Containerd : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _root = new();
    private DaemonProcess? _process;

    private Containerd() { }

    /// <summary>The daemon's gRPC socket (<c>ctr --address</c>).</summary>
    public string Address => _root.Child("containerd.sock");

    /// <summary>The hosts directory every pull uses: <c>DIR/NAMESPACE/hosts.toml</c> configures one registry namespace.</summary>
    public string HostsDirectory => _root.Child("hosts.d");

    /// <summary>The snapshotter pulls unpack with: <c>overlayfs</c>, or <c>native</c> where overlay mounts fail.</summary>
    public string Snapshotter { get; private set; } = "overlayfs";

    /// <summary>What the daemon wrote (its log), for a failure's message.</summary>
    public string Output => _process?.Output ?? "";

    public static async Task<Containerd> StartAsync()
    {
        var containerd = new Containerd();
        try
        {
            await containerd.StartDaemonAsync();
            return containerd;
        }
        catch
        {
            await containerd.DisposeAsync();
            throw;
        }
    }

    private async Task StartDaemonAsync()
    {
        Directory.CreateDirectory(HostsDirectory);
        var config = _root.Child("config.toml");
        await File.WriteAllTextAsync(config, $"""
            version = 2
            root = "{_root.Child("root")}"
            state = "{_root.Child("state")}"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]

            [grpc]
              address = "{Address}"

            [ttrpc]
              address = "{Address}.ttrpc"

            # Its default is /opt/containerd, a directory the daemon would create on the machine.
            [plugins."io.containerd.internal.v1.opt"]
              path = "{_root.Child("opt")}"
            """);
        _process = DaemonProcess.Start("containerd", ["--config", config], package: "containerd");
        await _process.WaitUntilReadyAsync(async () =>
            File.Exists(Address) && (await CtrAsync(["version"], TimeSpan.FromSeconds(5))).ExitCode == 0, TimeSpan.FromSeconds(20), Address);

        // ctr pulls with overlayfs unless told otherwise; where the overlayfs plugin did not load, native copies.
        var plugins = (await CtrAsync(["plugins", "ls"])).EnsureSuccess().StdoutText;
        var overlay = plugins.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(f => f.Length >= 4 && f[0] == "io.containerd.snapshotter.v1" && f[1] == "overlayfs");
        if (overlay is null || overlay[^1] != "ok") Snapshotter = "native";
    }

    /// <summary>
    /// Writes <c>HOSTS/NAMESPACE/hosts.toml</c>: images named <c>NAMESPACE/REPO:TAG</c> are pulled and resolved from
    /// <paramref name="mirror"/> (<c>http://HOST:PORT</c>, optionally with a path), containerd adding
    /// <c>?ns=NAMESPACE</c> to each request; <paramref name="server"/> is the namespace's own registry, tried after the
    /// mirror (default <c>https://NAMESPACE</c>, Docker Hub's API host for <c>docker.io</c>).
    /// </summary>
    public string WriteMirror(string upstreamNamespace, string mirror, string? server = null)
    {
        var directory = Directory.CreateDirectory(Path.Combine(HostsDirectory, upstreamNamespace));
        var file = Path.Combine(directory.FullName, "hosts.toml");
        server ??= upstreamNamespace == "docker.io" ? "https://registry-1.docker.io" : $"https://{upstreamNamespace}";
        File.WriteAllText(file, $"""
            server = "{server}"

            [host."{mirror}"]
              capabilities = ["pull", "resolve"]
            """);
        return file;
    }

    /// <summary><c>ctr images pull</c> (fetch and unpack) through <see cref="HostsDirectory"/>; the result unchecked.</summary>
    public Task<CommandResult> PullAsync(string reference, bool plainHttp = false) =>
        CtrAsync(["images", "pull", "--hosts-dir", HostsDirectory, "--snapshotter", Snapshotter, .. PlainHttp(plainHttp), reference]);

    /// <summary><c>ctr content fetch</c>: every blob of the image into the content store, no unpacking; the result unchecked.</summary>
    public Task<CommandResult> FetchAsync(string reference, bool plainHttp = false) =>
        CtrAsync(["content", "fetch", "--hosts-dir", HostsDirectory, .. PlainHttp(plainHttp), reference]);

    /// <summary>The manifest (or index) digest containerd stored the image under, from <c>ctr images ls</c>.</summary>
    public async Task<string> ImageDigestAsync(string reference)
    {
        var listing = (await CtrAsync(["images", "ls"])).EnsureSuccess().StdoutText;
        // REF TYPE DIGEST SIZE PLATFORMS LABELS
        var row = listing.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(f => f.Length >= 3 && f[0] == reference)
            ?? throw new KeyNotFoundException($"containerd holds no image {reference}:\n{listing}");
        return row[2];
    }

    /// <summary>Removes the image, so the next pull asks the registry again.</summary>
    public async Task RemoveImageAsync(string reference) => (await CtrAsync(["images", "rm", "--sync", reference])).EnsureSuccess();

    private static string[] PlainHttp(bool plainHttp) => plainHttp ? ["--plain-http"] : [];

    private Task<CommandResult> CtrAsync(string[] arguments, TimeSpan? timeout = null) =>
        ExternalCommand.RunAsync("ctr", ["--address", Address, .. arguments], timeout: timeout ?? CommandTimeout);

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        _root.Dispose();
    }
}
