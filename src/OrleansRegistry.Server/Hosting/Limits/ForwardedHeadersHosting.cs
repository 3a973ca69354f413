using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace OrleansRegistry.Server.Hosting.Limits;

/// <summary>
/// Behind a proxy (scripts/cluster's nginx, an ingress) the peer of every request is the proxy: per-address rate
/// limits, anonymous upload limits and the audit log would all see one client. ASP.NET Core's forwarded-headers
/// middleware puts the client's address and scheme back from <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c>, but
/// only while the peer is a trusted proxy (<see cref="LimitsOptions.TrustedProxies"/>): it walks the list from the
/// right, the entry each trusted hop added, and stops at the first address it does not trust. A client's own forged
/// header is never believed, whether sent straight to a silo or through nginx (which appends the real peer).
/// </summary>
public static class ForwardedHeadersHosting
{
    /// <summary>Loopback, both families: the proxy of a one-machine cluster.</summary>
    public static readonly IReadOnlyList<string> LoopbackProxies = ["127.0.0.0/8", "::1"];

    public static IServiceCollection AddRegistryForwardedHeaders(this IServiceCollection services, LimitsOptions limits)
    {
        var trusted = ParseTrustedProxies(limits.TrustedProxies ?? LoopbackProxies);
        return services.Configure<ForwardedHeadersOptions>(o => Apply(o, trusted));
    }

    /// <summary>Runs first, so that everything after it (metrics, authentication, audit, limits) sees the client.</summary>
    public static IApplicationBuilder UseRegistryForwardedHeaders(this IApplicationBuilder app) => app.UseForwardedHeaders();

    /// <summary>
    /// The options for a set of trusted proxies: X-Forwarded-For and -Proto only (nginx passes the Host itself), and no
    /// hop limit, so a chain of trusted proxies (a cloud balancer, then nginx) is unwrapped up to the client.
    /// </summary>
    public static void Apply(ForwardedHeadersOptions options, IReadOnlyList<IPNetwork> trusted)
    {
        // With no known proxy at all the middleware would believe every peer: trusting nobody means reading nothing.
        options.ForwardedHeaders = trusted.Count == 0
            ? ForwardedHeaders.None
            : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = null;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in trusted) options.KnownIPNetworks.Add(network);
    }

    /// <summary>
    /// Addresses and networks (<c>10.0.0.5</c>, <c>10.0.0.0/8</c>, <c>fd00::/8</c>; several per entry separated by
    /// commas or spaces); <c>none</c> or empty entries add nothing, so <c>["none"]</c> trusts no proxy at all.
    /// </summary>
    public static IReadOnlyList<IPNetwork> ParseTrustedProxies(IEnumerable<string?> entries)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        foreach (var item in (entry ?? "").Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (item.Equals("none", StringComparison.OrdinalIgnoreCase)) continue;
            if (IPAddress.TryParse(item, out var address) && !item.Contains('/'))
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else if (IPNetwork.TryParse(item, out var network))
                networks.Add(network);
            else
                throw new InvalidOperationException(
                    $"{LimitsOptions.Section}:TrustedProxies: '{item}' is neither an IP address nor a network such as 10.0.0.0/8");
        }
        return networks;
    }
}
