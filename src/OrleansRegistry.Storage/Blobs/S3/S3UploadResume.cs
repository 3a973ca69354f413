using System.Text;

namespace OrleansRegistry.Storage.Blobs.S3;

/// <summary>A part of the upload's multipart upload, as S3 acknowledged it.</summary>
internal readonly record struct S3UploadPart(int Number, long Size, string ETag);

/// <summary>The last bytes of an upload (under 5 MiB, too small for a part but the last): an object under the upload's prefix.</summary>
internal sealed record S3UploadTail(string Name, long Size);

/// <summary>
/// What <see cref="BlobUploadState.Resume"/> holds for the S3 store: the multipart upload at the upload's data key, the
/// parts that belong to the upload (parts a writer sent without completing are not listed, so they are not part of it)
/// and the tail object. Encoded compactly (the session grain writes it with every chunk): a version byte, then
/// 7-bit-encoded lengths and numbers and UTF-8 strings.
/// </summary>
internal sealed record S3UploadResume(string MultipartId, IReadOnlyList<S3UploadPart> Parts, S3UploadTail? Tail)
{
    private const byte Version = 1;

    public long Size => Parts.Sum(p => p.Size) + (Tail?.Size ?? 0);

    public int LastPartNumber => Parts.Count == 0 ? 0 : Parts[^1].Number;

    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(MultipartId);
            writer.Write7BitEncodedInt(Parts.Count);
            foreach (var part in Parts)
            {
                writer.Write7BitEncodedInt(part.Number);
                writer.Write7BitEncodedInt64(part.Size);
                writer.Write(part.ETag);
            }
            writer.Write(Tail is not null);
            if (Tail is not null)
            {
                writer.Write(Tail.Name);
                writer.Write7BitEncodedInt64(Tail.Size);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>The resume state of <paramref name="state"/>; it must be one this store wrote for that size.</summary>
    public static S3UploadResume Decode(string uploadId, BlobUploadState state)
    {
        // No resume: the state is not one of this store's (e.g. an upload begun on another store): nothing to continue.
        if (state.Resume is not { Length: > 0 } bytes) throw new UploadNotFoundException(uploadId);
        S3UploadResume resume;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (reader.ReadByte() != Version) throw new InvalidDataException("unknown version");
            var multipartId = reader.ReadString();
            var count = reader.Read7BitEncodedInt();
            if (count is < 0 or > 10_000) throw new InvalidDataException("part count");
            var parts = new S3UploadPart[count];
            for (var i = 0; i < count; i++)
                parts[i] = new S3UploadPart(reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt64(), reader.ReadString());
            var tail = reader.ReadBoolean() ? new S3UploadTail(reader.ReadString(), reader.Read7BitEncodedInt64()) : null;
            // The tail is named under the upload's prefix: one key segment, never a path.
            if (tail is not null && !BlobStoreKeys.IsUploadId(tail.Name)) throw new InvalidDataException("tail name");
            resume = new S3UploadResume(multipartId, parts, tail);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException)
        {
            throw new InvalidDataException($"upload {uploadId}: the store's resume state is damaged", e);
        }
        if (resume.Size != state.Size)
            throw new InvalidDataException($"upload {uploadId}: the resume state holds {resume.Size} bytes, the state says {state.Size}");
        return resume;
    }
}
