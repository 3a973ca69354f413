using System.Net;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>The monolithic upload: the whole blob in one request.</summary>
public sealed partial class BlobClient
{
    /// <summary>
    /// <c>POST ?digest=</c> with the body. The spec lets a registry answer 202 (a session) instead of 201, and
    /// distribution 2.8.2 does: then the body goes again in <c>PUT ?digest=</c> to that session, and this client
    /// remembers to send later blobs as <c>POST</c> + <c>PUT</c> at once. A source that cannot be rewound goes that way
    /// from the start, since its bytes could be sent only once.
    /// </summary>
    private async Task UploadMonolithicAsync(Descriptor descriptor, Stream content, IProgress<long>? progress, CancellationToken ct)
    {
        UploadSession session;
        if (content.CanSeek && !_http.MonolithicPostRefused)
        {
            var origin = content.Position;
            var body = new UploadChunkContent(content, descriptor.Size, 0, descriptor.Size, progress);
            using var post = new HttpRequestMessage(HttpMethod.Post,
                RegistryHttp.WithQuery(UploadsUri, "digest", descriptor.Digest.ToString())) { Content = body };
            HttpResponseMessage response;
            try
            {
                response = await UploadChunkContent.SendAsync(_http, post, ct).ConfigureAwait(false);
            }
            catch (RegistryTransportException) when (!ct.IsCancellationRequested)
            {
                // distribution 2.8.2 answers 202 without reading the body and then closes the connection once its
                // buffers fill, so a body above a few hundred KiB dies with a broken pipe instead of showing the 202.
                // The source can be rewound: send it again as POST + PUT, as for any registry that refuses the POST.
                _http.MonolithicPostRefused = true;
                content.Position = origin;
                await UploadBySessionAsync(descriptor, content, progress,
                    await UploadSession.StartAsync(_http, UploadsUri, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                return;
            }
            using var _ = response;
            if (response.StatusCode == HttpStatusCode.Created)
            {
                UploadSession.CheckDigestHeader(response, descriptor.Digest);
                return;
            }
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw await RegistryHttp.ErrorAsync(response, ct).ConfigureAwait(false);
            _http.MonolithicPostRefused = true;
            session = new UploadSession(_http, UploadsUri, RegistryHttp.Location(response)
                ?? throw new UnexpectedStatusException(HttpMethod.Post, post.RequestUri, response.StatusCode, "202 without Location", []));
            content.Position = origin;
        }
        else
        {
            session = await UploadSession.StartAsync(_http, UploadsUri, ct).ConfigureAwait(false);
        }
        await UploadBySessionAsync(descriptor, content, progress, session, ct).ConfigureAwait(false);
    }

    /// <summary>The whole blob as the body of <c>PUT ?digest=</c> to an open session; the session is cancelled on failure.</summary>
    private static async Task UploadBySessionAsync(Descriptor descriptor, Stream content, IProgress<long>? progress,
        UploadSession session, CancellationToken ct)
    {
        await using (session.ConfigureAwait(false))
            await session.CompleteAsync(descriptor.Digest, new UploadChunkContent(content, descriptor.Size, 0, descriptor.Size, progress), ct)
                .ConfigureAwait(false);
    }
}
