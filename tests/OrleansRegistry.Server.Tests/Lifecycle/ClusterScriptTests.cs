using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Network;
using OrleansRegistry.TestSupport.Scripts;

namespace OrleansRegistry.Server.Tests.Lifecycle;

/// <summary>
/// <c>scripts/cluster N --port P</c>: N silos on P+1..P+N behind nginx on P, one private PostgreSQL.
/// An upload whose requests follow the balancer's Locations crosses silos and streams through nginx unspooled; every
/// silo serves what was pushed; a stopped silo's refused connections move on to the others; SIGTERM stops every silo,
/// nginx and PostgreSQL.
/// </summary>
public sealed class ClusterScriptTests : IDisposable
{
    private const int SiloCount = 3;

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Three_silos_behind_nginx_take_an_upload_across_silos_serve_it_everywhere_survive_a_stopped_silo_and_stop_on_SIGTERM()
    {
        await using var cluster = await ClusterScript.StartAsync(_data.Path, SiloCount);
        Assert.Equal(Enumerable.Range(1, SiloCount).Select(i => cluster.Port + i), cluster.Silos.Select(s => s.HttpPort));
        var postmaster = LocalProcesses.PrivatePostmasterPid(_data.Path);
        var balancer = cluster.Balancer;

        var repo = TestImages.UniqueRepo("scripts/cluster");
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        var small = TestImages.RandomBytes(3_000, seed: 911);
        var big = TestImages.RandomBytes(600_000, seed: 912);
        await TestImages.PushBlobAsync(balancer, repo, config);
        await TestImages.PushBlobAsync(balancer, repo, small);
        var uuid = await PushChunkedAsync(balancer, repo, big);
        var manifest = TestImages.ImageManifest(config, [small, big]);
        await TestImages.PushManifestAsync(balancer, repo, "v1", manifest);

        // Round robin: each request of the upload (POST, PATCH, PATCH, PUT) went to another silo than the one before.
        // This test is the balancer's only client, so the POST is the line before the first one naming the upload.
        var log = cluster.AccessLog();
        var first = log.ToList().FindIndex(l => l.Contains(uuid, StringComparison.Ordinal));
        Assert.True(first > 0, $"no PATCH of upload {uuid} after its POST in the access log:\n{string.Join('\n', log)}");
        var upload = log.Skip(first - 1).Take(4).ToList();
        Assert.Contains($"\"POST /v2/{repo}/blobs/uploads/ ", upload[0]);
        Assert.All(upload.Skip(1), l => Assert.Contains(uuid, l));
        var upstreams = upload.Select(Upstream).ToList();
        Assert.All(upstreams.Zip(upstreams.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));

        // Streamed, not spooled: with request buffering on, nginx logs each body above 16 KiB it writes to a temp file.
        Assert.DoesNotContain("buffered to a temporary file", cluster.NginxFile("error.log"));

        var endpoints = new[] { balancer }.Concat(cluster.Silos.Select(s => s.Client)).ToList();
        foreach (var client in endpoints) await AssertServesImageAsync(client, repo, manifest, [config, small, big]);

        // A stopped silo refuses connections: nginx passes GETs and even POSTs (not sent yet) on to another silo.
        var stopped = cluster.Silos[1];
        Assert.True(PosixSignal.Send(stopped.Pid, PosixSignal.Terminate));
        await WaitUntilAsync(() => !LocalProcesses.IsRunning(stopped.Pid), $"silo 2 (pid {stopped.Pid}) to stop");
        await cluster.Script.WaitForOutputAsync($"silo 2 (pid {stopped.Pid}) exited", TimeSpan.FromSeconds(30));
        for (var i = 0; i < 2 * SiloCount; i++)
        {
            using var blob = await balancer.GetAsync($"v2/{repo}/blobs/{TestImages.Digest(big)}");
            Assert.Equal(HttpStatusCode.OK, blob.StatusCode);
            Assert.Equal(big, await blob.Content.ReadAsByteArrayAsync());
            await TestImages.StartUploadAsync(balancer, repo);
        }
        Assert.Contains(cluster.AccessLog(), l => Upstream(l).StartsWith($"127.0.0.1:{stopped.HttpPort}, ", StringComparison.Ordinal));
        Assert.False(cluster.Script.HasExited, "scripts/cluster ended when one silo of three stopped");

        Assert.Equal(143, await cluster.Script.StopAsync(PosixSignal.Terminate)); // 128 + SIGTERM, as the trap exits
        foreach (var silo in cluster.Silos)
            Assert.False(LocalProcesses.IsRunning(silo.Pid), $"silo {silo.Index} (pid {silo.Pid}) still runs");
        Assert.False(LocalProcesses.IsRunning(cluster.NginxPid), $"nginx (pid {cluster.NginxPid}) still runs");
        Assert.False(LocalProcesses.IsRunning(postmaster), $"PostgreSQL (pid {postmaster}) still runs");
        foreach (var port in Enumerable.Range(cluster.Port, SiloCount + 1))
            Assert.False(LocalProcesses.IsListening(port), $"127.0.0.1:{port} still listens");
    }

    /// <summary>POST, then two PATCHes and the PUT each sent to the Location the previous answer gave: the first chunk
    /// with Content-Range and Expect: 100-continue, the second streamed (Transfer-Encoding: chunked). Returns the upload id.</summary>
    private static async Task<string> PushChunkedAsync(HttpClient client, string repo, byte[] blob)
    {
        var (location, uuid) = await TestImages.StartUploadAsync(client, repo);
        AssertUploadLocation(location, repo, uuid);
        var half = blob.Length / 2;

        using (var first = new HttpRequestMessage(HttpMethod.Patch, location) { Content = TestImages.Octets(blob[..half]) })
        {
            first.Content.Headers.TryAddWithoutValidation("Content-Range", $"0-{half - 1}");
            first.Headers.ExpectContinue = true;
            location = await SendChunkAsync(client, first, repo, uuid, half);
        }
        using (var second = new HttpRequestMessage(HttpMethod.Patch, location) { Content = TestImages.Octets(blob[half..]) })
        {
            second.Headers.TransferEncodingChunked = true;
            location = await SendChunkAsync(client, second, repo, uuid, blob.Length);
        }

        var digest = TestImages.Digest(blob);
        using var finish = await client.PutAsync(TestImages.WithDigest(location, digest), new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Created, finish.StatusCode);
        Assert.Equal($"/v2/{repo}/blobs/{digest}", finish.Headers.Location?.OriginalString);
        return uuid;
    }

    private static async Task<string> SendChunkAsync(HttpClient client, HttpRequestMessage patch, string repo, string uuid, int end)
    {
        using var response = await client.SendAsync(patch);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted,
            $"PATCH gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal($"0-{end - 1}", TestImages.HeaderValue(response, "Range"));
        var location = response.Headers.Location?.OriginalString;
        AssertUploadLocation(location, repo, uuid);
        return location!;
    }

    /// <summary>Relative, as the registry sent it: not rewritten to a silo's address, so the client comes back to the
    /// balancer.</summary>
    private static void AssertUploadLocation(string? location, string repo, string uuid)
    {
        Assert.NotNull(location);
        Assert.StartsWith($"/v2/{repo}/blobs/uploads/{uuid}", location);
        Assert.DoesNotContain("://", location);
    }

    private static async Task AssertServesImageAsync(HttpClient client, string repo, byte[] manifest, byte[][] blobs)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/manifests/v1");
        request.Headers.Accept.ParseAdd(TestImages.OciManifest);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{client.BaseAddress}: manifest GET gave {(int)response.StatusCode}");
        Assert.Equal(manifest, await response.Content.ReadAsByteArrayAsync());
        foreach (var blob in blobs)
        {
            using var get = await client.GetAsync($"v2/{repo}/blobs/{TestImages.Digest(blob)}");
            Assert.True(get.StatusCode == HttpStatusCode.OK, $"{client.BaseAddress}: blob GET gave {(int)get.StatusCode}");
            Assert.Equal(blob, await get.Content.ReadAsByteArrayAsync());
        }
    }

    /// <summary>The <c>upstream=</c> field of an access log line: the silo(s) nginx tried, comma-separated.</summary>
    private static string Upstream(string line)
    {
        var match = Regex.Match(line, "upstream=(.*?) upstream_status=");
        Assert.True(match.Success, $"no upstream in access log line: {line}");
        return match.Groups[1].Value;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 600 && !condition(); i++) await Task.Delay(100);
        Assert.True(condition(), $"timed out waiting for {what}");
    }

    [Fact] // behind nginx the challenge's realm is the address the client used, and a token works on every silo
    public async Task Behind_nginx_with_authentication_the_realm_is_the_balancer_and_its_tokens_work_on_every_silo()
    {
        var htpasswd = Path.Combine(_data.Path, "htpasswd");
        await OrleansRegistry.TestSupport.Security.Htpasswd.WriteAsync(htpasswd, [("bob", "bob-Pa55")]);
        await using var cluster = await ClusterScript.StartAsync(_data.Path, SiloCount, new Dictionary<string, string> { ["Registry__Auth__Htpasswd"] = htpasswd });

        using (var challenged = await cluster.Balancer.GetAsync("v2/"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
            Assert.Equal($"Bearer realm=\"http://127.0.0.1:{cluster.Port}/token\",service=\"orleans-registry\"",
                challenged.Headers.WwwAuthenticate.ToString());
        }
        using var login = new HttpRequestMessage(HttpMethod.Get, "token?service=orleans-registry&scope=repository:scripts/auth:pull");
        login.Headers.Authorization = OrleansRegistry.TestSupport.Security.SecuredRegistryFixture.Basic("bob", "bob-Pa55");
        using var tokenResponse = await cluster.Balancer.SendAsync(login);
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        var token = System.Text.Json.JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();
        foreach (var client in cluster.Silos.Select(s => s.Client))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "v2/scripts/auth/tags/list");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // authorised on every silo; the repository does not exist
        }
    }
}
