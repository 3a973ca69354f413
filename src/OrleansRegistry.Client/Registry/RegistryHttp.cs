using System.Net;
using System.Text;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Client.Registry.Auth;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>
/// The one place requests are sent: turns transport failures into <see cref="RegistryTransportException"/> (leaving
/// the caller's cancellation alone) and non-success responses into typed errors, and answers 401 challenges
/// (<see cref="RegistryAuthenticator"/>: Basic, or the Docker Bearer token flow) with one retry.
/// </summary>
internal sealed class RegistryHttp
{
    private const int ErrorBodyLimit = 64 * 1024;
    private const int ExcerptLength = 512;

    public RegistryHttp(HttpClient client, RegistryClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Registry);
        if (!options.Registry.IsAbsoluteUri)
            throw new ArgumentException("the registry address must be absolute, e.g. http://127.0.0.1:5000/", nameof(options));
        Client = client;
        Options = options;
        // Without the trailing slash, "v2/..." would replace the last path segment of a registry under a path prefix.
        var text = options.Registry.AbsoluteUri;
        Base = new Uri(text.EndsWith('/') ? text : text + "/");
        Auth = new RegistryAuthenticator(client, Base, options);
    }

    public RegistryAuthenticator Auth { get; }

    public HttpClient Client { get; }

    public RegistryClientOptions Options { get; }

    public Uri Base { get; }

    /// <summary>Set once the registry answered a monolithic <c>POST ?digest=</c> with a session (202) instead of storing the blob.</summary>
    public volatile bool MonolithicPostRefused;

    public Uri V2(string relative) => new(Base, "v2/" + relative);

    /// <summary>Sends, reading the whole response; any status comes back.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);

    /// <summary>Sends; any status comes back. Only the caller's token cancels; every other failure is a transport error.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        try
        {
            return await Auth.SendAsync(request, completion, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportFailure(e, ct))
        {
            throw Transport(request.Method, request.RequestUri, e);
        }
    }

    /// <summary>Sends and returns the response when its status is one of <paramref name="expected"/>; otherwise throws the decoded error.</summary>
    public async Task<HttpResponseMessage> SendExpectingAsync(HttpRequestMessage request, HttpCompletionOption completion,
        HttpStatusCode[] expected, CancellationToken ct)
    {
        var response = await SendAsync(request, completion, ct).ConfigureAwait(false);
        if (Array.IndexOf(expected, response.StatusCode) >= 0)
            return response;
        using (response)
            throw await ErrorAsync(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A failure the registry or the network caused, as opposed to the caller cancelling. A timeout of the
    /// HttpClient surfaces as TaskCanceledException without the caller's token being cancelled.
    /// </summary>
    public static bool IsTransportFailure(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException;

    public static RegistryTransportException Transport(HttpMethod method, Uri? uri, Exception e) =>
        new(e is OperationCanceledException
            ? $"{method} {uri?.AbsolutePath} timed out"
            : $"{method} {uri?.AbsolutePath} failed: {e.Message}", e);

    /// <summary>
    /// The exception for a non-success response: Core's <see cref="RegistryException"/> when the body is the spec's
    /// error body and its first code is in the catalog (all entries and the status kept in Data), otherwise
    /// <see cref="UnexpectedStatusException"/> (except a 401, which is UNAUTHORIZED with or without a body).
    /// </summary>
    public static async Task<Exception> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var exception = await DecodeErrorAsync(response, ct).ConfigureAwait(false);
        if (RetryAfter(response) is { } wait) exception.Data[RegistryExceptionExtensions.RetryAfterKey] = wait;
        return exception;
    }

    // Retry-After as a delay (RFC 9110 section 10.2.3 allows seconds or a date).
    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<Exception> DecodeErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var request = response.RequestMessage;
        var method = request?.Method ?? HttpMethod.Get;
        byte[] body;
        try
        {
            body = await ReadBoundedAsync(response.Content, ErrorBodyLimit, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportFailure(e, ct))
        {
            body = []; // the status alone still says what went wrong
        }

        IReadOnlyList<RegistryError> errors = [];
        if (body.Length > 0 && ErrorResponse.TryParse(body, out var parsed) && parsed!.Errors.Count > 0)
        {
            errors = parsed.Errors;
            var first = errors[0];
            if (first.Descriptor is { } descriptor)
            {
                var message = string.IsNullOrEmpty(first.Message) ? null : first.Message;
                if (Withheld(request) is { } why) message = $"{message ?? descriptor.Message} ({why})";
                return new RegistryException(descriptor, message, first.Detail).WithResponse(response.StatusCode, errors);
            }
        }
        // A 401 without the spec's body (every HEAD, and token servers' bare answers) is still UNAUTHORIZED.
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            return new RegistryException(ErrorCatalog.Unauthorized, $"{method} {request?.RequestUri?.AbsolutePath}: authentication required" +
                    (Withheld(request) is { } withheld ? $" ({withheld})" : ""))
                .WithResponse(response.StatusCode, errors);
        var excerpt = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, ExcerptLength));
        return new UnexpectedStatusException(method, request?.RequestUri, response.StatusCode, excerpt, errors);
    }

    // Why the authenticator kept the credentials from the token realm, when it did (RealmPolicy).
    private static string? Withheld(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(RegistryAuthenticator.CredentialsWithheld, out var why) ? why : null;

    /// <summary>Reads a body up to <paramref name="limit"/> bytes; returns null when it is longer.</summary>
    public static async Task<byte[]?> TryReadAtMostAsync(HttpContent content, int limit, CancellationToken ct)
    {
        if (content.Headers.ContentLength is { } declared && declared > limit)
            return null;
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[limit];
        var total = 0;
        int read;
        while (total < limit && (read = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false)) > 0)
            total += read;
        return buffer[..total];
    }

    /// <summary>A Location header resolved against the request it answered (registries send both relative and absolute ones).</summary>
    public static Uri? Location(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        if (location is null)
            return null;
        if (location.IsAbsoluteUri)
            return location;
        return new Uri(response.RequestMessage!.RequestUri!, location);
    }

    /// <summary>A header wherever .NET filed it (Range and Docker-* are not response headers it knows).</summary>
    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;

    /// <summary><paramref name="uri"/> with <c>name=value</c> added to its query, keeping what is there (distribution puts state in it).</summary>
    public static Uri WithQuery(Uri uri, string name, string value)
    {
        var builder = new UriBuilder(uri);
        var pair = name + "=" + Uri.EscapeDataString(value);
        builder.Query = string.IsNullOrEmpty(builder.Query) || builder.Query == "?" ? pair : builder.Query.TrimStart('?') + "&" + pair;
        return builder.Uri;
    }
}
