using System.Runtime.InteropServices;

namespace OrleansRegistry.Core;

/// <summary>
/// OpenSSL's low-level SHA-2 functions in libcrypto.so.3 (Debian 12: OpenSSL 3.0). Deprecated in OpenSSL 3 but
/// exported, and unlike EVP (which IncrementalHash uses) their context is a plain struct the caller owns, so it
/// can be saved and restored. They run the same block code (SHA-NI, AVX2) as EVP.
/// Every function returns 1 on success; <c>*_Final</c> returns 0 when the context's md_len is not one it knows.
/// </summary>
internal static unsafe partial class LibCrypto
{
    private const string Library = "libcrypto.so.3";

    [LibraryImport(Library)]
    internal static partial int SHA256_Init(byte* c);

    [LibraryImport(Library)]
    internal static partial int SHA256_Update(byte* c, byte* data, nuint len);

    [LibraryImport(Library)]
    internal static partial int SHA256_Final(byte* md, byte* c);

    [LibraryImport(Library)]
    internal static partial int SHA512_Init(byte* c);

    [LibraryImport(Library)]
    internal static partial int SHA512_Update(byte* c, byte* data, nuint len);

    [LibraryImport(Library)]
    internal static partial int SHA512_Final(byte* md, byte* c);
}
