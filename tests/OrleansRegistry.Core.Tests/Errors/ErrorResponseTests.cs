using System.Text;
using System.Text.Json;

namespace OrleansRegistry.Core.Tests.Errors;

// spec: "Error Codes" — {"errors":[{"code":..,"message":..,"detail":..}]}
public sealed class ErrorResponseTests
{
    private static JsonElement Json(string raw) => JsonDocument.Parse(raw).RootElement.Clone();

    [Fact]
    public void Serializes_exactly_the_spec_shape_and_omits_null_detail()
    {
        var body = ErrorResponse.From(
            new RegistryError("BLOB_UNKNOWN", "blob unknown to registry", Json("""{"digest":"sha256:abc"}""")),
            new RegistryError("NAME_INVALID", "invalid repository name", null)).ToJsonUtf8();
        Assert.Equal(
            """{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry","detail":{"digest":"sha256:abc"}},{"code":"NAME_INVALID","message":"invalid repository name"}]}""",
            Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void Serialize_then_parse_gives_an_equal_response()
    {
        var original = ErrorResponse.From(
            new RegistryError("DIGEST_INVALID", "provided digest did not match uploaded content", Json("""{"digest":"sha256:1","n":[1,2,{"x":null}]}""")),
            new RegistryError("UNKNOWN", "", Json("\"text\"")),
            new RegistryError("DENIED", "no", null));
        Assert.True(ErrorResponse.TryParse(original.ToJsonUtf8(), out var parsed));
        Assert.Equal(original, parsed);
    }

    [Fact]
    public void Parse_then_serialize_a_hand_written_body_with_string_and_object_details()
    {
        var handWritten = """
            {
              "errors": [
                { "code": "MANIFEST_UNKNOWN", "message": "manifest unknown", "detail": "tag latest" },
                { "code": "MANIFEST_BLOB_UNKNOWN", "message": "blob unknown to registry",
                  "detail": { "digest": "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "size": 0 } }
              ]
            }
            """;
        Assert.True(ErrorResponse.TryParse(Encoding.UTF8.GetBytes(handWritten), out var parsed));
        Assert.Equal("tag latest", parsed!.Errors[0].Detail!.Value.GetString());
        Assert.Equal(0, parsed.Errors[1].Detail!.Value.GetProperty("size").GetInt32());
        Assert.Same(ErrorCatalog.ManifestBlobUnknown, parsed.Errors[1].Descriptor);

        var compact = JsonSerializer.Serialize(JsonDocument.Parse(handWritten).RootElement);
        Assert.Equal(compact, Encoding.UTF8.GetString(parsed.ToJsonUtf8()));
    }

    [Fact]
    public void Parse_is_tolerant_of_unknown_fields_and_missing_message_or_detail()
    {
        var body = """{"errors":[{"code":"UNSUPPORTED","extra":1},{"code":"DENIED","message":"x","detail":null}],"trace":"abc"}"""u8;
        Assert.True(ErrorResponse.TryParse(body, out var parsed));
        Assert.Equal(new RegistryError("UNSUPPORTED", "", null), parsed!.Errors[0]);
        Assert.Equal(new RegistryError("DENIED", "x", null), parsed.Errors[1]);
    }

    [Fact]
    public void Parse_keeps_codes_it_does_not_know()
    {
        Assert.True(ErrorResponse.TryParse("""{"errors":[{"code":"QUOTA_EXCEEDED","message":"q"}]}"""u8, out var parsed));
        Assert.Equal("QUOTA_EXCEEDED", parsed!.Errors[0].Code);
        Assert.Null(parsed.Errors[0].Descriptor);
    }

    [Fact]
    public void Parse_accepts_an_empty_errors_list()
    {
        Assert.True(ErrorResponse.TryParse("""{"errors":[]}"""u8, out var parsed));
        Assert.Empty(parsed!.Errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"errors\":{}}")]
    [InlineData("{\"errors\":[1]}")]
    [InlineData("{\"errors\":[{\"message\":\"no code\"}]}")]
    [InlineData("{\"errors\":[{\"code\":5}]}")]
    [InlineData("{\"errors\":[]} trailing")]
    public void Parse_refuses_bodies_that_are_not_error_bodies(string body)
    {
        Assert.False(ErrorResponse.TryParse(Encoding.UTF8.GetBytes(body), out var parsed));
        Assert.Null(parsed);
    }

    [Fact]
    public void Responses_with_different_details_are_not_equal()
    {
        var a = ErrorResponse.From(new RegistryError("UNKNOWN", "m", Json("{\"a\":1}")));
        var b = ErrorResponse.From(new RegistryError("UNKNOWN", "m", Json("{\"a\":2}")));
        var c = ErrorResponse.From(new RegistryError("UNKNOWN", "m", null));
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
    }
}
