using System.Net;
using System.Net.Sockets;

namespace OrleansRegistry.Server.Tests.Tls;

/// <summary><c>Registry:Tls:Http=false</c>: the plain address of <c>--urls</c> is not bound; HTTPS serves.</summary>
public sealed class HttpsOnlyTests(HttpsOnlyRegistryFixture fixture) : IClassFixture<HttpsOnlyRegistryFixture>
{
    [Fact]
    public async Task The_plain_port_refuses_connections_and_https_serves()
    {
        Assert.Equal("https", fixture.Registry.BaseAddress.Scheme);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() =>
            socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, fixture.PlainPort)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.DoesNotContain("Now listening on: http://", fixture.Registry.Output);

        using var client = fixture.CreateClient();
        using var response = await client.Http.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(fixture.IssuedThumbprint, client.LastCertificate);
    }
}
