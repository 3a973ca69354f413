namespace OrleansRegistry.Core.Schema1;

/// <summary>One <c>history</c> entry of a schema1 manifest: the layer's v1 image JSON, kept as an opaque string.</summary>
public sealed record Schema1History(string V1Compatibility);
