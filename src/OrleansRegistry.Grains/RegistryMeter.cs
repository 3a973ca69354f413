using System.Diagnostics.Metrics;

namespace OrleansRegistry.Grains;

/// <summary>
/// The registry's own meter, exported on /metrics beside ASP.NET Core's and Orleans' meters. The request and upload
/// instruments (Server) and the collection instruments (Grains) all live on it; the meter factory hands every caller
/// the same meter for the name.
/// </summary>
public static class RegistryMeter
{
    public const string Name = "OrleansRegistry";

    public static Meter Create(IMeterFactory meters) => meters.Create(Name);
}
