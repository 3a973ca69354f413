using OrleansRegistry.Client.Registry;

namespace OrleansRegistry.Client.Tests.Infrastructure;

/// <summary>A <see cref="RegistryClient"/> over a real <see cref="SocketsHttpHandler"/>, with test handlers in between (outermost first).</summary>
public static class TestClients
{
    public static (RegistryClient Client, HttpClient Http) Create(Uri registry, RegistryClientOptions? options = null,
        params DelegatingHandler[] handlers)
    {
        HttpMessageHandler inner = new SocketsHttpHandler();
        for (var i = handlers.Length - 1; i >= 0; i--)
        {
            handlers[i].InnerHandler = inner;
            inner = handlers[i];
        }
        var http = new HttpClient(inner) { Timeout = TimeSpan.FromMinutes(2) };
        options ??= new RegistryClientOptions { Registry = registry };
        if (options.Registry != registry)
            throw new ArgumentException("options name another registry", nameof(options));
        return (new RegistryClient(http, options), http);
    }

    public static byte[] RandomBytes(int size, int seed) => TestData.RandomBytes(size, seed);

    public static string UniqueRepository(string prefix) => $"{prefix}/r{Guid.NewGuid():N}"[..(prefix.Length + 14)];
}
