namespace OrleansRegistry.Client.IO;

/// <summary>
/// An exclusive lock between processes around a read-modify-write of a file that is replaced by a rename: a layout's
/// <c>index.json</c> (two <c>oreg pull</c>s tagging into one directory), the Docker <c>config.json</c> (two logins).
/// It is an advisory lock on a lock file of its own — .NET takes <c>flock</c> for <see cref="FileShare.None"/> on
/// Unix — because the file itself is replaced by a rename, which would leave a lock on the old file. The lock file is never deleted: deleting it would let a waiter lock a file nobody else
/// opens any more. Held until disposed; the kernel releases it should the process die.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    private readonly FileStream _file;

    private FileLock(FileStream file) => _file = file;

    /// <summary>Waits for the lock, polling, at most <paramref name="timeout"/> (then <see cref="TimeoutException"/>).</summary>
    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1));
            }
            catch (IOException) when (File.Exists(path) && DateTime.UtcNow < deadline)
            {
                // Held by another process (or another open of it here): wait for it, briefly, then try again.
            }
            catch (IOException e) when (File.Exists(path))
            {
                throw new TimeoutException($"{path} stayed locked by another process for {timeout.TotalSeconds:0} s", e);
            }
            await Task.Delay(Poll, ct).ConfigureAwait(false);
        }
    }

    public void Dispose() => _file.Dispose();
}
