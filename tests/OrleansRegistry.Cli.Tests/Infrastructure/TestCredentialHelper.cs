using System.Text.Json.Nodes;

namespace OrleansRegistry.Cli.Tests.Infrastructure;

/// <summary>
/// A real Docker credential helper, <c>docker-credential-NAME</c>: a shell script (sh and jq) speaking the helper
/// protocol on stdin/stdout, keeping each server's JSON in a file of its own and logging every action it was asked
/// for, so a test sees what oreg asked the helper to do and what it holds.
/// </summary>
public sealed class TestCredentialHelper
{
    private readonly string _store;

    public TestCredentialHelper(DockerConfigHome home, string name = "test")
    {
        Name = name;
        _store = home.Child($"helper-{name}");
        Directory.CreateDirectory(_store);
        var script = Path.Combine(home.BinDirectory, $"docker-credential-{name}");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            set -eu
            store='{{_store}}'
            key() { printf '%s' "$1" | tr -c 'A-Za-z0-9.-' '_'; }
            echo "$1" >> "$store/calls"
            case "$1" in
              store)
                input=$(cat)
                server=$(printf '%s' "$input" | jq -er .ServerURL)
                printf '%s' "$input" > "$store/$(key "$server").json" ;;
              get|erase)
                server=$(cat)
                file="$store/$(key "$server").json"
                if [ ! -f "$file" ]; then echo "credentials not found in native keychain"; exit 1; fi
                if [ "$1" = get ]; then cat "$file"; else rm "$file"; fi ;;
              *) echo "unknown action $1" >&2; exit 2 ;;
            esac
            """.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Name { get; }

    /// <summary>Every action asked for so far, in order.</summary>
    public IReadOnlyList<string> Calls =>
        File.Exists(Path.Combine(_store, "calls")) ? File.ReadAllLines(Path.Combine(_store, "calls")) : [];

    /// <summary>What the helper holds for <paramref name="server"/> (<c>ServerURL</c>, <c>Username</c>, <c>Secret</c>), or null.</summary>
    public JsonObject? Stored(string server)
    {
        var file = Path.Combine(_store, new string(server.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray()) + ".json");
        return File.Exists(file) ? (JsonObject)JsonNode.Parse(File.ReadAllText(file))! : null;
    }
}
