using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Client.Credentials;

namespace OrleansRegistry.Cli.Commands;

/// <summary>The REGISTRY argument of <c>login</c>/<c>logout</c>: <c>HOST[:PORT]</c>, or a URL as docker accepts it (<c>https://HOST/</c>).</summary>
internal static class RegistryHost
{
    public static string Parse(string text) =>
        ImageReference.ParseRegistry(text.Contains("://", StringComparison.Ordinal) ? RegistryKey.HostOf(text) : text);
}
