using System.Text;

namespace OrleansRegistry.Cli.Tests;

/// <summary>Cancellation (what Ctrl-C and SIGTERM trigger) stops a transfer cleanly with exit code 130.</summary>
[Collection(RegistryCollection.Name)]
public sealed class CancellationTests(RegistryFixture fixture)
{
    [Fact]
    public async Task Cancelling_a_push_after_its_first_layer_exits_130_and_leaves_no_tag()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 401);
        var repo = $"{fixture.Registry.HostPort}/{Images.UniqueRepo("cancel")}";
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // Cancel from inside the first "done" line's write: synchronously, while the other blobs wait their turn
        // (window 1) and before the manifest is put, so the outcome does not depend on timing.
        var stdout = new CancelOnText(" done\n", cts);

        var result = await Oreg.RunAsync(["--window", "1", "push", $"{layout.Directory}:v1", $"{repo}:v1"], stdout, cts.Token);

        result.Expect(ExitCodes.Cancelled);
        Assert.Equal("cancelled\n", result.Stderr.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("pushed", result.StdoutText);
        Assert.Contains("MANIFEST_UNKNOWN", (await Oreg.RunAsync("manifest", $"{repo}:v1")).Expect(ExitCodes.Failure).Stderr);
    }

    /// <summary>A stdout that cancels <paramref name="cts"/> once the text written so far contains <paramref name="marker"/>.</summary>
    private sealed class CancelOnText(string marker, CancellationTokenSource cts) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            base.Write(buffer, offset, count);
            if (Encoding.UTF8.GetString(ToArray()).Contains(marker, StringComparison.Ordinal))
                cts.Cancel();
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            base.Write(buffer);
            if (Encoding.UTF8.GetString(ToArray()).Contains(marker, StringComparison.Ordinal))
                cts.Cancel();
        }
    }
}
