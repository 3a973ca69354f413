using System.Security.Cryptography;

namespace OrleansRegistry.TestSupport;

/// <summary>Test bytes from a seed (a failure reproduces from the seed it names) and their digest as a registry names it.</summary>
public static class TestData
{
    public static byte[] RandomBytes(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>The <c>sha256:</c> digest of <paramref name="data"/>, lower-case hex.</summary>
    public static string Sha256(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));
}
