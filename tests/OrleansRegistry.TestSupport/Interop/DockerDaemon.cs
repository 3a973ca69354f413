using System.Text.Json;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// A private Docker engine (Debian <c>docker.io</c>, dockerd 20.10) as a pull client, never the machine's service: its
/// data root (<c>vfs</c> storage: no overlay mounts), exec root, pid file, trust key, socket and
/// <c>daemon.json</c> live in a temp directory, and its containerd is a private <see cref="Containerd"/> (dockerd would
/// otherwise take over a system containerd it finds running). No container ever runs, so it starts with no bridge, no
/// iptables rules and no IP forwarding: it changes nothing of the machine's network. <c>docker</c> (the client on PATH,
/// which negotiates the daemon's API version) talks to its socket with a private client config. Needs root, as dockerd
/// does. Stopped with SIGTERM, killed if it lingers.
/// </summary>
/// <remarks>dockerd creates <c>/run/docker/plugins</c> (plugin discovery, not configurable): removed at dispose,
/// with <c>/run/docker</c>, where they were not there before and are empty.</remarks>
public sealed class DockerDaemon : IAsyncDisposable
{
    private static readonly string[] RunDirectories = ["/run/docker/plugins", "/run/docker"];
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _root = new();
    private readonly Dictionary<string, string> _clientEnvironment;
    private readonly string[] _runDirectoriesToRemove = RunDirectories.Where(d => !Directory.Exists(d)).ToArray();
    private Containerd? _containerd;
    private DaemonProcess? _process;

    private DockerDaemon()
    {
        _clientEnvironment = new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = $"unix://{Socket}",
            ["DOCKER_CONFIG"] = Directory.CreateDirectory(_root.Child("client")).FullName, // no ~/.docker credentials
        };
    }

    /// <summary>The daemon's API socket.</summary>
    public string Socket => _root.Child("docker.sock");

    /// <summary>What the daemon wrote (its log), for a failure's message.</summary>
    public string Output => _process?.Output ?? "";

    /// <summary>Starts a daemon whose <c>daemon.json</c> names <paramref name="registryMirrors"/> (<c>http://HOST:PORT</c>) as Docker Hub's mirrors.</summary>
    public static async Task<DockerDaemon> StartAsync(params string[] registryMirrors)
    {
        var docker = new DockerDaemon();
        try
        {
            await docker.StartDaemonAsync(registryMirrors);
            return docker;
        }
        catch
        {
            await docker.DisposeAsync();
            throw;
        }
    }

    private async Task StartDaemonAsync(string[] registryMirrors)
    {
        _containerd = await Containerd.StartAsync();
        var config = _root.Child("daemon.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["registry-mirrors"] = registryMirrors,
            ["deprecated-key-path"] = _root.Child("key.json"), // else /etc/docker/key.json; a setting of daemon.json only
        }));
        _process = DaemonProcess.Start("dockerd",
        [
            "--config-file", config,
            "--host", $"unix://{Socket}",
            "--data-root", _root.Child("data"),
            "--exec-root", _root.Child("exec"),
            "--pidfile", _root.Child("docker.pid"),
            "--containerd", _containerd.Address,
            "--storage-driver", "vfs",
            "--bridge", "none",
            "--iptables=false",
            "--ip6tables=false",
            "--ip-forward=false",
            "--ip-masq=false",
        ], package: "docker.io");
        await _process.WaitUntilReadyAsync(async () =>
            File.Exists(Socket) && (await DockerAsync(["version"], TimeSpan.FromSeconds(5))).ExitCode == 0, StartTimeout, Socket);
    }

    /// <summary><c>docker pull</c> of <paramref name="reference"/> (a Docker Hub name, so through the mirrors); the result unchecked.</summary>
    public Task<CommandResult> PullAsync(string reference) => DockerAsync(["pull", reference]);

    /// <summary>The image's <c>RepoDigests</c> (<c>NAME@sha256:…</c>, the manifest digest it was pulled by), from <c>docker image inspect</c>.</summary>
    public async Task<IReadOnlyList<string>> RepoDigestsAsync(string reference)
    {
        var inspect = (await DockerAsync(["image", "inspect", "--format", "{{json .RepoDigests}}", reference])).EnsureSuccess();
        return JsonSerializer.Deserialize<List<string>>(inspect.StdoutText) ?? [];
    }

    private Task<CommandResult> DockerAsync(string[] arguments, TimeSpan? timeout = null) =>
        ExternalCommand.RunAsync("docker", arguments, _clientEnvironment, timeout ?? CommandTimeout);

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        if (_containerd is not null) await _containerd.DisposeAsync();
        foreach (var directory in _runDirectoriesToRemove)
        {
            try { Directory.Delete(directory); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        _root.Dispose();
    }
}
