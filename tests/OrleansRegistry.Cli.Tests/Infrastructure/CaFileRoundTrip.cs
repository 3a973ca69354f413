namespace OrleansRegistry.Cli.Tests.Infrastructure;

/// <summary>
/// oreg push, pull and tags with <c>--ca-file</c> against an HTTPS registry: the image comes back the same and no
/// warning is printed. Shared by the TLS tests against distribution and against our own server.
/// </summary>
public static class CaFileRoundTrip
{
    /// <summary>Runs the round trip; returns the repository (without the host) it pushed to, under tag <c>v1</c>.</summary>
    public static async Task<string> RunAsync(string hostPort, string caFile, int seed, string repoPrefix)
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed);
        var name = Images.UniqueRepo(repoPrefix);
        var repo = $"{hostPort}/{name}";
        string[] ca = ["--ca-file", caFile];

        var push = (await Oreg.RunAsync([.. ca, "push", $"{layout.Directory}:v1", $"{repo}:v1"])).Succeeded();
        Assert.DoesNotContain("warning", push.Stderr);
        (await Oreg.RunAsync([.. ca, "pull", $"{repo}:v1", $"{temp.Child("pulled")}:v1"])).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");
        Assert.Contains("v1", (await Oreg.RunAsync([.. ca, "tags", repo])).Succeeded().StdoutLines);
        return name;
    }
}
