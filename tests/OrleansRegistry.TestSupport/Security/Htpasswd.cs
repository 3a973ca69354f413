using OrleansRegistry.TestSupport.Interop;

namespace OrleansRegistry.TestSupport.Security;

/// <summary>htpasswd files as operators make them: <c>htpasswd -Bbn USER PASSWORD</c> (apache2-utils), bcrypt <c>$2y$</c>.</summary>
public static class Htpasswd
{
    public static async Task<string> EntryAsync(string user, string password)
    {
        var result = await ExternalCommand.RunAsync("htpasswd", ["-Bbn", user, password], timeout: TimeSpan.FromSeconds(30));
        if (result.ExitCode != 0) throw new InvalidOperationException($"htpasswd failed: {result.Stderr}");
        return System.Text.Encoding.UTF8.GetString(result.Stdout).Trim() + "\n";
    }

    public static async Task WriteAsync(string path, IEnumerable<(string User, string Password)> users)
    {
        var entries = await Task.WhenAll(users.Select(u => EntryAsync(u.User, u.Password)));
        await File.WriteAllTextAsync(path, string.Concat(entries));
    }
}
