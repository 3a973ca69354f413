using OrleansRegistry.Client.Registry;

namespace OrleansRegistry.Client.Tests.Infrastructure;

/// <summary>The clients a test class made with <see cref="TestClients.Create"/>, disposed together with the class.</summary>
public sealed class TestClientSet : IDisposable
{
    private readonly List<HttpClient> _http = [];

    /// <inheritdoc cref="TestClients.Create"/>
    public RegistryClient Create(Uri registry, RegistryClientOptions? options = null, params DelegatingHandler[] handlers)
    {
        var (client, http) = TestClients.Create(registry, options, handlers);
        lock (_http) _http.Add(http);
        return client;
    }

    public void Dispose()
    {
        lock (_http)
            foreach (var http in _http) http.Dispose();
    }
}
