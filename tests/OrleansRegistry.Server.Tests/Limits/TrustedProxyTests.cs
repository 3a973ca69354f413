using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansRegistry.Server.Hosting.Limits;

namespace OrleansRegistry.Server.Tests.Limits;

/// <summary>
/// <c>Registry:Limits:TrustedProxies</c> as ASP.NET Core's forwarded-headers middleware applies it, without a server:
/// peers that no test here can be (addresses outside loopback) and chains of proxies. ForwardedClientTests drives the
/// same rule through nginx end to end.
/// </summary>
public sealed class TrustedProxyTests
{
    [Fact]
    public async Task By_default_a_loopback_proxy_is_believed_for_the_client_address_and_scheme()
    {
        var context = await ThroughAsync(null, peer: "127.0.0.1", forwardedFor: "203.0.113.7", proto: "https");
        Assert.Equal(IPAddress.Parse("203.0.113.7"), context.Connection.RemoteIpAddress);
        Assert.Equal("https", context.Request.Scheme);
        Assert.Equal("anonymous@203.0.113.7", RequestRateLimiting.IdentityKey(context));

        var ipv6 = await ThroughAsync(null, peer: "::1", forwardedFor: "2001:db8::5", proto: null);
        Assert.Equal(IPAddress.Parse("2001:db8::5"), ipv6.Connection.RemoteIpAddress);
    }

    [Fact]
    public async Task Another_peer_claiming_to_forward_is_not_believed()
    {
        var context = await ThroughAsync(null, peer: "198.51.100.9", forwardedFor: "203.0.113.7", proto: "https");
        Assert.Equal(IPAddress.Parse("198.51.100.9"), context.Connection.RemoteIpAddress);
        Assert.Equal("http", context.Request.Scheme);
        Assert.Equal("anonymous@198.51.100.9", RequestRateLimiting.IdentityKey(context));
    }

    [Fact]
    public async Task A_chain_of_trusted_proxies_is_unwrapped_up_to_the_first_untrusted_address_and_no_further()
    {
        // The client 203.0.113.7 forged "198.51.100.1"; two proxies of 10.0.0.0/8 appended what they saw.
        var context = await ThroughAsync(["10.0.0.0/8"], peer: "10.0.0.2", forwardedFor: "198.51.100.1, 203.0.113.7, 10.0.0.1", proto: null);
        Assert.Equal(IPAddress.Parse("203.0.113.7"), context.Connection.RemoteIpAddress);

        // Once configured, loopback is trusted only if listed.
        var loopback = await ThroughAsync(["10.0.0.0/8"], peer: "127.0.0.1", forwardedFor: "203.0.113.7", proto: null);
        Assert.Equal(IPAddress.Loopback, loopback.Connection.RemoteIpAddress);
    }

    [Fact]
    public async Task None_trusts_no_proxy()
    {
        var context = await ThroughAsync(["none"], peer: "127.0.0.1", forwardedFor: "203.0.113.7", proto: "https");
        Assert.Equal(IPAddress.Loopback, context.Connection.RemoteIpAddress);
        Assert.Equal("http", context.Request.Scheme);
    }

    [Fact]
    public void Entries_are_addresses_or_networks_several_to_an_entry_and_anything_else_stops_the_start()
    {
        var parsed = ForwardedHeadersHosting.ParseTrustedProxies(["10.1.2.3, 192.168.0.0/16", "fd00::/8 ::1", ""]);
        Assert.Equal(["10.1.2.3/32", "192.168.0.0/16", "fd00::/8", "::1/128"], parsed.Select(n => n.ToString()));

        var wrong = Assert.Throws<InvalidOperationException>(() => ForwardedHeadersHosting.ParseTrustedProxies(["nginx.local"]));
        Assert.Contains("Registry:Limits:TrustedProxies", wrong.Message);
        Assert.Contains("nginx.local", wrong.Message);
    }

    private static async Task<HttpContext> ThroughAsync(string[]? trusted, string peer, string forwardedFor, string? proto)
    {
        var options = new ForwardedHeadersOptions();
        ForwardedHeadersHosting.Apply(options, ForwardedHeadersHosting.ParseTrustedProxies(trusted ?? ForwardedHeadersHosting.LoopbackProxies));
        var middleware = new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Options.Create(options));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Scheme = "http";
        context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        if (proto is not null) context.Request.Headers["X-Forwarded-Proto"] = proto;
        await middleware.Invoke(context);
        return context;
    }
}
