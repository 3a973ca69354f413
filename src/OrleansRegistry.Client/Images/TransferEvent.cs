using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Images;

/// <summary>
/// What happened to one blob or manifest of an image transfer. <see cref="BytesDone"/> is the running total for
/// <see cref="TransferEventKind.Progress"/>, the item's size for <see cref="TransferEventKind.Completed"/>,
/// <see cref="TransferEventKind.Skipped"/> and <see cref="TransferEventKind.Mounted"/> (it is all at the destination),
/// and the bytes moved before the failure for <see cref="TransferEventKind.Failed"/>.
/// </summary>
public sealed record TransferEvent(TransferEventKind Kind, Descriptor Item, long BytesDone)
{
    /// <summary>Why a <see cref="TransferEventKind.Failed"/> item failed: its own error, or the
    /// <see cref="OperationCanceledException"/> of an abort caused by another item's failure or by the caller.</summary>
    public Exception? Error { get; init; }
}

public enum TransferEventKind
{
    Started,
    /// <summary>More bytes moved; <see cref="TransferEvent.BytesDone"/> is the running total for the item.</summary>
    Progress,
    /// <summary>The destination already had it (HEAD / stat), nothing moved.</summary>
    Skipped,
    /// <summary>Linked by a cross-repository mount, nothing moved.</summary>
    Mounted,
    Completed,
    Failed,
}
