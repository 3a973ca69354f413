using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRegistry.Client.IO;

namespace OrleansRegistry.Client.Credentials;

/// <summary>
/// Docker's client configuration, <c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>, read and written
/// as a JSON tree so that every key this client does not know (<c>proxies</c>, <c>psFormat</c>, plugin settings...)
/// survives a write unchanged. Writes replace the file atomically (a new file renamed over it, owner-only from its
/// creation: it holds passwords), under an inter-process lock (on <c>config.json.lock</c> beside it) so two logins at
/// once both land.
/// </summary>
public sealed class DockerConfigFile
{
    public const string FileName = "config.json";
    public const string ConfigDirectoryVariable = "DOCKER_CONFIG";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentCharacter = '\t', IndentSize = 1 };

    public DockerConfigFile(string directory)
    {
        Directory = directory;
        Path = System.IO.Path.Combine(directory, FileName);
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary><c>$DOCKER_CONFIG</c> when set, else <c>.docker</c> in the home directory, as the docker CLI picks it.</summary>
    public static string DefaultDirectory(Func<string, string?> environment)
    {
        if (environment(ConfigDirectoryVariable) is { Length: > 0 } configured)
            return configured;
        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return System.IO.Path.Combine(home, ".docker");
    }

    /// <summary>The whole document; an empty object when the file does not exist.</summary>
    public async Task<JsonObject> ReadAsync(CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(Path, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialStoreException($"cannot read {Path}: {e.Message}", e);
        }
        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
            return [];
        try
        {
            return JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true }) as JsonObject
                ?? throw new CredentialStoreException($"{Path} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CredentialStoreException($"{Path} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads the document, lets <paramref name="change"/> edit it, and writes it back when it returns true; all under the
    /// lock, so concurrent updates by other processes are not lost.
    /// </summary>
    public async Task UpdateAsync(Func<JsonObject, bool> change, CancellationToken ct)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using var _ = await FileLock.AcquireAsync(Path + ".lock", LockTimeout, ct).ConfigureAwait(false);
            var document = await ReadAsync(ct).ConfigureAwait(false);
            if (!change(document))
                return;
            // A symlinked config.json (dotfile managers) stays a link: the target is what gets replaced.
            var file = new FileInfo(Path);
            var target = file.LinkTarget is null ? Path : file.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
            await using var ingest = IngestFile.Create(System.IO.Path.GetDirectoryName(target)!, OwnerOnly);
            var json = document.ToJsonString(Indented);
            await ingest.Stream.WriteAsync(Encoding.UTF8.GetBytes(json + "\n"), ct).ConfigureAwait(false);
            await ingest.CommitAsync(target, overwrite: true, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException)
        {
            throw new CredentialStoreException($"cannot write {Path}: {e.Message}", e);
        }
    }

    /// <summary><c>credsStore</c>: the helper that holds every registry's credentials unless <c>credHelpers</c> names another.</summary>
    public static string? CredsStore(JsonObject document) => Text(document["credsStore"]);

    /// <summary><c>credHelpers[registry]</c>: the helper for one registry.</summary>
    public static string? CredHelper(JsonObject document, string registry) =>
        document["credHelpers"] is JsonObject helpers ? Text(helpers[registry]) : null;

    /// <summary>A non-empty string value, else null (absent, empty, or not a string).</summary>
    internal static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
