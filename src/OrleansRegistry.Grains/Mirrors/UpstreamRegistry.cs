using OrleansRegistry.Client.Credentials;
using OrleansRegistry.Client.Registry;
using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>
/// This silo's connection to one mirror's upstream, spoken to with our own client library (the Docker token flow,
/// with realms bound to the upstream's host or the listed realm hosts; tokens cached per scope and shared by every
/// fetch of the silo). Every call has the mirror's timeout and fails with what <see cref="UpstreamErrors"/> makes of it.
/// </summary>
public sealed class UpstreamRegistry : IDisposable
{
    private readonly HttpClient _http;
    private readonly RegistryClient _client;
    private readonly SemaphoreSlim _fetches;

    public UpstreamRegistry(Mirror mirror, MirrorMetrics metrics, TimeProvider time)
    {
        Mirror = mirror;
        var options = mirror.Options;
        var sockets = new SocketsHttpHandler
        {
            ConnectTimeout = options.UpstreamTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var pacer = options.RequestsPerSecond is { } rate ? new UpstreamPacer(rate, time) : null;
        // Blob bodies take as long as they take; each read has its own timeout (ReadTimeout) instead.
        _http = new HttpClient(new UpstreamRequestHandler(mirror, pacer, metrics) { InnerHandler = sockets })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _client = new RegistryClient(_http, new RegistryClientOptions
        {
            Registry = mirror.Upstream,
            Username = options.Username,
            Password = options.Password,
            CredentialStore = options.UseDockerCredentials ? DockerCredentials.FromEnvironment() : null,
            TrustedRealmHosts = options.TrustedRealmHosts,
        });
        _fetches = new SemaphoreSlim(options.MaxConcurrentFetches);
    }

    public Mirror Mirror { get; }

    /// <summary>
    /// Runs one call to the upstream with the mirror's timeout (or what is left of <paramref name="deadline"/>). A failure becomes the error our client gets
    /// (<see cref="UpstreamErrors.Translate"/>); the caller's own cancellation stays cancellation.
    /// </summary>
    public async Task<T> CallAsync<T>(RepositoryName upstream, string what, Func<RepositoryClient, CancellationToken, Task<T>> call,
        CancellationToken ct, UpstreamDeadline? deadline = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(deadline?.Remaining ?? Mirror.Options.UpstreamTimeout);
        try
        {
            return await call(_client.Repository(upstream.Value), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw UpstreamErrors.Translate(e, Mirror, $"{what} of {upstream}");
        }
    }

    /// <summary>A deadline of one UpstreamTimeout from now, for several calls that together answer one request.</summary>
    public UpstreamDeadline StartDeadline() => new(DateTimeOffset.UtcNow + Mirror.Options.UpstreamTimeout);

    /// <summary>A slot among the mirror's MaxConcurrentFetches; UNAVAILABLE when none frees up before the deadline.</summary>
    public async Task<IDisposable> EnterFetchAsync(UpstreamDeadline deadline, CancellationToken ct)
    {
        if (!await _fetches.WaitAsync(deadline.Remaining, ct).ConfigureAwait(false))
            throw UpstreamErrors.Unavailable(Mirror, $"{Mirror.Options.MaxConcurrentFetches} fetches are already running on this silo");
        return new FetchSlot(_fetches);
    }

    public void Dispose()
    {
        _http.Dispose();
        _fetches.Dispose();
    }

    private sealed class FetchSlot(SemaphoreSlim fetches) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) fetches.Release();
        }
    }
}
