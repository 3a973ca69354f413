namespace OrleansRegistry.Server.Hosting.Tls;

/// <summary>
/// Applies <see cref="TlsOptions"/>: Kestrel serves HTTPS on <see cref="TlsOptions.Url"/> (and on any <c>https://</c>
/// address of <c>--urls</c>) with the certificate of <see cref="ServerCertificateStore"/>, re-read when its files change;
/// with <see cref="TlsOptions.Http"/> false the plain <c>http://</c> addresses are not bound at all.
/// </summary>
public static class TlsHosting
{
    // Kestrel's own default when neither --urls nor ASPNETCORE_URLS says anything.
    private const string KestrelDefaultUrl = "http://localhost:5000";

    public static WebApplicationBuilder AddRegistryTls(this WebApplicationBuilder builder)
    {
        var tls = builder.Configuration.GetSection(TlsOptions.Section).Get<TlsOptions>() ?? new TlsOptions();
        if (!tls.Enabled)
        {
            if (!tls.Http)
                throw new InvalidOperationException($"{TlsOptions.Section}:Http is false but {TlsOptions.Section}:Certificate is not set: nothing would be served");
            return builder;
        }

        var configured = (builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? KestrelDefaultUrl)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // http first: its "Now listening on" line comes first, which test harnesses and operators read.
        var urls = configured.Where(url => tls.Http || !IsPlainHttp(url)).Append(tls.Url).Distinct(StringComparer.OrdinalIgnoreCase);
        builder.WebHost.UseUrls([.. urls]);

        builder.Services.AddSingleton(sp => new ServerCertificateStore(tls, sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServerCertificateStore))));
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Resolved here, as Kestrel starts, so a certificate that does not load stops the start.
            var store = k.ApplicationServices.GetRequiredService<ServerCertificateStore>();
            k.ConfigureHttpsDefaults(https => https.ServerCertificateSelector = (_, _) => store.Current);
        });
        return builder;
    }

    private static bool IsPlainHttp(string url) => url.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
}
