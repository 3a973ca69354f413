namespace OrleansRegistry.Cli.Tests;

/// <summary>oreg against CNCF distribution 2.8.2, and between it and our registry.</summary>
[Collection(RegistryCollection.Name)]
public sealed class DistributionTests(RegistryFixture ours, DistributionRegistryFixture distribution)
    : IClassFixture<DistributionRegistryFixture>
{
    [Fact]
    public async Task Push_to_and_pull_from_distribution_keep_every_digest()
    {
        using var temp = new TempDirectory();
        var layout = OciLayoutBuilder.BuildImage(temp.Child("src"), seed: 501);
        var repo = $"{distribution.HostPort}/{Images.UniqueRepo("dist")}";

        (await Oreg.RunAsync("push", $"{layout.Directory}:v1", $"{repo}:v1")).Succeeded();
        var raw = (await Oreg.RunAsync("manifest", "--raw", $"{repo}:v1")).Succeeded();
        Assert.Equal(layout.ReadBlob(layout.ManifestDigest("v1")), raw.Stdout);
        Assert.Contains("v1", (await Oreg.RunAsync("tags", $"{repo}")).Succeeded().StdoutLines);

        (await Oreg.RunAsync("pull", $"{repo}:v1", $"{temp.Child("pulled")}:v1")).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");
    }

    [Fact]
    public async Task Blobs_below_the_monolithic_threshold_but_above_socket_buffers_reach_distribution()
    {
        // distribution 2.8.2 answers POST ?digest= with 202 without reading the body and closes the connection after
        // draining 256 KiB; several such POSTs run at once with the default window before the client learns to send
        // POST + PUT instead. A 5 MiB layer is the case the default test image (3 KB, 150 KB, 20 MiB chunked) misses.
        using var temp = new TempDirectory();
        var builder = new OciLayoutBuilder(temp.Child("src"));
        builder.Tag(builder.AddImage(504, [3_000, 5 << 20, 4 << 20]), "v1");
        builder.Save();
        var repo = $"{distribution.HostPort}/{Images.UniqueRepo("dist-mid")}";

        (await Oreg.RunAsync("push", $"{builder.Layout.Directory}:v1", $"{repo}:v1")).Succeeded();
        (await Oreg.RunAsync("pull", $"{repo}:v1", $"{temp.Child("pulled")}:v1")).Succeeded();
        Images.AssertSameImage(builder.Layout, "v1", new OciLayout(temp.Child("pulled")), "v1");
    }

    [Fact]
    public async Task An_index_goes_through_distribution_unchanged()
    {
        using var temp = new TempDirectory();
        var layout = OciLayoutBuilder.BuildIndex(temp.Child("src"), seed: 502);
        var repo = $"{distribution.HostPort}/{Images.UniqueRepo("dist-index")}";

        (await Oreg.RunAsync("push", $"{layout.Directory}:v1", $"{repo}:v1")).Succeeded();
        (await Oreg.RunAsync("pull", $"{repo}:v1", $"{temp.Child("pulled")}:v1")).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");
    }

    [Fact]
    public async Task Copy_from_our_registry_to_distribution_and_back()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 503);
        var inOurs = $"{ours.Registry.HostPort}/{Images.UniqueRepo("x-ours")}";
        var inDistribution = $"{distribution.HostPort}/{Images.UniqueRepo("x-dist")}";
        var backInOurs = $"{ours.Registry.HostPort}/{Images.UniqueRepo("x-back")}";
        (await Oreg.RunAsync("push", $"{layout.Directory}:v1", $"{inOurs}:v1")).Succeeded();

        (await Oreg.RunAsync("copy", $"{inOurs}:v1", $"{inDistribution}:v1")).Succeeded();
        (await Oreg.RunAsync("copy", $"{inDistribution}:v1", $"{backInOurs}:v1")).Succeeded();

        var expected = layout.ReadBlob(layout.ManifestDigest("v1"));
        Assert.Equal(expected, (await Oreg.RunAsync("manifest", "--raw", $"{inDistribution}:v1")).Succeeded().Stdout);
        Assert.Equal(expected, (await Oreg.RunAsync("manifest", "--raw", $"{backInOurs}:v1")).Succeeded().Stdout);
    }

    [Fact]
    public async Task A_registry_that_asks_for_no_credentials_never_runs_the_credential_helper()
    {
        using var home = new DockerConfigHome();
        using var temp = new TempDirectory();
        var helper = new TestCredentialHelper(home);
        home.WriteConfig($$"""{ "credsStore": "{{helper.Name}}" }""");
        var layout = Images.Small(temp.Child("src"), seed: 505);
        var repo = $"{distribution.HostPort}/{Images.UniqueRepo("dist-nohelper")}";

        (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"{repo}:v1"])).Succeeded();
        Assert.Contains("v1", (await Oreg.RunAsync(home, ["tags", repo])).Succeeded().StdoutLines);
        Assert.Empty(helper.Calls);

        // A login there cannot be checked: it is stored, with a warning that says so.
        var login = (await Oreg.RunAsync(home, ["login", "--username", "u", "--password-stdin", distribution.HostPort], "p")).Succeeded();
        Assert.Contains($"warning: {distribution.HostPort} asked for no credentials", login.Stderr);
        Assert.Equal(["store"], helper.Calls);
    }

    [Fact]
    public async Task Distribution_errors_name_their_code()
    {
        var result = (await Oreg.RunAsync("manifest", $"{distribution.HostPort}/{Images.UniqueRepo("dist-none")}:nope"))
            .Expect(ExitCodes.Failure);
        // distribution answers an unknown repository with NAME_UNKNOWN, a known one without the tag with MANIFEST_UNKNOWN.
        Assert.Matches("^error: (NAME_UNKNOWN|MANIFEST_UNKNOWN): ", result.Stderr);
    }
}
