namespace OrleansRegistry.Core.Tests.Digests;

// DigestHasher owns OpenSSL's SHA256_CTX / SHA512_CTX as a byte array of ShaLayout.ContextSize: OpenSSL must never
// write past it (the sizes are sizeof() in openssl/sha.h on 64-bit Linux: 112 and 216 bytes).
public sealed unsafe class LibCryptoContextTests
{
    [Fact]
    public void The_layouts_have_the_sizes_of_the_OpenSSL_header()
    {
        Assert.Equal(112, ShaLayout.Sha256.ContextSize);
        Assert.Equal(216, ShaLayout.Sha512.ContextSize);
        Assert.Equal(ShaLayout.MaxContextSize, Math.Max(ShaLayout.Sha256.ContextSize, ShaLayout.Sha512.ContextSize));
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("sha512")]
    public void Init_update_and_final_write_nothing_beyond_the_context(string algorithm)
    {
        Assert.True(DigestHasher.CanExportState);
        var layout = ShaLayout.Find(algorithm)!;
        const byte Canary = 0xA5;
        var buffer = new byte[layout.ContextSize + 256];
        buffer.AsSpan().Fill(Canary);
        var data = new byte[3 * layout.BlockSize - 1]; // full blocks and a partial one
        new Random(1).NextBytes(data);
        var md = new byte[64];
        fixed (byte* c = buffer)
        fixed (byte* d = data)
        fixed (byte* m = md)
        {
            var is256 = layout == ShaLayout.Sha256;
            Assert.Equal(1, is256 ? LibCrypto.SHA256_Init(c) : LibCrypto.SHA512_Init(c));
            Assert.Equal(1, is256 ? LibCrypto.SHA256_Update(c, d, (nuint)data.Length) : LibCrypto.SHA512_Update(c, d, (nuint)data.Length));
            Assert.Equal((uint)(data.Length % layout.BlockSize), BitConverter.ToUInt32(buffer, layout.NumOffset));
            Assert.Equal((uint)layout.DigestSize, BitConverter.ToUInt32(buffer, layout.MdLenOffset));
            Assert.Equal(1, is256 ? LibCrypto.SHA256_Final(m, c) : LibCrypto.SHA512_Final(m, c));
        }
        Assert.All(buffer[layout.ContextSize..], b => Assert.Equal(Canary, b));
        Assert.Equal(Digest.Compute(data, algorithm).Encoded, Convert.ToHexStringLower(md.AsSpan(0, layout.DigestSize)));
    }
}
