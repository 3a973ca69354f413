using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>Every decision is a structured audit event (who, action, repository, outcome), never a password or token.</summary>
[Collection(RulesRegistryCollection.Name)]
public sealed class AuditLogTests(RulesRegistryFixture fixture)
{
    [Fact]
    public async Task Denials_and_writes_are_audited_without_secrets()
    {
        var repo = TestImages.UniqueRepo("team-a");
        using var carol = fixture.ClientFor("carol");
        using (var denied = await carol.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([])))
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var token = await fixture.TokenAsync("bob", $"repository:{repo}:pull,push");
        using var bob = fixture.BearerClient(token);
        await TestImages.PushBlobAsync(bob, repo, TestImages.RandomBytes(50, 3));
        using (var wrong = await fixture.ClientWith(TestSupport.Security.SecuredRegistryFixture.Basic("bob", "not-his-password")).GetAsync($"v2/{repo}/tags/list"))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        var lines = await Eventually.SucceedsAsync(() =>
        {
            var audit = fixture.Registry.Output.Split('\n').Where(l => l.Contains("OrleansRegistry.Audit")).ToList();
            if (!audit.Any(l => l.Contains($"denied: carol pull,push {repo}")) || !audit.Any(l => l.Contains($"allowed: bob pull,push {repo}"))
                || !audit.Any(l => l.Contains($"unauthenticated: anonymous pull {repo}")))
                throw new InvalidOperationException("audit events not logged yet:\n" + string.Join('\n', audit.TakeLast(20)));
            return Task.FromResult(audit);
        }, e => e is InvalidOperationException, TimeSpan.FromSeconds(10));
        Assert.Contains(lines, l => l.Contains("from 127.0.0.1"));

        var output = fixture.Registry.Output;
        foreach (var password in fixture.Users.Values.Append("not-his-password"))
            Assert.DoesNotContain(password, output);
        Assert.DoesNotContain(token.Split('.')[2], output);
    }
}
