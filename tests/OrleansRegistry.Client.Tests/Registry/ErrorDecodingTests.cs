using System.Net;
using System.Text;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.Registry;

/// <summary>Error bodies with codes outside the catalog, and bodies that are not error bodies at all.</summary>
[Collection(RegistryServerCollection.Name)]
public sealed class ErrorDecodingTests(RegistryFixture fixture) : IDisposable
{
    private readonly TestClientSet _clients = new();

    public void Dispose()
    {
        _clients.Dispose();
    }

    private OrleansRegistry.Client.Registry.RepositoryClient Repository(string body)
    {
        // A real 404 from the server whose body the seam replaces, as a registry with its own codes would send it.
        var rewriter = new BodyRewritingHandler(body);
        var client = _clients.Create(fixture.Registry.BaseAddress, null, rewriter);
        return client.Repository(TestClients.UniqueRepository("client/errors"));
    }

    [Fact]
    public async Task A_code_the_catalog_does_not_know_is_UnexpectedStatus_with_every_decoded_error()
    {
        var repository = Repository("""{"errors":[{"code":"VENDOR_QUOTA","message":"over quota"},{"code":"BLOB_UNKNOWN","message":"x"}]}""");

        var error = await Assert.ThrowsAsync<UnexpectedStatusException>(() => repository.Blobs.OpenReadAsync(Digest.Compute("a"u8)));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal(["VENDOR_QUOTA", "BLOB_UNKNOWN"], error.Errors.Select(e => e.Code));
        Assert.Contains("VENDOR_QUOTA", error.Message);
    }

    [Fact]
    public async Task Several_known_errors_give_the_first_ones_descriptor_and_keep_the_rest()
    {
        var repository = Repository("""{"errors":[{"code":"DENIED","message":"no"},{"code":"NAME_UNKNOWN","message":"who"}]}""");

        var error = await Assert.ThrowsAsync<RegistryException>(() => repository.Manifests.GetAsync("v1"));

        Assert.Same(ErrorCatalog.Denied, error.Descriptor);
        Assert.Equal("no", error.Message);
        Assert.Equal(["DENIED", "NAME_UNKNOWN"], error.GetResponseErrors().Select(e => e.Code));
    }

    [Fact]
    public async Task A_body_that_is_not_an_error_body_is_UnexpectedStatus_with_an_excerpt()
    {
        var repository = Repository("<html>404 page not found</html>");

        var error = await Assert.ThrowsAsync<UnexpectedStatusException>(() => repository.Manifests.GetAsync("v1"));

        Assert.Empty(error.Errors);
        Assert.Contains("404 page not found", error.BodyExcerpt);
    }

    private sealed class BodyRewritingHandler(string body) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
                response.Content = new StringContent(body, Encoding.UTF8, "application/json");
            return response;
        }
    }
}
