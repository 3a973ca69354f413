using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansRegistry.Core;
using OrleansRegistry.Server.Errors;

namespace OrleansRegistry.Server.Tests.Errors;

/// <summary>
/// The error middleware in isolation (a real seam: the request delegate it wraps throws). What a client sees
/// end to end is covered by the Api tests; here the unexpected-exception path, which no valid HTTP request
/// should be able to reach, is forced.
/// </summary>
public sealed class RegistryErrorMiddlewareTests
{
    [Fact] // issue: an unexpected exception is 500 UNKNOWN whose detail names the request id that the log line names
    public async Task Unexpected_exception_is_500_UNKNOWN_with_the_request_id_that_is_logged()
    {
        var logger = new CapturingLogger();
        var (status, body) = await RunAsync(_ => throw new InvalidOperationException("boom"), logger, "0HTEST:00000007");

        Assert.Equal(500, status);
        Assert.True(ErrorResponse.TryParse(Encoding.UTF8.GetBytes(body), out var response));
        var error = Assert.Single(response!.Errors);
        Assert.Equal("UNKNOWN", error.Code);
        Assert.Equal("0HTEST:00000007", error.Detail!.Value.GetProperty("requestId").GetString());
        var line = Assert.Single(logger.Lines, l => l.Contains("0HTEST:00000007"));
        Assert.Contains("boom", line);
        Assert.DoesNotContain("boom", body); // no internals leak to the client
        Assert.DoesNotContain("   at ", body);
    }

    [Fact]
    public async Task Registry_exception_keeps_its_code_status_and_detail()
    {
        var (status, body) = await RunAsync(
            _ => throw new RegistryException(ErrorCatalog.BlobUnknown, "no such blob", new { digest = "sha256:00" }),
            new CapturingLogger());

        Assert.Equal(404, status);
        Assert.True(ErrorResponse.TryParse(Encoding.UTF8.GetBytes(body), out var response));
        var error = Assert.Single(response!.Errors);
        Assert.Equal(("BLOB_UNKNOWN", "no such blob"), (error.Code, error.Message));
        Assert.Equal("sha256:00", error.Detail!.Value.GetProperty("digest").GetString());
    }

    [Fact] // a dead or hung silo is retryable, never a bare 500
    public async Task Timeout_is_503_UNAVAILABLE()
    {
        var (status, body) = await RunAsync(_ => throw new TimeoutException("grain call timed out"), new CapturingLogger());
        Assert.Equal(503, status);
        Assert.Contains("UNAVAILABLE", body);
    }

    [Fact] // RFC 9110 section 10.2.3 (Retry-After): a 503 says when to come back; the cluster declares a dead silo within about a second
    public async Task A_503_carries_Retry_After()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Response.Body = new MemoryStream();
        await new RegistryErrorMiddleware(_ => throw new TimeoutException("the silo did not answer"),
            new CapturingLogger()).InvokeAsync(context);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
    }

    private static async Task<(int Status, string Body)> RunAsync(RequestDelegate next, CapturingLogger logger,
        string requestId = "0HTEST:00000001")
    {
        var context = new DefaultHttpContext { TraceIdentifier = requestId };
        context.Request.Method = "GET";
        context.Request.Path = "/v2/a/manifests/latest";
        var body = new MemoryStream();
        context.Response.Body = body;
        await new RegistryErrorMiddleware(next, logger).InvokeAsync(context);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()));
    }

    private sealed class CapturingLogger : ILogger<RegistryErrorMiddleware>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add($"{logLevel} {formatter(state, exception)} {exception}");
        }
    }
}
