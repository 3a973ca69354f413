using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansRegistry.Cli.Tests;

/// <summary>Every registry command against our own server (a real process on loopback with its own PostgreSQL database).</summary>
[Collection(RegistryCollection.Name)]
public sealed partial class OurRegistryTests(RegistryFixture fixture)
{
    private string Host => fixture.Registry.HostPort;

    [Fact]
    public async Task Push_then_pull_gives_back_the_same_image_byte_for_byte()
    {
        using var temp = new TempDirectory();
        // The default test image: its 20 MiB layer goes up through PATCH chunks, not one POST.
        var layout = OciLayoutBuilder.BuildImage(temp.Child("src"), seed: 301);
        var repo = $"{Host}/{Images.UniqueRepo("roundtrip")}";

        var push = (await Oreg.RunAsync("push", $"{layout.Directory}:v1", $"{repo}:v1")).Succeeded();
        Assert.Equal($"pushed {repo}:v1 {layout.ManifestDigest("v1")}", push.StdoutLines[^1]);

        var pulled = temp.Child("pulled");
        var pull = (await Oreg.RunAsync("pull", $"{repo}:v1", $"{pulled}:copy")).Succeeded();
        Assert.Equal($"pulled {repo}:v1 {layout.ManifestDigest("v1")} to {pulled}:copy", pull.StdoutLines[^1]);
        Images.AssertSameImage(layout, "v1", new OciLayout(pulled), "copy");
    }

    [Fact]
    public async Task An_image_index_goes_up_and_comes_back_with_every_child()
    {
        using var temp = new TempDirectory();
        var layout = OciLayoutBuilder.BuildIndex(temp.Child("src"), seed: 302);
        var repo = $"{Host}/{Images.UniqueRepo("index")}";

        (await Oreg.RunAsync("--window", "1", "push", $"{layout.Directory}:v1", $"{repo}:multi")).Succeeded();
        (await Oreg.RunAsync("pull", $"{repo}:multi", $"{temp.Child("pulled")}:v1")).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");
    }

    [Fact]
    public async Task Tags_and_catalog_list_what_was_pushed()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 303, tag: "latest");
        var name = Images.UniqueRepo("tags");

        // The layout tag defaults to latest, and the registry tag to the layout tag.
        (await Oreg.RunAsync("push", layout.Directory, $"{Host}/{name}")).Succeeded();
        var second = (await Oreg.RunAsync("push", layout.Directory, $"{Host}/{name}:v2")).Succeeded();
        Assert.Contains(second.StdoutLines, line => line.EndsWith(" exists", StringComparison.Ordinal));

        var tags = (await Oreg.RunAsync("tags", $"{Host}/{name}")).Succeeded();
        Assert.Equal(["latest", "v2"], tags.StdoutLines.Order(StringComparer.Ordinal));

        var catalog = (await Oreg.RunAsync("catalog", Host)).Succeeded();
        Assert.Contains(name, catalog.StdoutLines);
    }

    [Fact]
    public async Task Manifest_raw_prints_the_pushed_bytes_and_the_default_is_the_same_json_indented()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 304);
        var repo = $"{Host}/{Images.UniqueRepo("manifest")}";
        (await Oreg.RunAsync("push", $"{layout.Directory}:v1", $"{repo}:v1")).Succeeded();
        var pushed = layout.ReadBlob(layout.ManifestDigest("v1"));

        var raw = (await Oreg.RunAsync("manifest", "--raw", $"{repo}:v1")).Succeeded();
        Assert.Equal(pushed, raw.Stdout);
        var byDigest = (await Oreg.RunAsync("manifest", $"{repo}@{layout.ManifestDigest("v1")}", "--raw")).Succeeded();
        Assert.Equal(pushed, byDigest.Stdout);

        var pretty = (await Oreg.RunAsync("manifest", $"{repo}:v1")).Succeeded();
        Assert.Contains("\n  \"schemaVersion\": 2", pretty.StdoutText);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(pushed), JsonNode.Parse(pretty.StdoutText)));
    }

    [Fact]
    public async Task An_unknown_tag_exits_1_naming_MANIFEST_UNKNOWN()
    {
        var repo = $"{Host}/{Images.UniqueRepo("unknown")}";
        var result = (await Oreg.RunAsync("manifest", $"{repo}:nope")).Expect(ExitCodes.Failure);
        Assert.StartsWith("error: MANIFEST_UNKNOWN: ", result.Stderr);
        Assert.Empty(result.Stdout);

        using var temp = new TempDirectory();
        var pull = (await Oreg.RunAsync("pull", $"{repo}:nope", temp.Child("pulled"))).Expect(ExitCodes.Failure);
        Assert.Contains("MANIFEST_UNKNOWN", pull.Stderr);
        Assert.False(Directory.Exists(temp.Child("pulled")), "a failed pull into a new directory leaves nothing behind");
    }

    [Fact]
    public async Task Delete_by_tag_and_by_digest()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 305);
        var repo = $"{Host}/{Images.UniqueRepo("delete")}";
        var digest = layout.ManifestDigest("v1");
        (await Oreg.RunAsync("push", $"{layout.Directory}:v1", $"{repo}:v1")).Succeeded();
        (await Oreg.RunAsync("push", $"{layout.Directory}:v1", $"{repo}:v2")).Succeeded();

        var deleteTag = (await Oreg.RunAsync("delete", $"{repo}:v1")).Succeeded();
        Assert.Equal($"deleted {repo}:v1", deleteTag.StdoutLines.Single());
        Assert.Contains("MANIFEST_UNKNOWN", (await Oreg.RunAsync("manifest", $"{repo}:v1")).Expect(ExitCodes.Failure).Stderr);
        (await Oreg.RunAsync("manifest", $"{repo}:v2")).Succeeded();

        (await Oreg.RunAsync("delete", $"{repo}@{digest}")).Succeeded();
        Assert.Contains("MANIFEST_UNKNOWN", (await Oreg.RunAsync("manifest", $"{repo}@{digest}")).Expect(ExitCodes.Failure).Stderr);
        Assert.Contains("MANIFEST_UNKNOWN", (await Oreg.RunAsync("delete", $"{repo}@{digest}")).Expect(ExitCodes.Failure).Stderr);
    }

    [Fact]
    public async Task Copy_between_repositories_of_one_registry_mounts_the_blobs()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 306);
        var from = $"{Host}/{Images.UniqueRepo("copy-from")}";
        var to = $"{Host}/{Images.UniqueRepo("copy-to")}";
        (await Oreg.RunAsync("push", $"{layout.Directory}:v1", $"{from}:v1")).Succeeded();

        var copy = (await Oreg.RunAsync("copy", $"{from}:v1", $"{to}:copied")).Succeeded();
        Assert.Equal($"copied {from}:v1 to {to}:copied {layout.ManifestDigest("v1")}", copy.StdoutLines[^1]);
        // Config and three layers: linked by mount, no byte moved.
        Assert.Equal(4, copy.StdoutLines.Count(line => line.EndsWith(" mounted", StringComparison.Ordinal)));

        var source = (await Oreg.RunAsync("manifest", "--raw", $"{from}:v1")).Succeeded();
        var copied = (await Oreg.RunAsync("manifest", "--raw", $"{to}:copied")).Succeeded();
        Assert.Equal(source.Stdout, copied.Stdout);
        (await Oreg.RunAsync("pull", $"{to}:copied", $"{temp.Child("pulled")}:v1")).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");
    }

    [Fact]
    public async Task Output_that_is_not_a_terminal_is_one_line_per_event()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 307);
        var repo = $"{Host}/{Images.UniqueRepo("plain")}";

        var push = (await Oreg.RunAsync("push", $"{layout.Directory}:v1", $"{repo}:v1")).Succeeded();
        var events = push.StdoutLines.SkipLast(1).ToList();
        Assert.All(events, line => Assert.Matches(EventLine(), line));
        // Manifest, config and three layers: each starts once and finishes once, nothing else is printed.
        var digests = layout.BlobDigests().Select(d => d[..("sha256:".Length + 12)] + "…").ToList();
        Assert.Equal(2 * digests.Count, events.Count);
        foreach (var digest in digests)
        {
            Assert.Single(events, line => line.Contains(digest) && line.EndsWith(" started", StringComparison.Ordinal));
            Assert.Single(events, line => line.Contains(digest) && line.EndsWith(" done", StringComparison.Ordinal));
        }
        Assert.Matches(EventLine(), events.Single(line => line.StartsWith("manifest ", StringComparison.Ordinal) && line.EndsWith(" done", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Quiet_prints_only_the_result_line()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 308);
        var repo = $"{Host}/{Images.UniqueRepo("quiet")}";

        var push = (await Oreg.RunAsync("-q", "push", $"{layout.Directory}:v1", $"{repo}:v1")).Succeeded();
        Assert.Equal([$"pushed {repo}:v1 {layout.ManifestDigest("v1")}"], push.StdoutLines);
        var pull = (await Oreg.RunAsync("pull", "--quiet", $"{repo}:v1", temp.Child("pulled"))).Succeeded();
        Assert.Single(pull.StdoutLines);
    }

    [Fact]
    public async Task Plain_http_is_accepted_explicitly_and_pull_by_digest_stores_the_image_untagged()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 309);
        var repo = $"{Host}/{Images.UniqueRepo("digest")}";
        var digest = layout.ManifestDigest("v1");
        (await Oreg.RunAsync("--plain-http", "push", $"{layout.Directory}:v1", $"{repo}:v1")).Succeeded();

        var pulled = temp.Child("pulled");
        (await Oreg.RunAsync("pull", "--plain-http", $"{repo}@{digest}", pulled)).Succeeded();
        Assert.Equal(layout.BlobDigests(), new OciLayout(pulled).BlobDigests());
        (await Oreg.RunAsync("pull", $"{repo}@{digest}", $"{pulled}:named")).Succeeded();
        Assert.Equal(digest, new OciLayout(pulled).ManifestDigest("named"));
    }

    [Fact]
    public async Task A_push_from_a_directory_that_is_no_layout_exits_1()
    {
        using var temp = new TempDirectory();
        var result = (await Oreg.RunAsync("push", temp.Child("missing"), $"{Host}/{Images.UniqueRepo("nolayout")}:v1")).Expect(ExitCodes.Failure);
        Assert.Contains("is not an OCI image layout", result.Stderr);
        Assert.False(Directory.Exists(temp.Child("missing")));

        var layout = Images.Small(temp.Child("src"), seed: 310);
        var noTag = (await Oreg.RunAsync("push", $"{layout.Directory}:absent", $"{Host}/{Images.UniqueRepo("nolayout")}:v1")).Expect(ExitCodes.Failure);
        Assert.StartsWith("error: ", noTag.Stderr);
        Assert.Contains("absent", noTag.Stderr);
    }

    [Fact]
    public async Task Progress_bars_on_a_terminal_end_with_the_result_line()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 311);
        var repo = $"{Host}/{Images.UniqueRepo("bars")}";
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var exit = await CliApp.RunAsync(["push", $"{layout.Directory}:v1", $"{repo}:v1"],
            new Hosting.CliConsole(Stream.Null, stdout, stderr, outIsTerminal: true), environment: null, cts.Token);

        Assert.True(exit == ExitCodes.Success, stderr.ToString());
        Assert.EndsWith($"pushed {repo}:v1 {layout.ManifestDigest("v1")}", stdout.ToString().TrimEnd());
    }

    [GeneratedRegex(@"^(layer|config|manifest|index) sha256:[0-9a-f]{12}… \d+(\.\d)? (B|KiB|MiB|GiB) (started|done|exists|mounted)$")]
    private static partial Regex EventLine();
}
