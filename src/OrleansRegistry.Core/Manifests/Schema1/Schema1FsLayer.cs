namespace OrleansRegistry.Core.Schema1;

/// <summary>One <c>fsLayers</c> entry of a schema1 manifest: the digest of a layer blob (distribution schema1 <c>FSLayer</c>).</summary>
public sealed record Schema1FsLayer(Digest BlobSum);
