using OrleansRegistry.Cli.Output;
using OrleansRegistry.Client.Images;
using OrleansRegistry.Core;

namespace OrleansRegistry.Cli.Tests;

public sealed class OutputFormatTests
{
    private static readonly Digest Layer = new("sha256", "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(12_897_485, "12.3 MiB")]
    [InlineData(3L << 30, "3.0 GiB")]
    public void Sizes_read_in_binary_units(long bytes, string text) => Assert.Equal(text, EventFormat.Size(bytes));

    [Fact]
    public void Each_event_but_progress_is_one_line()
    {
        var item = new Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", Layer, 12_897_485);
        Assert.Equal("layer sha256:abcdef012345… 12.3 MiB started", EventFormat.Line(new TransferEvent(TransferEventKind.Started, item, 0)));
        Assert.Equal("layer sha256:abcdef012345… 12.3 MiB done", EventFormat.Line(new TransferEvent(TransferEventKind.Completed, item, item.Size)));
        Assert.Equal("layer sha256:abcdef012345… 12.3 MiB exists", EventFormat.Line(new TransferEvent(TransferEventKind.Skipped, item, item.Size)));
        Assert.Equal("layer sha256:abcdef012345… 12.3 MiB mounted", EventFormat.Line(new TransferEvent(TransferEventKind.Mounted, item, item.Size)));
        Assert.Equal("layer sha256:abcdef012345… 12.3 MiB failed",
            EventFormat.Line(new TransferEvent(TransferEventKind.Failed, item, 5) { Error = new IOException() }));
        Assert.Equal("layer sha256:abcdef012345… 12.3 MiB cancelled",
            EventFormat.Line(new TransferEvent(TransferEventKind.Failed, item, 5) { Error = new OperationCanceledException() }));
        Assert.Null(EventFormat.Line(new TransferEvent(TransferEventKind.Progress, item, 5)));
    }

    [Theory]
    [InlineData(MediaTypes.OciManifest, "manifest")]
    [InlineData(MediaTypes.DockerManifestList, "index")]
    [InlineData(MediaTypes.OciConfig, "config")]
    [InlineData(MediaTypes.DockerConfig, "config")]
    [InlineData("application/vnd.docker.image.rootfs.diff.tar.gzip", "layer")]
    public void Items_are_named_by_media_type(string mediaType, string kind) => Assert.Equal(kind, EventFormat.Kind(mediaType));
}
