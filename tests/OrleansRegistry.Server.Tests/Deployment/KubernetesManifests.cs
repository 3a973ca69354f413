using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace OrleansRegistry.Server.Tests.Deployment;

/// <summary>One YAML node of a manifest: a mapping, a sequence or a scalar, navigated by key.</summary>
public sealed class YamlNode(object? value, string path)
{
    public string Path { get; } = path;

    public bool Exists => value is not null;

    public YamlNode this[string key] =>
        new(value is IDictionary<object, object> map && map.TryGetValue(key, out var child) ? child : null, $"{Path}.{key}");

    public IReadOnlyList<YamlNode> Items =>
        value is IList<object> list ? list.Select((item, i) => new YamlNode(item, $"{Path}[{i}]")).ToList() : [];

    public IReadOnlyDictionary<string, string> Strings =>
        value is IDictionary<object, object> map
            ? map.ToDictionary(e => (string)e.Key, e => e.Value as string ?? "")
            : new Dictionary<string, string>();

    public string Text => value as string ?? throw new Xunit.Sdk.XunitException($"{Path} is not a scalar ({value ?? "missing"})");

    public int Int => int.Parse(Text);

    public YamlNode Named(string name) =>
        Items.SingleOrDefault(i => i["name"].Exists && i["name"].Text == name)
        ?? throw new Xunit.Sdk.XunitException($"{Path} has no item named '{name}'");
}

/// <summary>One Kubernetes resource of k8s/, with the file it came from.</summary>
public sealed record KubernetesManifest(string File, string Kind, string Name, YamlNode Root);

/// <summary>k8s/ of the checkout: every resource of every *.yaml file, the Dockerfile and the image docs/operations.md builds.</summary>
public sealed class KubernetesManifests
{
    public static readonly string Directory = Path.Combine(PostgresServer.RepoRoot, "k8s");

    public KubernetesManifests()
    {
        var deserializer = new DeserializerBuilder().Build();
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var parser = new Parser(new StringReader(File.ReadAllText(file)));
            parser.Consume<StreamStart>();
            while (parser.Accept<DocumentStart>(out _))
            {
                var root = new YamlNode(deserializer.Deserialize<object>(parser), Path.GetFileName(file));
                if (!root.Exists) continue;
                var name = root["metadata"]["name"]; // a Kustomization has none
                All.Add(new KubernetesManifest(Path.GetFileName(file), root["kind"].Text, name.Exists ? name.Text : "", root));
            }
        }
    }

    public List<KubernetesManifest> All { get; } = [];

    public KubernetesManifest Single(string kind) =>
        All.Where(m => m.Kind == kind).ToList() is [var only] ? only : throw new Xunit.Sdk.XunitException($"k8s/ should hold one {kind}");

    public YamlNode Deployment => Single("Deployment").Root;

    public YamlNode PodTemplate => Deployment["spec"]["template"];

    public YamlNode SiloContainer => Single(PodTemplate["spec"]["containers"].Items);

    public YamlNode JobContainer => Single(Single("Job").Root["spec"]["template"]["spec"]["containers"].Items);

    public YamlNode InitContainer => Single(PodTemplate["spec"]["initContainers"].Items);

    public IReadOnlyDictionary<string, string> PodLabels => PodTemplate["metadata"]["labels"].Strings;

    /// <summary>
    /// A container's environment as the kubelet would build it: envFrom ConfigMaps first, then env (which wins);
    /// a label fieldRef resolves to the pod label's value, other references to <c>fieldRef:PATH</c> or
    /// <c>secret:NAME/KEY</c>.
    /// </summary>
    public Dictionary<string, string> Environment(YamlNode container)
    {
        var env = new Dictionary<string, string>();
        foreach (var source in container["envFrom"].Items)
        {
            var configMap = All.Single(m => m.Kind == "ConfigMap" && m.Name == source["configMapRef"]["name"].Text);
            foreach (var (key, value) in configMap.Root["data"].Strings) env[key] = value;
        }
        foreach (var variable in container["env"].Items)
        {
            var name = variable["name"].Text;
            var from = variable["valueFrom"];
            if (!from.Exists) env[name] = variable["value"].Text;
            else if (from["secretKeyRef"].Exists)
                env[name] = $"secret:{from["secretKeyRef"]["name"].Text}/{from["secretKeyRef"]["key"].Text}";
            else if (from["configMapKeyRef"].Exists)
                env[name] = All.Single(m => m.Kind == "ConfigMap" && m.Name == from["configMapKeyRef"]["name"].Text)
                    .Root["data"][from["configMapKeyRef"]["key"].Text].Text;
            else
            {
                var path = from["fieldRef"]["fieldPath"].Text;
                var label = Regex.Match(path, @"^metadata\.labels\['(.+)'\]$");
                env[name] = label.Success ? PodLabels[label.Groups[1].Value] : $"fieldRef:{path}";
            }
        }
        return env;
    }

    /// <summary>k8s/Dockerfile's instructions in order (keyword, arguments), continuation lines joined.</summary>
    public static IReadOnlyList<(string Keyword, string Arguments)> Dockerfile()
    {
        var text = Regex.Replace(File.ReadAllText(Path.Combine(Directory, "Dockerfile")), @"\\\r?\n", " ");
        return text.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' ', 2) is [var keyword, var rest] ? (keyword.ToUpperInvariant(), rest.Trim()) : (line.ToUpperInvariant(), ""))
            .ToList();
    }

    /// <summary>The image docs/operations.md's "On Kubernetes" section builds: <c>docker build -f k8s/Dockerfile -t IMAGE .</c>.</summary>
    public static string DocumentedImage()
    {
        var operations = File.ReadAllText(Path.Combine(PostgresServer.RepoRoot, "docs", "operations.md"));
        var section = operations.IndexOf("### On Kubernetes", StringComparison.Ordinal);
        Assert.True(section >= 0, "docs/operations.md has no '### On Kubernetes' section");
        var build = Regex.Match(operations[section..], @"docker build -f k8s/Dockerfile -t (\S+) \.");
        Assert.True(build.Success, "docs/operations.md's '### On Kubernetes' shows no `docker build -f k8s/Dockerfile -t IMAGE .`");
        return build.Groups[1].Value;
    }

    private static YamlNode Single(IReadOnlyList<YamlNode> items) =>
        items is [var only] ? only : throw new Xunit.Sdk.XunitException($"expected exactly one container, found {items.Count}");
}
