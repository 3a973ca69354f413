using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Operations;

/// <summary>
/// An unexpected failure is 500 UNKNOWN whose detail names the request id, and the server's log line for it (with
/// the stack trace) carries that id, so an operator handed the error finds the line. The failure is real: the blob
/// store's uploads directory is replaced by a file, as on a broken volume. A private server, since uploads fail.
/// </summary>
public sealed class RequestIdLogTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task A_500_names_the_request_id_that_the_servers_log_line_carries()
    {
        var repo = TestImages.UniqueRepo("ops/log");
        string requestId;
        using (new BrokenUploadsDirectory(fixture.DataDirectory))
        {
            using var response = await fixture.Client.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([]));
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            var error = Assert.Single(await ErrorsAsync(response));
            Assert.Equal("UNKNOWN", error.Code);
            requestId = error.Detail!.Value.GetProperty("requestId").GetString()!;
        }
        Assert.False(string.IsNullOrWhiteSpace(requestId));

        var line = await WaitForLogLineAsync(requestId);
        Assert.Contains("Unexpected error in POST", line);
        Assert.Contains($"RequestId:{requestId}", line); // the request's scope, which every line of the request carries
        Assert.Contains("uploads", line); // the cause, in the log and not in the body

        // Once the directory is back, the same upload works: the failure was the volume, not the registry's state.
        var (location, _) = await TestImages.StartUploadAsync(fixture.Client, repo);
        Assert.False(string.IsNullOrEmpty(location));
    }

    /// <summary>The server's output line naming <paramref name="requestId"/> (output arrives asynchronously).</summary>
    private async Task<string> WaitForLogLineAsync(string requestId)
    {
        string? line = null;
        await Eventually.TrueAsync(
            () => (line = fixture.Registry.Output.Split('\n').FirstOrDefault(l => l.Contains(requestId) && l.Contains("fail:"))) is not null,
            TimeSpan.FromSeconds(10), $"a log line naming request {requestId}", () => fixture.Registry.Output);
        return line!;
    }

    private static async Task<IReadOnlyList<OrleansRegistry.Core.RegistryError>> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.True(OrleansRegistry.Core.ErrorResponse.TryParse(await response.Content.ReadAsByteArrayAsync(), out var errors));
        return errors!.Errors;
    }
}
