using System.Globalization;
using System.Text.Json;
using Microsoft.Net.Http.Headers;
using OrleansRegistry.Core;

namespace OrleansRegistry.Server.Errors;

/// <summary>Writes the spec's error body <c>{"errors":[…]}</c> with the descriptor's HTTP status.</summary>
public sealed class RegistryErrorResult(int status, RegistryError error) : IResult, IStatusCodeHttpResult
{
    /// <summary>A silo is declared dead within about a second (ClusterHosting), so a retry a second later usually succeeds.</summary>
    public const string RetryAfterSeconds = "1";

    public int? StatusCode => status;

    public RegistryError Error => error;

    public static RegistryErrorResult From(ErrorDescriptor descriptor, string? message = null, object? detail = null) =>
        new(descriptor.HttpStatus, new RegistryException(descriptor, message, detail).ToError());

    private static string RetryAfterOf(RegistryError error) =>
        error.Detail is { ValueKind: JsonValueKind.Object } detail
        && detail.TryGetProperty("retryAfter", out var seconds) && seconds.TryGetInt32(out var value) && value > 0
            ? value.ToString(CultureInfo.InvariantCulture)
            : RetryAfterSeconds;

    public Task ExecuteAsync(HttpContext context)
    {
        var body = ErrorResponse.From(error).ToJsonUtf8();
        var response = context.Response;
        response.StatusCode = status;
        // 503 means "retry": say when, so clients (and the balancer) come back instead of giving up.
        // A mirror's upstream that asked for a longer pause passes it on (detail retryAfter).
        if (status == StatusCodes.Status503ServiceUnavailable) response.Headers.RetryAfter = RetryAfterOf(error);
        // 429 from a limit inside the registry (the upload session quota) says its pause in the detail.
        if (status == StatusCodes.Status429TooManyRequests && !response.Headers.ContainsKey(HeaderNames.RetryAfter))
            response.Headers.RetryAfter = RetryAfterOf(error);
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body).AsTask();
    }
}
