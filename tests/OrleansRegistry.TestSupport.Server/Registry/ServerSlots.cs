using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OrleansRegistry.TestSupport.Registry;

/// <summary>
/// The bound on registry server processes alive at once across every test process of a run (test projects run in
/// parallel, one testhost each): N slot files in one directory, each held with an exclusive flock(2) while a server
/// lives. The kernel drops a lock when its holder dies, so a killed testhost never keeps a slot.
/// A taker of several slots (a cluster) first holds the <c>turn</c> lock, so that single takers cannot starve it, and
/// gets all it asked for or none.
/// Environment: <c>REGISTRY_TEST_SERVERS</c> (N, default 8), <c>REGISTRY_TEST_SERVER_WAIT</c> (seconds a taker waits
/// at most, default 300), <c>REGISTRY_TEST_SLOTS</c> (the directory; scripts/test gives each run its own, otherwise
/// one under the temp directory is shared by every run on the machine).
/// </summary>
public sealed class ServerSlots(string directory, int count, TimeSpan maxWait)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(150);

    /// <summary>The gate of this test run, as the environment configures it.</summary>
    public static ServerSlots Run { get; } = new(
        Environment.GetEnvironmentVariable("REGISTRY_TEST_SLOTS") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "orleansregistry-test-slots"),
        PositiveInt("REGISTRY_TEST_SERVERS", 8),
        TimeSpan.FromSeconds(PositiveInt("REGISTRY_TEST_SERVER_WAIT", 300)));

    public string Directory => directory;

    public int Count => count;

    public TimeSpan MaxWait => maxWait;

    /// <summary>Waits (bounded by <see cref="MaxWait"/>) until <paramref name="slots"/> slots are free and holds them.</summary>
    public async Task<ServerSlotLease> TakeAsync(int slots = 1, CancellationToken ct = default)
    {
        if (slots < 1 || slots > count)
            throw new ArgumentOutOfRangeException(nameof(slots), slots, $"between 1 and {count} slots (REGISTRY_TEST_SERVERS) can be taken");
        System.IO.Directory.CreateDirectory(directory);
        var watch = Stopwatch.StartNew();

        // The turn: whoever holds it is the next to take slots; it is held only while taking, never while a server runs.
        SafeFileHandle? turn;
        while ((turn = TryLock("turn")) is null)
            await WaitOrFailAsync(watch, slots, ct);

        var held = new List<SafeFileHandle>(slots);
        try
        {
            var first = Random.Shared.Next(count); // spread takers over the slots
            while (true)
            {
                for (var i = 0; i < count && held.Count < slots; i++)
                {
                    if (TryLock($"slot-{(first + i) % count}") is { } slot) held.Add(slot);
                }
                if (held.Count == slots) return new ServerSlotLease(held);
                await WaitOrFailAsync(watch, slots, ct);
            }
        }
        catch
        {
            foreach (var slot in held) slot.Dispose();
            throw;
        }
        finally
        {
            turn.Dispose();
        }
    }

    private async Task WaitOrFailAsync(Stopwatch watch, int slots, CancellationToken ct)
    {
        if (watch.Elapsed >= maxWait)
        {
            throw new TimeoutException(
                $"waited {maxWait.TotalSeconds:0.#} s for {slots} of the {count} registry server slots in {directory}: " +
                "other tests' servers held them all that time (REGISTRY_TEST_SERVERS sets the number, REGISTRY_TEST_SERVER_WAIT the wait)");
        }
        await Task.Delay(Poll, ct);
    }

    /// <summary>The file's descriptor holding an exclusive flock, or null when another descriptor holds it.</summary>
    private SafeFileHandle? TryLock(string name)
    {
        var path = Path.Combine(directory, name);
        SafeFileHandle handle;
        try
        {
            // On Unix .NET implements FileShare.None as flock(LOCK_EX | LOCK_NB) and fails with EWOULDBLOCK.
            handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult == EWouldBlock)
        {
            return null;
        }
        // The same lock again, explicitly: a no-op on the descriptor that holds it, and the lock itself should .NET's
        // file locking be switched off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING).
        if (flock((int)handle.DangerousGetHandle(), LockExclusive | LockNonBlocking) == 0) return handle;
        var errno = Marshal.GetLastPInvokeError();
        handle.Dispose();
        return errno == EWouldBlock ? null : throw new IOException($"flock({path}) failed with errno {errno}");
    }

    private static int PositiveInt(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var value) && value > 0 ? value : fallback;

    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int EWouldBlock = 11;

    [DllImport("libc", SetLastError = true)]
    private static extern int flock(int fd, int operation);
}

/// <summary>Slots taken from <see cref="ServerSlots"/>; disposing gives them back.</summary>
public sealed class ServerSlotLease(IReadOnlyList<SafeFileHandle> slots) : IDisposable
{
    public int Count => slots.Count;

    public void Dispose()
    {
        foreach (var slot in slots) slot.Dispose(); // close(2) drops the flock
    }
}
