namespace OrleansRegistry.Core.Tests.Errors;

// spec: "Error Codes"
public sealed class ErrorCatalogTests
{
    [Fact]
    public void Codes_are_unique() =>
        Assert.Equal(ErrorCatalog.All.Count, ErrorCatalog.All.Select(d => d.Code).Distinct(StringComparer.Ordinal).Count());

    [Fact]
    public void Codes_are_uppercase_letters_and_underscores()
    {
        // spec: "The code field MUST be a unique identifier, containing only uppercase alphabetic characters and underscores."
        Assert.All(ErrorCatalog.All, d => Assert.Matches("^[A-Z_]+$", d.Code));
    }

    [Fact]
    public void Every_status_is_an_error_status() =>
        Assert.All(ErrorCatalog.All, d => Assert.InRange(d.HttpStatus, 400, 599));

    [Fact]
    public void Every_descriptor_has_a_message_and_a_description()
    {
        Assert.All(ErrorCatalog.All, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Message));
            Assert.False(string.IsNullOrWhiteSpace(d.Description));
        });
    }

    [Fact]
    public void All_lists_every_public_field_once()
    {
        var fields = typeof(ErrorCatalog).GetFields()
            .Where(f => f.FieldType == typeof(ErrorDescriptor))
            .Select(f => (ErrorDescriptor)f.GetValue(null)!)
            .ToList();
        Assert.Equal(fields.Count, ErrorCatalog.All.Count);
        Assert.All(fields, f => Assert.Contains(f, ErrorCatalog.All));
    }

    [Theory]
    // the fourteen codes of the spec's table, with its messages
    [InlineData("BLOB_UNKNOWN", "blob unknown to registry", 404)]
    [InlineData("BLOB_UPLOAD_INVALID", "blob upload invalid", 400)]
    [InlineData("BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", 404)]
    [InlineData("DIGEST_INVALID", "provided digest did not match uploaded content", 400)]
    [InlineData("MANIFEST_BLOB_UNKNOWN", "manifest references a manifest or blob unknown to registry", 400)]
    [InlineData("MANIFEST_INVALID", "manifest invalid", 400)]
    [InlineData("MANIFEST_UNKNOWN", "manifest unknown to registry", 404)]
    [InlineData("NAME_INVALID", "invalid repository name", 400)]
    [InlineData("NAME_UNKNOWN", "repository name not known to registry", 404)]
    [InlineData("SIZE_INVALID", "provided length did not match content length", 400)]
    [InlineData("UNAUTHORIZED", "authentication required", 401)]
    [InlineData("DENIED", "requested access to the resource is denied", 403)]
    [InlineData("UNSUPPORTED", "the operation is unsupported", 405)]
    [InlineData("TOOMANYREQUESTS", "too many requests", 429)]
    // distribution's additions and ours
    [InlineData("MANIFEST_UNVERIFIED", "manifest failed signature verification", 400)]
    [InlineData("TAG_INVALID", "manifest tag did not match URI", 400)]
    [InlineData("UNKNOWN", "unknown error", 500)]
    [InlineData("UNAVAILABLE", "service unavailable", 503)]
    [InlineData("RANGE_INVALID", "invalid content range", 416)]
    [InlineData("RANGE_NOT_SATISFIABLE", "requested range not satisfiable", 416)]
    [InlineData("PAGINATION_NUMBER_INVALID", "invalid number of results requested", 400)]
    [InlineData("MANIFEST_TOO_LARGE", "manifest too large", 413)]
    public void Find_returns_the_catalog_entry(string code, string message, int status)
    {
        var d = ErrorCatalog.Find(code);
        Assert.NotNull(d);
        Assert.Equal(code, d.Code);
        Assert.Equal(message, d.Message);
        Assert.Equal(status, d.HttpStatus);
    }

    [Theory]
    [InlineData("blob_unknown")]   // codes are case-sensitive
    [InlineData("NOPE")]
    [InlineData("")]
    public void Find_returns_null_for_unknown_codes(string code) => Assert.Null(ErrorCatalog.Find(code));

    [Fact]
    public void Find_returns_the_same_instance_as_the_field() =>
        Assert.Same(ErrorCatalog.ManifestBlobUnknown, ErrorCatalog.Find("MANIFEST_BLOB_UNKNOWN"));

    [Fact]
    public void The_manifest_size_limit_description_cites_the_spec() =>
        Assert.Contains("SHOULD", ErrorCatalog.ManifestTooLarge.Description);

    [Fact]
    public void RenderMarkdown_has_one_table_row_per_descriptor_in_catalog_order()
    {
        var rows = ErrorCatalog.RenderMarkdown().Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        Assert.Equal(ErrorCatalog.All.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var d = ErrorCatalog.All[i];
            Assert.StartsWith($"| `{d.Code}` | {d.HttpStatus} | {d.Message} | ", rows[i]);
        }
    }
}
