namespace OrleansRegistry.Grains;

/// <summary>The name of the grain-state provider every registry grain persists through (ADO.NET on PostgreSQL).</summary>
public static class RegistryStorage
{
    public const string Name = "registry";
}
