using System.Text;
using System.Text.Json.Nodes;
using static OrleansRegistry.Core.Tests.Manifests.ManifestSamples;

namespace OrleansRegistry.Core.Tests.Manifests;

// spec: "Pushing Manifests"; image-spec "Image Manifest", "Image Index", "Descriptors"
public sealed class ManifestParserTests
{
    private static ParsedManifest Parse(string? contentType, string json) =>
        ManifestParser.Parse(contentType, Encoding.UTF8.GetBytes(json));

    private static RegistryException Refused(string? contentType, string json)
    {
        var e = Assert.Throws<RegistryException>(() => Parse(contentType, json));
        Assert.Same(ErrorCatalog.ManifestInvalid, e.Descriptor);
        return e;
    }

    private static string Edit(string json, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        edit(node);
        return node.ToJsonString();
    }

    // ---- real-world samples ----

    [Fact]
    public void Oci_image_manifest()
    {
        var m = Parse(MediaTypes.OciManifest, OciImage);
        Assert.Equal(MediaTypes.OciManifest, m.MediaType);
        Assert.Equal(MediaTypes.OciConfig, m.Config!.MediaType);
        Assert.Equal("sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7", m.Config.Digest.ToString());
        Assert.Equal(7023, m.Config.Size);
        Assert.Equal([32654L, 16724L, 73109L], m.Layers.Select(l => l.Size));
        Assert.All(m.Layers, l => Assert.Equal("application/vnd.oci.image.layer.v1.tar+gzip", l.MediaType));
        Assert.Empty(m.Manifests);
        Assert.Null(m.Subject);
        Assert.Null(m.ArtifactType);
        Assert.Equal("value2", m.Annotations!["com.example.key2"]);
        Assert.False(m.IsIndex);
        Assert.Equal([m.Config, .. m.Layers], m.ReferencedBlobs);
    }

    [Fact]
    public void Oci_index_with_platforms()
    {
        var m = Parse(MediaTypes.OciIndex, OciIndex);
        Assert.Equal(MediaTypes.OciIndex, m.MediaType);
        Assert.True(m.IsIndex);
        Assert.Null(m.Config);
        Assert.Empty(m.Layers);
        Assert.Empty(m.ReferencedBlobs);
        Assert.Equal(2, m.Manifests.Count);
        Assert.Equal("sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270", m.Manifests[1].Digest.ToString());
        Assert.Equal("attestation-manifest", m.Manifests[1].Annotations!["vnd.docker.reference.type"]);
        Assert.Null(m.EffectiveArtifactType); // spec "Listing Referrers": an index without artifactType has none
    }

    [Fact]
    public void Docker_schema2_manifest()
    {
        var m = Parse(MediaTypes.DockerManifest, DockerImage);
        Assert.Equal(MediaTypes.DockerManifest, m.MediaType);
        Assert.Equal(MediaTypes.DockerConfig, m.Config!.MediaType);
        Assert.Equal(3370628, Assert.Single(m.Layers).Size);
        Assert.Equal(2, m.ReferencedBlobs.Count());
    }

    [Fact]
    public void Docker_manifest_list()
    {
        var m = Parse(MediaTypes.DockerManifestList, DockerList);
        Assert.Equal(MediaTypes.DockerManifestList, m.MediaType);
        Assert.True(m.IsIndex);
        Assert.All(m.Manifests, c => Assert.Equal(MediaTypes.DockerManifest, c.MediaType));
    }

    [Fact]
    public void Artifact_with_artifactType_subject_and_empty_config()
    {
        var m = Parse(MediaTypes.OciManifest, Artifact);
        Assert.Equal("application/vnd.example.sbom.v1", m.ArtifactType);
        Assert.Equal("application/vnd.example.sbom.v1", m.EffectiveArtifactType);
        Assert.Equal(MediaTypes.OciEmptyJson, m.Config!.MediaType);
        Assert.Equal(EmptyJsonDigest, m.Config.Digest.ToString());
        Assert.Equal(2, m.Config.Size);
        Assert.Equal("sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270", m.Subject!.Digest.ToString());
        Assert.Equal(MediaTypes.OciManifest, m.Subject.MediaType);
        Assert.Equal("sbom.spdx.json", Assert.Single(m.Layers).Annotations!["org.opencontainers.image.title"]);
        Assert.Equal(0, m.Layers[0].Size);
    }

    [Fact]
    public void Helm_chart_without_mediaType_field_takes_the_content_type()
    {
        var m = Parse(MediaTypes.OciManifest, HelmChart);
        Assert.Equal(MediaTypes.OciManifest, m.MediaType);
        // spec "Listing Referrers": an image manifest without artifactType reports config.mediaType
        Assert.Null(m.ArtifactType);
        Assert.Equal("application/vnd.cncf.helm.config.v1+json", m.EffectiveArtifactType);
    }

    [Fact]
    public void Empty_artifactType_is_treated_as_missing_by_the_referrers_rule()
    {
        var m = Parse(MediaTypes.OciManifest, Edit(OciImage, o => o["artifactType"] = ""));
        Assert.Equal(MediaTypes.OciConfig, m.EffectiveArtifactType);
    }

    [Fact]
    public void Index_artifactType_and_subject_are_read()
    {
        var json = Edit(OciIndex, o =>
        {
            o["artifactType"] = "application/vnd.example.bundle";
            o["subject"] = JsonNode.Parse("""{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":10}""");
        });
        var m = Parse(MediaTypes.OciIndex, json);
        Assert.Equal("application/vnd.example.bundle", m.EffectiveArtifactType);
        Assert.Equal(10, m.Subject!.Size);
    }

    // ---- how the media type is decided ----

    [Theory]
    [InlineData("application/vnd.oci.image.manifest.v1+json; charset=utf-8")]
    [InlineData("APPLICATION/VND.OCI.IMAGE.MANIFEST.V1+JSON")]
    [InlineData("application/json")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    [InlineData("")]
    public void Content_type_parameters_case_and_generic_types_fall_back_to_the_field(string? contentType) =>
        Assert.Equal(MediaTypes.OciManifest, Parse(contentType, OciImage).MediaType);

    [Fact]
    public void With_no_type_anywhere_manifests_means_an_OCI_index()
    {
        var json = Edit(OciIndex, o => o.Remove("mediaType"));
        Assert.Equal(MediaTypes.OciIndex, Parse(null, json).MediaType);
        Assert.Equal(MediaTypes.OciIndex, Parse("application/json", json).MediaType);
    }

    [Fact]
    public void With_no_type_anywhere_config_means_an_OCI_image_manifest() =>
        Assert.Equal(MediaTypes.OciManifest, Parse("application/octet-stream", HelmChart).MediaType);

    [Fact]
    public void A_mediaType_field_that_disagrees_with_the_content_type_is_refused()
    {
        var e = Refused(MediaTypes.DockerManifest, OciImage);
        Assert.Contains("does not match Content-Type", e.Message);
    }

    [Fact]
    public void A_docker_manifest_sent_as_an_index_is_refused() => Refused(MediaTypes.OciIndex, DockerImage);

    [Theory]
    [InlineData("text/plain")]
    [InlineData(MediaTypes.OciConfig)]
    [InlineData("application/vnd.oci.artifact.manifest.v1+json")] // dropped from the 1.1 specs
    public void A_content_type_that_is_no_manifest_type_is_refused(string contentType)
    {
        Refused(contentType, HelmChart);   // no field to tell
        Refused(contentType, OciImage);    // field disagrees
    }

    [Fact]
    public void A_generic_content_type_with_an_unknown_mediaType_field_is_refused() =>
        Refused("application/json", Edit(OciImage, o => o["mediaType"] = "application/vnd.example+json"));

    [Fact]
    public void With_no_type_anywhere_and_no_shape_to_infer_from_it_is_refused() =>
        Refused(null, """{"schemaVersion":2,"layers":[]}""");

    // Schema1 is accepted only signed (tests in Schema1/); unsigned it is MANIFEST_UNVERIFIED, whichever way it is
    // recognised: by Content-Type, by mediaType field, or by schemaVersion 1 under a Content-Type that tells nothing.
    [Theory]
    [InlineData(MediaTypes.DockerSchema1Signed)]
    [InlineData(MediaTypes.DockerSchema1)]
    public void Unsigned_schema1_is_unverified_by_content_type(string contentType)
    {
        var e = Assert.Throws<RegistryException>(() =>
            Parse(contentType, """{"schemaVersion":1,"name":"library/x","tag":"latest","fsLayers":[],"history":[]}"""));
        Assert.Same(ErrorCatalog.ManifestUnverified, e.Descriptor);
    }

    [Fact]
    public void Unsigned_schema1_is_unverified_by_field_and_by_schemaVersion()
    {
        Assert.Same(ErrorCatalog.ManifestUnverified, Assert.Throws<RegistryException>(() =>
            Parse(null, Edit(DockerImage, o => o["mediaType"] = MediaTypes.DockerSchema1))).Descriptor);
        Assert.Same(ErrorCatalog.ManifestUnverified, Assert.Throws<RegistryException>(() =>
            Parse("application/json", """{"schemaVersion":1,"name":"library/x","fsLayers":[]}""")).Descriptor);
    }

    [Fact]
    public void SchemaVersion_1_under_a_schema2_content_type_is_invalid() =>
        Assert.Contains("schema1", Refused(MediaTypes.DockerManifest, Edit(DockerImage, o => o["schemaVersion"] = 1)).Message);

    // ---- document-level rejections ----

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("{\"schemaVersion\":2,}")]            // trailing comma
    [InlineData("{\"schemaVersion\":2} {}")]          // trailing content
    [InlineData("/* c */ {\"schemaVersion\":2}")]     // comments
    public void Invalid_json_is_refused(string body) =>
        Assert.Contains("not valid JSON", Refused(MediaTypes.OciManifest, body).Message);

    [Theory]
    [InlineData("[]")]
    [InlineData("2")]
    [InlineData("\"manifest\"")]
    [InlineData("null")]
    public void A_body_that_is_not_an_object_is_refused(string body) => Refused(MediaTypes.OciManifest, body);

    [Fact]
    public void Duplicate_keys_are_refused_so_no_two_readers_see_different_layers()
    {
        var json = OciImage.Replace("\"layers\": [", "\"layers\": [], \"layers\": [");
        Assert.Contains("not valid JSON", Refused(MediaTypes.OciManifest, json).Message);
    }

    [Theory]
    [InlineData(null, "schemaVersion is missing")]
    [InlineData(3, "schemaVersion 3 is not supported")]
    [InlineData(0, "schemaVersion 0 is not supported")]
    public void SchemaVersion_must_be_2(int? version, string message)
    {
        var json = Edit(OciImage, o =>
        {
            if (version is null) o.Remove("schemaVersion"); else o["schemaVersion"] = version;
        });
        Assert.StartsWith(message, Refused(MediaTypes.OciManifest, json).Message);
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("2.5")]
    [InlineData("true")]
    public void SchemaVersion_must_be_a_number(string raw) =>
        Refused(MediaTypes.OciManifest, OciImage.Replace("\"schemaVersion\": 2", $"\"schemaVersion\": {raw}"));

    [Fact]
    public void A_manifest_over_4_MiB_is_MANIFEST_TOO_LARGE()
    {
        var body = new byte[ManifestParser.MaxManifestBytes + 1];
        var e = Assert.Throws<RegistryException>(() => ManifestParser.Parse(MediaTypes.OciManifest, body));
        Assert.Same(ErrorCatalog.ManifestTooLarge, e.Descriptor);
        Assert.Equal(413, e.Descriptor.HttpStatus);
    }

    [Fact]
    public void A_manifest_of_exactly_4_MiB_is_accepted()
    {
        // spec "Pushing Manifests": registries SHOULD accept manifests of at least 4 megabytes
        var annotation = new string('x', ManifestParser.MaxManifestBytes);
        var json = Edit(OciImage, o => o["annotations"] = new JsonObject { ["pad"] = "" });
        var padding = ManifestParser.MaxManifestBytes - Encoding.UTF8.GetByteCount(json);
        json = json.Replace("\"pad\":\"\"", $"\"pad\":\"{annotation[..padding]}\"");
        Assert.Equal(ManifestParser.MaxManifestBytes, Encoding.UTF8.GetByteCount(json));
        Assert.Equal(padding, Parse(MediaTypes.OciManifest, json).Annotations!["pad"].Length);
    }

    [Fact] // Registry:Limits:Manifest: a registry may set its own size limit
    public void The_size_limit_is_the_one_given()
    {
        var body = Encoding.UTF8.GetBytes(OciImage);
        var limits = new ManifestLimits { MaxBytes = body.Length - 1 };
        var e = Assert.Throws<RegistryException>(() => ManifestParser.Parse(MediaTypes.OciManifest, body, limits));
        Assert.Same(ErrorCatalog.ManifestTooLarge, e.Descriptor);
        Assert.NotNull(ManifestParser.Parse(MediaTypes.OciManifest, body, new ManifestLimits { MaxBytes = body.Length }));
    }

    [Fact] // nesting beyond the depth limit is MANIFEST_INVALID, as malformed JSON is; the default is 64
    public void Nesting_beyond_the_depth_limit_is_MANIFEST_INVALID()
    {
        // The root object is level 1; an unknown field carries the nesting.
        static string Nested(int arrays) => OciImage.TrimEnd()[..^1] + ",\"x\":" + new string('[', arrays) + new string(']', arrays) + "}";
        var limits = new ManifestLimits { MaxDepth = 8 };
        Assert.NotNull(ManifestParser.Parse(MediaTypes.OciManifest, Encoding.UTF8.GetBytes(Nested(7)), limits));
        var e = Assert.Throws<RegistryException>(() => ManifestParser.Parse(MediaTypes.OciManifest, Encoding.UTF8.GetBytes(Nested(8)), limits));
        Assert.Same(ErrorCatalog.ManifestInvalid, e.Descriptor);
        Refused(MediaTypes.OciManifest, Nested(ManifestLimits.DefaultMaxDepth));
        Assert.NotNull(Parse(MediaTypes.OciManifest, Nested(ManifestLimits.DefaultMaxDepth - 1)));
    }

    // ---- image manifest structure ----

    [Fact]
    public void Missing_config_is_refused() =>
        Assert.Equal("\"config\" is missing", Refused(MediaTypes.OciManifest, Edit(OciImage, o => o.Remove("config"))).Message);

    [Fact]
    public void Missing_layers_is_refused() =>
        Assert.Equal("\"layers\" is missing", Refused(MediaTypes.OciManifest, Edit(OciImage, o => o.Remove("layers"))).Message);

    [Fact]
    public void Null_layers_is_refused() =>
        Refused(MediaTypes.OciManifest, Edit(OciImage, o => o["layers"] = null));

    [Fact]
    public void Layers_that_are_not_an_array_are_refused() =>
        Refused(MediaTypes.OciManifest, Edit(OciImage, o => o["layers"] = new JsonObject()));

    [Fact]
    public void Config_that_is_not_an_object_is_refused() =>
        Refused(MediaTypes.OciManifest, Edit(OciImage, o => o["config"] = "sha256:abc"));

    [Fact]
    public void Empty_layers_are_allowed()
    {
        // image-spec "Image Manifest": layers is REQUIRED and SHOULD (not MUST) have at least one entry
        var m = Parse(MediaTypes.OciManifest, Edit(Artifact, o => o["layers"] = new JsonArray()));
        Assert.Empty(m.Layers);
        Assert.Single(m.ReferencedBlobs);
    }

    [Fact]
    public void An_image_manifest_carrying_manifests_is_refused_as_ambiguous() =>
        Refused(MediaTypes.OciManifest, Edit(OciImage, o => o["manifests"] = new JsonArray()));

    [Theory]
    [InlineData("config")]
    [InlineData("layers")]
    public void An_index_carrying_image_fields_is_refused_as_ambiguous(string field) =>
        Refused(MediaTypes.OciIndex, Edit(OciIndex, o => o[field] = new JsonArray()));

    [Fact]
    public void An_index_without_manifests_is_refused() =>
        Assert.Equal("\"manifests\" is missing", Refused(MediaTypes.OciIndex, Edit(OciIndex, o => o.Remove("manifests"))).Message);

    [Fact]
    public void Unknown_fields_urls_and_nulls_for_optional_fields_are_allowed()
    {
        var json = Edit(OciImage, o =>
        {
            o["x-unknown"] = new JsonObject { ["nested"] = new JsonArray(1, 2) };
            o["annotations"] = null;
            o["subject"] = null;
            o["artifactType"] = null;
            o["layers"]![0]!["urls"] = new JsonArray("https://example.com/layer");
            o["layers"]![0]!["x-extra"] = 1;
        });
        var m = Parse(MediaTypes.OciManifest, json);
        Assert.Null(m.Annotations);
        Assert.Null(m.Subject);
        Assert.Equal(3, m.Layers.Count);
    }

    // ---- descriptors ----

    public static TheoryData<string, string, string> BadDescriptors => new()
    {
        // field, raw JSON value (or "<remove>"), expected message fragment
        { "mediaType", "<remove>", "layers[1].mediaType is missing" },
        { "mediaType", "\"\"", "layers[1].mediaType is missing" },
        { "mediaType", "7", "layers[1].mediaType must be a string" },
        { "mediaType", "\"tar\"", "is not a media type" },
        { "mediaType", "\"application/\"", "is not a media type" },
        { "mediaType", "\"application/x y\"", "is not a media type" },
        { "digest", "<remove>", "layers[1].digest is missing" },
        { "digest", "\"sha256\"", "is not a valid sha256 or sha512 digest" },
        { "digest", "\"sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\"", "is not a valid sha256" },
        { "digest", "\"sha384:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"", "is not a valid sha256" },
        { "digest", "\"sha256:e3b0c4\"", "is not a valid sha256" },
        { "size", "<remove>", "layers[1].size is missing" },
        { "size", "-1", "layers[1].size must be a non-negative integer" },
        { "size", "1.5", "layers[1].size must be a non-negative integer" },
        { "size", "\"10\"", "layers[1].size must be a non-negative integer" },
        { "size", "1e400", "layers[1].size must be a non-negative integer" },
        { "annotations", "[]", "layers[1].annotations must be an object of strings" },
        { "annotations", "{\"k\":1}", "layers[1].annotations[\"k\"] must be a string" },
        { "artifactType", "{}", "layers[1].artifactType must be a string" },
    };

    [Theory]
    [MemberData(nameof(BadDescriptors))]
    public void A_bad_layer_descriptor_is_refused(string field, string raw, string message)
    {
        var json = Edit(OciImage, o =>
        {
            var layer = o["layers"]![1]!.AsObject();
            if (raw == "<remove>") layer.Remove(field); else layer[field] = JsonNode.Parse(raw);
        });
        Assert.Contains(message, Refused(MediaTypes.OciManifest, json).Message);
    }

    [Fact]
    public void A_layer_that_is_not_an_object_is_refused() =>
        Assert.Contains("layers[0] must be a descriptor object",
            Refused(MediaTypes.OciManifest, Edit(OciImage, o => o["layers"]![0] = "x")).Message);

    [Fact]
    public void A_bad_config_descriptor_is_refused() =>
        Assert.Contains("config.digest",
            Refused(MediaTypes.OciManifest, Edit(OciImage, o => o["config"]!["digest"] = "md5:abc")).Message);

    [Fact]
    public void A_bad_subject_descriptor_is_refused() =>
        Assert.Contains("subject.size",
            Refused(MediaTypes.OciManifest, Edit(Artifact, o => o["subject"]!["size"] = -5)).Message);

    [Fact]
    public void A_bad_index_child_is_refused() =>
        Assert.Contains("manifests[0].digest",
            Refused(MediaTypes.OciIndex, Edit(OciIndex, o => o["manifests"]![0]!["digest"] = "nope")).Message);

    [Theory]
    [InlineData("[]", "annotations must be an object of strings")]
    [InlineData("{\"a\":{\"b\":\"c\"}}", "annotations[\"a\"] must be a string")]
    [InlineData("{\"a\":null}", "annotations[\"a\"] must be a string")]
    public void Manifest_annotations_are_string_to_string(string raw, string message) =>
        Assert.Contains(message, Refused(MediaTypes.OciManifest, Edit(OciImage, o => o["annotations"] = JsonNode.Parse(raw))).Message);

    [Fact]
    public void Index_children_with_unknown_media_types_are_allowed()
    {
        // image-spec "Image Index": implementations MUST NOT error on an unknown mediaType of a child
        var m = Parse(MediaTypes.OciIndex, Edit(OciIndex, o => o["manifests"]![0]!["mediaType"] = "application/vnd.example.thing.v1+json"));
        Assert.Equal("application/vnd.example.thing.v1+json", m.Manifests[0].MediaType);
    }

    [Fact]
    public void Sha512_descriptors_are_accepted()
    {
        var sha512 = Digest.Compute("x"u8, "sha512").ToString();
        var m = Parse(MediaTypes.OciManifest, Edit(OciImage, o => o["layers"]![0]!["digest"] = sha512));
        Assert.Equal(sha512, m.Layers[0].Digest.ToString());
    }
}
