using System.Diagnostics;

namespace OrleansRegistry.Server.Tests.TestBed;

/// <summary>
/// The gate the server tests start their registries through (<see cref="ServerSlots"/>), each test on a gate of its
/// own in a fresh directory: it bounds the holders, a full gate fails with a clear error after its wait, a multi-slot
/// taker gets all or none, and a slot held by a process that is killed is free again.
/// </summary>
public sealed class ServerSlotsTests : IDisposable
{
    private static readonly TimeSpan ShortWait = TimeSpan.FromSeconds(1);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_full_gate_refuses_after_its_wait_and_a_given_back_slot_can_be_taken()
    {
        var gate = new ServerSlots(_directory.Path, 2, ShortWait);
        var first = await gate.TakeAsync();
        using var second = await gate.TakeAsync();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => gate.TakeAsync());
        Assert.Contains(_directory.Path, error.Message);
        Assert.Contains("REGISTRY_TEST_SERVERS", error.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => gate.TakeAsync(3));

        first.Dispose();
        using var third = await gate.TakeAsync();
        Assert.Equal(1, third.Count);
    }

    [Fact]
    public async Task Several_slots_are_taken_all_at_once_or_none()
    {
        var gate = new ServerSlots(_directory.Path, 3, ShortWait);
        using var single = await gate.TakeAsync();
        var pair = await gate.TakeAsync(2);
        Assert.Equal(2, pair.Count);
        pair.Dispose();

        using var another = await gate.TakeAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => gate.TakeAsync(2)); // one slot is free, two are asked for
        using var last = await gate.TakeAsync(); // the failed taker kept nothing
    }

    [Fact]
    public async Task A_slot_held_by_a_killed_process_is_free_again()
    {
        var gate = new ServerSlots(_directory.Path, 1, ShortWait);
        // flock(1) holds the lock itself (-o: its command does not inherit it); the command prints its pid and sleeps.
        var start = new ProcessStartInfo("flock")
        {
            ArgumentList = { "-o", Path.Combine(_directory.Path, "slot-0"), "sh", "-c", "echo $$; exec sleep 600" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var holder = Process.Start(start)!;
        var sleeper = int.Parse((await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)))!);
        try
        {
            await Assert.ThrowsAsync<TimeoutException>(() => gate.TakeAsync());

            Assert.True(PosixSignal.Send(holder.Id, PosixSignal.Kill));
            await holder.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            using var slot = await new ServerSlots(_directory.Path, 1, TimeSpan.FromSeconds(30)).TakeAsync();
            Assert.Equal(1, slot.Count);
        }
        finally
        {
            PosixSignal.Send(sleeper, PosixSignal.Kill);
            if (!holder.HasExited) holder.Kill();
        }
    }
}
