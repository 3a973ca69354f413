namespace OrleansRegistry.Client.Tests.Images;

/// <summary>Holds one blob's transfer at a point the test chooses, then lets it go on or makes it fail.</summary>
public sealed class BlobGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure;

    public void Release() => _open.TrySetResult();

    /// <summary>The blob's stream throws <paramref name="failure"/> (the same instance) at the gate.</summary>
    public void Fail(Exception failure)
    {
        Volatile.Write(ref _failure, failure);
        _open.TrySetResult();
    }

    /// <summary>Waits for the test's decision, observing the transfer's token (an abort must get through the gate).</summary>
    public async Task PassAsync(CancellationToken ct)
    {
        await _open.Task.WaitAsync(ct);
        if (Volatile.Read(ref _failure) is { } failure)
            throw failure;
    }

    public bool Failing => Volatile.Read(ref _failure) is not null;
}
