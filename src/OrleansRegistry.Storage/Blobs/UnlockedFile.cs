using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// Opens a file for reading without the advisory lock (flock) a .NET FileStream takes: an upload's writer holds the
/// exclusive lock that keeps a second writer out, and a FileStream reader's shared lock would be refused while it does.
/// A reader of completed bytes needs no lock: they no longer change.
/// </summary>
internal static partial class UnlockedFile
{
    private const int ReadOnly = 0; // O_RDONLY
    private const int CloseOnExec = 0x80000; // O_CLOEXEC (Linux)

    /// <summary>The file opened for reading, or null when it does not exist.</summary>
    public static FileStream? OpenRead(string path)
    {
        var fd = Open(path, ReadOnly | CloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == 2) return null; // ENOENT
            throw new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0, isAsync: false);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
