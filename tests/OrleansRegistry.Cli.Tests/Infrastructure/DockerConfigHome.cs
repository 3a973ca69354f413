using System.Text.Json.Nodes;

namespace OrleansRegistry.Cli.Tests.Infrastructure;

/// <summary>
/// A private docker configuration directory for one test (what <c>DOCKER_CONFIG</c> points at) and the environment an
/// in-process oreg run sees: <c>DOCKER_CONFIG</c>, <c>PATH</c> with <see cref="BinDirectory"/> first (credential helpers
/// a test writes), nothing else (no <c>OREG_*</c>, no real home).
/// </summary>
public sealed class DockerConfigHome : IDisposable
{
    private readonly TempDirectory _root = new();

    public DockerConfigHome()
    {
        Directory.CreateDirectory(ConfigDirectory);
        Directory.CreateDirectory(BinDirectory);
    }

    public string ConfigDirectory => _root.Child("docker");

    public string ConfigPath => Path.Combine(ConfigDirectory, "config.json");

    public string BinDirectory => _root.Child("bin");

    public string Child(string name) => _root.Child(name);

    public string? Variable(string name) => name switch
    {
        "DOCKER_CONFIG" => ConfigDirectory,
        "PATH" => $"{BinDirectory}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}",
        _ => null,
    };

    /// <summary>The environment for oreg as a child process.</summary>
    public IReadOnlyDictionary<string, string> ProcessEnvironment => new Dictionary<string, string>
    {
        ["DOCKER_CONFIG"] = ConfigDirectory,
        ["PATH"] = Variable("PATH")!,
    };

    public JsonObject ReadConfig() => (JsonObject)JsonNode.Parse(File.ReadAllText(ConfigPath))!;

    public void WriteConfig(string json) => File.WriteAllText(ConfigPath, json);

    public void Dispose() => _root.Dispose();
}
