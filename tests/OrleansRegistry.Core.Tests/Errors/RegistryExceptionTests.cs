using System.Text.Json;

namespace OrleansRegistry.Core.Tests.Errors;

public sealed class RegistryExceptionTests
{
    [Fact]
    public void Message_defaults_to_the_descriptor_message()
    {
        var e = new RegistryException(ErrorCatalog.BlobUnknown);
        Assert.Equal("blob unknown to registry", e.Message);
        Assert.Null(e.Detail);
        Assert.Equal(new RegistryError("BLOB_UNKNOWN", "blob unknown to registry", null), e.ToError());
    }

    [Fact]
    public void A_given_message_and_detail_object_are_carried_into_the_error()
    {
        var e = new RegistryException(ErrorCatalog.SizeInvalid, "expected 10 bytes, got 9", new { expected = 10, actual = 9 });
        var error = e.ToError();
        Assert.Equal("SIZE_INVALID", error.Code);
        Assert.Equal("expected 10 bytes, got 9", error.Message);
        Assert.Equal("""{"expected":10,"actual":9}""", error.Detail!.Value.GetRawText());
    }

    [Fact]
    public void A_string_detail_serializes_as_a_json_string()
    {
        var e = new RegistryException(ErrorCatalog.NameUnknown, detail: "library/x");
        Assert.Equal(JsonValueKind.String, e.Detail!.Value.ValueKind);
        Assert.Equal("library/x", e.Detail.Value.GetString());
    }

    [Fact]
    public void A_JsonElement_detail_is_kept_as_is()
    {
        using var document = JsonDocument.Parse("""{"digest":"sha256:1"}""");
        var e = new RegistryException(ErrorCatalog.DigestInvalid, detail: document.RootElement);
        document.Dispose(); // the exception must not depend on the caller's document
        Assert.Equal("sha256:1", e.Detail!.Value.GetProperty("digest").GetString());
    }

    [Fact]
    public void ToError_serializes_into_the_spec_body() =>
        Assert.Equal("""{"errors":[{"code":"NAME_INVALID","message":"invalid repository name","detail":{"name":"A"}}]}""",
            System.Text.Encoding.UTF8.GetString(ErrorResponse.From(
                new RegistryException(ErrorCatalog.NameInvalid, detail: new { name = "A" }).ToError()).ToJsonUtf8()));
}
