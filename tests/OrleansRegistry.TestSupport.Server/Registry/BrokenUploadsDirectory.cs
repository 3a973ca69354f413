namespace OrleansRegistry.TestSupport.Registry;

/// <summary>
/// Puts a plain file where a running registry's blob store keeps its uploads directory
/// (<c>&lt;data&gt;/blobs/uploads</c>), as a broken or wrongly mounted volume would: the store can no longer create
/// uploads. Disposing puts the directory back as it was.
/// </summary>
public sealed class BrokenUploadsDirectory : IDisposable
{
    private readonly string _uploads;
    private readonly string _saved;

    public BrokenUploadsDirectory(string dataDirectory)
    {
        _uploads = Path.Combine(dataDirectory, "blobs", "uploads");
        _saved = _uploads + $".saved-{Guid.NewGuid():N}";
        Directory.CreateDirectory(_uploads);
        Directory.Move(_uploads, _saved);
        File.WriteAllBytes(_uploads, []);
    }

    public void Dispose()
    {
        File.Delete(_uploads);
        Directory.Move(_saved, _uploads);
    }
}
