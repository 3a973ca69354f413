namespace OrleansRegistry.Core;

/// <summary>How a blob GET's Range header applies to the blob.</summary>
public enum ByteRangeResult
{
    /// <summary>No Range header: serve the whole blob (200).</summary>
    Absent,
    /// <summary>One range that overlaps the blob: serve it (206).</summary>
    Satisfiable,
    /// <summary>A well-formed range wholly outside the blob: 416 with <c>Content-Range: bytes */size</c>.</summary>
    NotSatisfiable,
    /// <summary>Malformed, another unit, or several ranges: a server may ignore Range (RFC 9110, section 14.2), so serve the whole blob.</summary>
    Ignored,
}
