using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Client.IO;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.ObjectStores;

/// <summary>
/// An <see cref="IObjectStore"/> over an OCI image layout directory (image-spec "OCI Image Layout"): blobs and
/// manifests at <c>blobs/&lt;alg&gt;/&lt;encoded&gt;</c>, tags as <c>index.json</c> entries annotated with
/// <c>org.opencontainers.image.ref.name</c>, exactly as skopeo and umoci read and write <c>oci:DIR:TAG</c>.
/// Writes stream into <c>.ingest/</c> inside the layout (a directory neither tool looks at), are hashed and counted
/// on the way, and are renamed into place only when complete and verified.
/// </summary>
public sealed class OciLayoutStore : IObjectStore
{
    public const string LayoutFileName = "oci-layout";
    public const string IndexFileName = "index.json";
    public const string BlobsDirectoryName = "blobs";

    /// <summary>Where writes in progress live; empty whenever no write is in progress.</summary>
    public const string IngestDirectoryName = ".ingest";

    /// <summary>The lock file that other processes' tag writes to this layout wait on (see <see cref="FileLock"/>).</summary>
    public const string IndexLockFileName = ".index.lock";

    private static readonly TimeSpan IndexLockTimeout = TimeSpan.FromMinutes(1);

    /// <summary>The annotation that names an <c>index.json</c> entry (the tag of <c>oci:DIR:TAG</c>).</summary>
    public const string RefNameAnnotation = OciIndexDocument.RefNameAnnotation;

    private const int BufferSize = 1024 * 1024;
    private const string LayoutFileContent = """{"imageLayoutVersion":"1.0.0"}""";

    // index.json is read-modify-written, so concurrent tag writes must take turns: within this process through a
    // semaphore keyed by the layout's full path (two stores opened on one directory still serialize), and between
    // processes through FileLock on IndexLockFileName.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> IndexLocks = new(StringComparer.Ordinal);

    private readonly string _blobs;
    private readonly string _ingest;
    private readonly string _indexPath;
    private readonly SemaphoreSlim _indexLock;

    /// <summary>
    /// Opens the layout at <paramref name="directory"/>, creating the directory, <c>oci-layout</c>, <c>blobs/</c> and
    /// an empty <c>index.json</c> where missing; an existing layout's files are left as they are.
    /// </summary>
    /// <exception cref="InvalidDataException">An existing <c>oci-layout</c> is not a version 1 layout.</exception>
    public OciLayoutStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        _blobs = Path.Combine(Directory, BlobsDirectoryName);
        _ingest = Path.Combine(Directory, IngestDirectoryName);
        _indexPath = Path.Combine(Directory, IndexFileName);
        _indexLock = IndexLocks.GetOrAdd(Directory, _ => new SemaphoreSlim(1, 1));

        System.IO.Directory.CreateDirectory(_blobs);
        var layoutFile = Path.Combine(Directory, LayoutFileName);
        if (File.Exists(layoutFile))
            CheckLayoutVersion(layoutFile);
        else
            CreateIfMissing(layoutFile, Encoding.UTF8.GetBytes(LayoutFileContent));
        if (!File.Exists(_indexPath))
        {
            using var empty = new MemoryStream();
            OciIndexDocument.Empty().WriteToAsync(empty, CancellationToken.None).GetAwaiter().GetResult();
            CreateIfMissing(_indexPath, empty.ToArray());
        }
    }

    /// <summary>The layout's root, as a full path.</summary>
    public string Directory { get; }

    /// <summary>Where the content of <paramref name="digest"/> lives (or would), per the image-layout spec.</summary>
    public string BlobPath(Digest digest)
    {
        CheckPathSafe(digest);
        return Path.Combine(_blobs, digest.Algorithm, digest.Encoded);
    }

    public Task<long?> StatAsync(Digest digest, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var file = new FileInfo(BlobPath(digest));
        return Task.FromResult(file.Exists ? file.Length : (long?)null);
    }

    public Task<Stream?> OpenReadAsync(Digest digest, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var path = BlobPath(digest);
        try
        {
            // Unbuffered: the consumer reads in its own (large) buffers; a FileStream buffer would only add a copy.
            // FileShare.Delete: a concurrent put of the same digest may rename over this file while it is read.
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="SizeMismatchException">The content is shorter or longer than <c>expected.Size</c>.</exception>
    /// <exception cref="DigestMismatchException">The content has the right size but another digest.</exception>
    /// <exception cref="ArgumentException">The digest is malformed or of an algorithm that cannot be verified.</exception>
    public async Task PutAsync(Descriptor expected, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(content);
        var destination = BlobPath(expected.Digest);
        if (!expected.Digest.IsSupported)
            throw new ArgumentException($"cannot verify {expected.Digest}: only sha256 and sha512 digests can be stored", nameof(expected));
        ArgumentOutOfRangeException.ThrowIfNegative(expected.Size, nameof(expected));
        ct.ThrowIfCancellationRequested();

        // Content-addressed: a file of the right length under this name already holds these bytes (it got there
        // only through a verified rename, or from a tool that verifies too). The source is left unread.
        var existing = new FileInfo(destination);
        if (existing.Exists && existing.Length == expected.Size)
            return;

        await using var ingest = IngestFile.Create(_ingest);
        using var hasher = DigestHasher.Create(expected.Digest.Algorithm);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                // Checked on every round as well as passed on: a source that ignores the token must not keep the
                // put running after the caller gave up.
                ct.ThrowIfCancellationRequested();
                var read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), ct);
                if (read == 0)
                    break;
                // Stop at the first byte past the declared size: a runaway source is never read to its end.
                if (hasher.BytesHashed + read > expected.Size)
                    throw new SizeMismatchException(expected.Size, hasher.BytesHashed + read, Describe(expected));
                hasher.Append(buffer.AsSpan(0, read));
                await ingest.Stream.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (hasher.BytesHashed != expected.Size)
            throw new SizeMismatchException(expected.Size, hasher.BytesHashed, Describe(expected));
        var actual = hasher.GetCurrentDigest();
        if (actual != expected.Digest)
            throw new DigestMismatchException(expected.Digest, actual, Describe(expected));
        ct.ThrowIfCancellationRequested();
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        await ingest.CommitAsync(destination, overwrite: true, ct);
    }

    public async Task<Descriptor?> ResolveTagAsync(string tag, CancellationToken ct = default)
    {
        // Any non-empty name is looked up (nothing here becomes a path); only SetTagAsync insists on tag grammar.
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var index = await OciIndexDocument.LoadAsync(_indexPath, ct);
        return index.Resolve(tag, _indexPath);
    }

    public async Task SetTagAsync(string tag, Descriptor manifest, CancellationToken ct = default)
    {
        if (!Tag.IsValid(tag))
            throw new ArgumentException($"invalid tag '{tag}'", nameof(tag));
        ArgumentNullException.ThrowIfNull(manifest);
        // A tag must never point at nothing: skopeo and umoci fail on such a layout, and a pull that set its tag
        // before storing the manifest would be a bug worth failing loudly on.
        var stored = await StatAsync(manifest.Digest, ct);
        if (stored != manifest.Size)
            throw new InvalidOperationException(stored is null
                ? $"cannot tag {tag}: manifest {manifest.Digest} is not in the layout"
                : $"cannot tag {tag}: manifest {manifest.Digest} holds {stored} bytes, the descriptor says {manifest.Size}");

        await _indexLock.WaitAsync(ct);
        try
        {
            using var _ = await FileLock.AcquireAsync(Path.Combine(Directory, IndexLockFileName), IndexLockTimeout, ct);
            var index = await OciIndexDocument.LoadAsync(_indexPath, ct);
            index.SetRef(tag, manifest);
            await using var ingest = IngestFile.Create(_ingest);
            await index.WriteToAsync(ingest.Stream, ct);
            await ingest.CommitAsync(_indexPath, overwrite: true, ct);
        }
        finally
        {
            _indexLock.Release();
        }
    }

    public async Task<IReadOnlyList<(string Tag, Descriptor Manifest)>> ListTagsAsync(CancellationToken ct = default)
    {
        var index = await OciIndexDocument.LoadAsync(_indexPath, ct);
        return index.Tags();
    }

    private static string Describe(Descriptor descriptor) => $"{descriptor.MediaType} {descriptor.Digest}";

    // A Digest built with its constructor skips TryParse; re-checking the grammar (no '/', no '..', no NUL) is what
    // keeps a digest from naming a path outside blobs/.
    private static void CheckPathSafe(Digest digest)
    {
        if (digest.Algorithm is null || digest.Encoded is null || !Digest.TryParse(digest.ToString(), out var parsed) || parsed != digest)
            throw new ArgumentException($"'{digest}' is not a valid digest", nameof(digest));
    }

    private static void CheckLayoutVersion(string layoutFile)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(layoutFile));
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("imageLayoutVersion", out var version)
                && version.ValueKind == JsonValueKind.String
                && version.GetString()!.StartsWith("1.", StringComparison.Ordinal))
                return;
        }
        catch (JsonException)
        {
        }
        throw new InvalidDataException($"{layoutFile} does not declare an OCI image layout of version 1.x");
    }

    // Written whole through the ingest directory, and never over a file another process created meanwhile.
    private void CreateIfMissing(string path, byte[] content)
    {
        var ingest = IngestFile.Create(_ingest);
        try
        {
            ingest.Stream.Write(content);
            ingest.CommitAsync(path, overwrite: false, CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            ingest.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
