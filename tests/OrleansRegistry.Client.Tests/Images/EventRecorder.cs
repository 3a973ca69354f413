using OrleansRegistry.Client.Images;

namespace OrleansRegistry.Client.Tests.Images;

/// <summary>Collects <see cref="TransferEvent"/>s as they are reported, on the reporting thread (Progress&lt;T&gt; would
/// post them to the thread pool, after the transfer returned).</summary>
public sealed class EventRecorder : IProgress<TransferEvent>
{
    private readonly List<TransferEvent> _events = [];

    public IReadOnlyList<TransferEvent> Events { get { lock (_events) return _events.ToList(); } }

    public void Report(TransferEvent value)
    {
        lock (_events) _events.Add(value);
    }

    /// <summary>The closing event (Completed, Skipped, Mounted or Failed) of each item, by digest.</summary>
    public Dictionary<string, TransferEvent> Closing() =>
        Events.Where(e => e.Kind is not (TransferEventKind.Started or TransferEventKind.Progress))
            .GroupBy(e => e.Item.Digest.ToString())
            .ToDictionary(g => g.Key, g => g.Single());

    /// <summary>Every item that started was closed exactly once, after it started, and its progress never went back.</summary>
    public void AssertWellFormed()
    {
        var events = Events;
        var byItem = events.GroupBy(e => e.Item.Digest.ToString());
        foreach (var item in byItem)
        {
            var list = item.ToList();
            Assert.Equal(TransferEventKind.Started, list[0].Kind);
            Assert.Single(list, e => e.Kind == TransferEventKind.Started);
            var closing = Assert.Single(list, e => e.Kind is not (TransferEventKind.Started or TransferEventKind.Progress));
            Assert.Same(closing, list[^1]);
            var progress = list.Where(e => e.Kind == TransferEventKind.Progress).Select(e => e.BytesDone).ToList();
            Assert.Equal(progress.Order(), progress);
            Assert.All(progress, b => Assert.InRange(b, 0, list[0].Item.Size));
        }
    }
}
