using System.Security.Claims;
using OrleansRegistry.Core;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Server.Security.Authorization;

/// <summary>
/// The catalog as one caller sees it: only repositories the caller may pull, still in keyset pages. Batches of the
/// index's name order are read from <c>last</c> and filtered until <paramref name="wanted"/> names are found or the
/// index ends, so <c>last</c> of the next page is again just a name in that order and no page skips or repeats one.
/// </summary>
public static class VisibleRepositories
{
    private const int Batch = 500;

    public static async Task<IReadOnlyList<RepositoryName>> ListAsync(IRegistryIndex index, AccessPolicy policy, ClaimsPrincipal user,
        string? last, int wanted, CancellationToken ct)
    {
        var visible = new List<RepositoryName>(Math.Min(wanted, Batch));
        var batchSize = Math.Max(wanted, Batch);
        while (visible.Count < wanted)
        {
            var batch = await index.ListRepositoriesAsync(last, batchSize, ct);
            foreach (var name in batch)
            {
                if (policy.CanPull(user, name.Value)) visible.Add(name);
                if (visible.Count == wanted) break;
            }
            if (batch.Count < batchSize) break;
            last = batch[^1].Value;
        }
        return visible;
    }
}
