// Hashing throughput with 1 MiB appends (--kib to change), as an upload's body arrives: IncrementalHash (OpenSSL
// EVP, the old path) against DigestHasher's exportable state (OpenSSL low-level SHA-2), and DigestHasher saving and
// resuming its state after every append (the worst case of chunks landing on different silos).
//
//   dotnet run -c Release --project tests/OrleansRegistry.Bench.Hashing -- [--mib 2048] [--runs 5] [--kib 1024]
//
// Runs are interleaved so that noise from other work on the machine spreads over every variant; best and median.
using System.Diagnostics;
using System.Security.Cryptography;
using OrleansRegistry.Core;

var mib = ArgValue("--mib", 2048);
var runs = ArgValue("--runs", 5);
var kib = Math.Min(ArgValue("--kib", 1024), 64 * 1024);
var chunk = kib * 1024;
var appends = (int)((long)mib * 1024 / kib);
var source = new byte[64 << 20]; // appends cycle through 64 MiB, more than the CPU caches
new Random(1).NextBytes(source);

Console.WriteLine($"{mib} MiB per run in {kib} KiB appends, {runs} runs; CanExportState={DigestHasher.CanExportState}; " +
                  $"{Environment.ProcessorCount} CPUs, .NET {Environment.Version}");
if (!DigestHasher.CanExportState)
    Console.WriteLine("libcrypto.so.3 not usable: DigestHasher runs on IncrementalHash here");

var variants = new (string Name, Func<string, Digest> Run)[]
{
    ("IncrementalHash", IncrementalHashRun),
    ("DigestHasher", DigestHasherRun),
    ("DigestHasher, export+resume each append", ResumingRun),
};
var failed = false;
foreach (var algorithm in new[] { Digest.Sha256, Digest.Sha512 })
{
    var speeds = variants.Select(_ => new List<double>()).ToArray();
    var digests = new HashSet<Digest>();
    foreach (var v in variants)
        v.Run(algorithm); // warm-up: JIT, library load
    for (var run = 0; run < runs; run++)
    {
        for (var i = 0; i < variants.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            digests.Add(variants[i].Run(algorithm));
            speeds[i].Add((double)appends * chunk / clock.Elapsed.TotalSeconds / 1e9);
        }
    }
    for (var i = 0; i < variants.Length; i++)
    {
        var sorted = speeds[i].Order().ToArray();
        Console.WriteLine($"{algorithm}  {variants[i].Name,-40} best {sorted[^1],5:F2} GB/s  median {sorted[sorted.Length / 2],5:F2} GB/s");
    }
    if (digests.Count != 1)
    {
        Console.WriteLine($"{algorithm}: the variants disagree: {string.Join(", ", digests)}");
        failed = true;
    }
}
return failed ? 1 : 0;

Digest IncrementalHashRun(string algorithm)
{
    using var hash = IncrementalHash.CreateHash(algorithm == Digest.Sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA512);
    for (var i = 0; i < appends; i++)
        hash.AppendData(ChunkAt(i));
    return new Digest(algorithm, Convert.ToHexStringLower(hash.GetHashAndReset()));
}

Digest DigestHasherRun(string algorithm)
{
    using var hasher = DigestHasher.Create(algorithm);
    for (var i = 0; i < appends; i++)
        hasher.Append(ChunkAt(i));
    return hasher.GetCurrentDigest();
}

Digest ResumingRun(string algorithm)
{
    var hasher = DigestHasher.Create(algorithm);
    for (var i = 0; i < appends; i++)
    {
        hasher.Append(ChunkAt(i));
        var state = hasher.ExportState();
        if (state is null)
            continue; // IncrementalHash: nothing to export
        hasher.Dispose();
        if (!DigestHasher.TryResume(state, out hasher))
            throw new InvalidOperationException("state refused");
    }
    using (hasher)
        return hasher.GetCurrentDigest();
}

ReadOnlySpan<byte> ChunkAt(int i) => source.AsSpan((int)((long)i * chunk % (source.Length - chunk + 1)), chunk);

int ArgValue(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) && value > 0 ? value : fallback;
}
