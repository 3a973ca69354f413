using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orleans.Configuration;
using OrleansRegistry.Grains.Uploads;
using OrleansRegistry.Server.Hosting;

namespace OrleansRegistry.Server.Tests.Deployment;

/// <summary>
/// k8s/ agrees with the server it deploys: every setting it passes is one the server reads, with a
/// value it can parse; the ports, probe paths, image, entry point and volumes are the server's; the grace period
/// covers the drain; the Role is what UseKubernetesHosting needs. No cluster runs here: this reads the files.
/// </summary>
public sealed class KubernetesManifestTests
{
    private readonly KubernetesManifests _k8s = new();

    private Dictionary<string, string> SiloEnv => _k8s.Environment(_k8s.SiloContainer);

    [Fact]
    public void Every_Registry_setting_names_a_real_option_and_its_value_parses()
    {
        var settings = new List<(string Where, string Name, string Value)>();
        foreach (var (where, container) in new[] { ("silo", _k8s.SiloContainer), ("initContainer", _k8s.InitContainer), ("Job", _k8s.JobContainer) })
            settings.AddRange(_k8s.Environment(container).Select(e => (where, e.Key, e.Value)));
        settings.AddRange(_k8s.All.Where(m => m.Kind == "ConfigMap").SelectMany(m => m.Root["data"].Strings.Select(e => ($"ConfigMap {m.Name}", e.Key, e.Value))));
        settings.AddRange(DockerfileEnv().Select(e => ("Dockerfile", e.Key, e.Value)));

        var registrySettings = settings.Where(s => s.Name.StartsWith(RegistryOptions.Section + "__", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(registrySettings);
        foreach (var (where, name, value) in registrySettings)
        {
            var property = RegistryProperty(name);
            Assert.True(property is not null, $"{where}: {name} is not a property of RegistryOptions (or its sections)");
            if (value.StartsWith("fieldRef:", StringComparison.Ordinal) || value.StartsWith("secret:", StringComparison.Ordinal)) continue;
            // What the configuration binder does with the string.
            var converter = TypeDescriptor.GetConverter(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
            var parsed = Record.Exception(() => converter.ConvertFromInvariantString(value));
            Assert.True(parsed is null, $"{where}: {name}='{value}' does not parse as {property.PropertyType.Name}: {parsed?.Message}");
        }

        // The settings a silo on Kubernetes cannot do without.
        Assert.Equal("AdoNet", SiloEnv["Registry__Clustering"]);
        Assert.Equal("true", SiloEnv["Registry__ListenOnAnyAddress"]);
        Assert.Equal("true", SiloEnv["Registry__KubernetesHosting"]);
        Assert.False(SiloEnv.ContainsKey("Registry__AdvertisedAddress"), "the silos advertise POD_IP; a fixed address would be the same for all");
    }

    [Fact]
    public void Container_ports_and_the_Dockerfile_expose_the_ports_the_server_listens_on()
    {
        var ports = _k8s.SiloContainer["ports"];
        var http = HttpPort(SiloEnv["ASPNETCORE_URLS"]);
        Assert.Equal(http, ports.Named("http")["containerPort"].Int);
        Assert.Equal(Setting<int>("SiloPort"), ports.Named("silo")["containerPort"].Int);
        Assert.Equal(Setting<int>("GatewayPort"), ports.Named("gateway")["containerPort"].Int);
        Assert.Equal(3, ports.Items.Count);

        var expose = KubernetesManifests.Dockerfile().Single(i => i.Keyword == "EXPOSE").Arguments
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Order();
        Assert.Equal(ports.Items.Select(p => p["containerPort"].Int).Order(), expose);
        Assert.Equal(http, HttpPort(DockerfileEnv()["ASPNETCORE_URLS"]));
    }

    [Fact]
    public void Probes_are_healthz_and_readyz_on_the_http_port()
    {
        var container = _k8s.SiloContainer;
        foreach (var (probe, path) in new[] { ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"), ("startupProbe", "/healthz") })
        {
            var get = container[probe]["httpGet"];
            Assert.True(get.Exists || probe == "startupProbe", $"the silo has no {probe} httpGet");
            if (!get.Exists) continue;
            Assert.Equal(path, get["path"].Text);
            Assert.Equal(HttpPort(SiloEnv["ASPNETCORE_URLS"]), ContainerPort(get["port"].Text));
        }
    }

    [Fact]
    public void Service_and_disruption_budget_select_the_silos_and_the_Service_targets_the_http_port()
    {
        var service = _k8s.Single("Service").Root["spec"];
        var http = service["ports"].Named("http");
        Assert.Equal(80, http["port"].Int);
        Assert.Equal(HttpPort(SiloEnv["ASPNETCORE_URLS"]), ContainerPort(http["targetPort"].Text));

        var jobLabels = _k8s.Single("Job").Root["spec"]["template"]["metadata"]["labels"].Strings;
        var budget = _k8s.Single("PodDisruptionBudget").Root["spec"];
        Assert.Equal(1, budget["maxUnavailable"].Int);
        foreach (var selector in new[] { service["selector"].Strings, budget["selector"]["matchLabels"].Strings, _k8s.Deployment["spec"]["selector"]["matchLabels"].Strings })
        {
            Assert.All(selector, l => Assert.Equal(l.Value, _k8s.PodLabels.GetValueOrDefault(l.Key)));
            Assert.False(selector.All(l => jobLabels.GetValueOrDefault(l.Key) == l.Value), "a silo selector also selects the migrate Job's pod");
            // UseKubernetesHosting patches orleans/* labels onto its pod: a selector on them could orphan the pod.
            Assert.DoesNotContain(selector.Keys, k => k.StartsWith("orleans/", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Deployment_the_Job_and_the_operations_doc_use_one_image_and_the_Job_migrates()
    {
        var image = KubernetesManifests.DocumentedImage();
        Assert.Matches(@"^orleans-registry:[\w.-]+$", image);
        Assert.Equal(image, _k8s.SiloContainer["image"].Text);
        Assert.Equal(image, _k8s.InitContainer["image"].Text);
        Assert.Equal(image, _k8s.JobContainer["image"].Text);
        Assert.Equal(3, _k8s.Deployment["spec"]["replicas"].Int);

        Assert.Equal(new[] { SchemaScriptRunner.Command }, _k8s.JobContainer["args"].Items.Select(a => a.Text));
        Assert.Equal(new[] { SchemaScriptRunner.Command, "--wait" }, _k8s.InitContainer["args"].Items.Select(a => a.Text).Take(2));
        Assert.False(_k8s.SiloContainer["args"].Exists || _k8s.SiloContainer["command"].Exists, "the silo container should run the image's entry point as it is");
    }

    [Fact]
    public void Dockerfile_builds_with_the_official_images_and_runs_the_server_assembly_as_non_root()
    {
        var instructions = KubernetesManifests.Dockerfile();
        var dotnet = $"{System.Environment.Version.Major}.0";
        Assert.Equal(new[] { $"mcr.microsoft.com/dotnet/sdk:{dotnet} AS build", $"mcr.microsoft.com/dotnet/aspnet:{dotnet}" },
            instructions.Where(i => i.Keyword == "FROM").Select(i => i.Arguments));

        var entryPoint = JsonSerializer.Deserialize<string[]>(instructions.Single(i => i.Keyword == "ENTRYPOINT").Arguments);
        Assert.Equal(new[] { "dotnet", Path.GetFileName(typeof(Program).Assembly.Location) }, entryPoint);

        var user = instructions.Last(i => i.Keyword == "USER").Arguments;
        Assert.DoesNotContain(user, new[] { "root", "0" });
        Assert.Equal("/data", DockerfileEnv()["Registry__DataDirectory"]);

        // The ignore file sits where BuildKit looks for it: beside the Dockerfile, named after it.
        Assert.True(File.Exists(Path.Combine(KubernetesManifests.Directory, "Dockerfile.dockerignore")));
        // sql/ is part of the build context (the image ships it for `migrate`).
        var ignored = File.ReadAllLines(Path.Combine(KubernetesManifests.Directory, "Dockerfile.dockerignore"));
        Assert.DoesNotContain(ignored, l => l.Trim() is "sql" or "sql/" or "src" or "src/");
    }

    [Fact]
    public void Grace_period_covers_the_preStop_sleep_and_the_shutdown_timeout()
    {
        var spec = _k8s.PodTemplate["spec"];
        var preStop = _k8s.SiloContainer["lifecycle"]["preStop"];
        var sleep = preStop["sleep"].Exists
            ? preStop["sleep"]["seconds"].Int
            : preStop["exec"]["command"].Items.Select(c => c.Text).ToArray() is ["sleep", var seconds] ? int.Parse(seconds)
            : throw new Xunit.Sdk.XunitException("preStop should be a plain sleep");
        Assert.True(sleep > 0);
        var shutdown = Setting<TimeSpan>("ShutdownTimeout");
        var grace = spec["terminationGracePeriodSeconds"].Int;
        Assert.True(grace > sleep + shutdown.TotalSeconds,
            $"terminationGracePeriodSeconds {grace} must exceed preStop {sleep} s + Registry__ShutdownTimeout {shutdown.TotalSeconds} s");
    }

    [Fact]
    public void Role_grants_pod_access_to_the_Deployment_service_account_and_the_ids_agree_with_the_pod_labels()
    {
        var rule = Assert.Single(_k8s.Single("Role").Root["rules"].Items);
        Assert.Equal(new[] { "pods" }, rule["resources"].Items.Select(r => r.Text));
        Assert.Equal(new[] { "get", "list", "patch", "watch" }, rule["verbs"].Items.Select(v => v.Text).Order());

        var binding = _k8s.Single("RoleBinding").Root;
        Assert.Equal(("Role", _k8s.Single("Role").Name), (binding["roleRef"]["kind"].Text, binding["roleRef"]["name"].Text));
        var account = _k8s.PodTemplate["spec"]["serviceAccountName"].Text;
        Assert.Equal(account, _k8s.Single("ServiceAccount").Name);
        var subject = Assert.Single(binding["subjects"].Items);
        Assert.Equal(("ServiceAccount", account, _k8s.Single("ServiceAccount").Root["metadata"]["namespace"].Text),
            (subject["kind"].Text, subject["name"].Text, subject["namespace"].Text));

        // UseKubernetesHosting selects pods by these labels and reads ORLEANS_*; the server configures Registry__*.
        var env = SiloEnv;
        Assert.Equal(_k8s.PodLabels["orleans/serviceId"], env["ORLEANS_SERVICE_ID"]);
        Assert.Equal(_k8s.PodLabels["orleans/serviceId"], env["Registry__ServiceId"]);
        Assert.Equal(_k8s.PodLabels["orleans/clusterId"], env["ORLEANS_CLUSTER_ID"]);
        Assert.Equal(_k8s.PodLabels["orleans/clusterId"], env["Registry__ClusterId"]);
        Assert.Equal("fieldRef:metadata.name", env["POD_NAME"]);
        Assert.Equal("fieldRef:metadata.namespace", env["POD_NAMESPACE"]);
        Assert.Equal("fieldRef:status.podIP", env[ClusterHosting.PodIpVariable]);
    }

    [Fact]
    public void Connection_string_comes_from_a_key_the_Secret_has()
    {
        var secret = _k8s.Single("Secret");
        var keys = secret.Root["stringData"].Strings.Keys.Concat(secret.Root["data"].Strings.Keys).ToList();
        foreach (var container in new[] { _k8s.SiloContainer, _k8s.InitContainer, _k8s.JobContainer })
        {
            var reference = _k8s.Environment(container)["ConnectionStrings__Registry"];
            var match = Regex.Match(reference, "^secret:(.+)/(.+)$");
            Assert.True(match.Success, $"{container.Path}: ConnectionStrings__Registry should come from a Secret, not '{reference}'");
            Assert.Equal(secret.Name, match.Groups[1].Value);
            Assert.Contains(match.Groups[2].Value, keys);
        }
        Assert.Contains("REPLACE", secret.Root["stringData"].Strings.Values.Single());
    }

    [Fact]
    public void Blob_volume_is_ReadWriteMany_and_mounted_at_the_data_directory()
    {
        var claim = _k8s.Single("PersistentVolumeClaim");
        Assert.Equal(new[] { "ReadWriteMany" }, claim.Root["spec"]["accessModes"].Items.Select(m => m.Text));
        var volume = _k8s.PodTemplate["spec"]["volumes"].Items.Single(v => v["persistentVolumeClaim"].Exists);
        Assert.Equal(claim.Name, volume["persistentVolumeClaim"]["claimName"].Text);
        var mount = _k8s.SiloContainer["volumeMounts"].Named(volume["name"].Text);
        Assert.Equal(Setting<string>("DataDirectory"), mount["mountPath"].Text);
        Assert.False(mount["readOnly"].Exists && mount["readOnly"].Text == "true");
    }

    [Fact]
    public void Pods_run_as_non_root()
    {
        foreach (var pod in new[] { _k8s.PodTemplate["spec"], _k8s.Single("Job").Root["spec"]["template"]["spec"] })
        {
            Assert.Equal("true", pod["securityContext"]["runAsNonRoot"].Text);
            Assert.NotEqual(0, pod["securityContext"]["runAsUser"].Int);
        }
        foreach (var container in new[] { _k8s.SiloContainer, _k8s.InitContainer, _k8s.JobContainer })
            Assert.Equal("false", container["securityContext"]["allowPrivilegeEscalation"].Text);
    }

    [Fact]
    public void Kustomization_lists_every_manifest_but_the_example_Secret_and_one_namespace_holds_them()
    {
        var kustomization = _k8s.All.Single(m => m.Kind == "Kustomization");
        var listed = kustomization.Root["resources"].Items.Select(r => r.Text).Order(StringComparer.Ordinal).ToList();
        var manifests = Directory.GetFiles(KubernetesManifests.Directory)
            .Select(f => Path.GetFileName(f))
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .Where(f => f != "kustomization.yaml" && !f.Contains(".example.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(manifests, listed);
        // The operator's Secret is never overwritten by `kubectl apply -k`.
        Assert.DoesNotContain(_k8s.Single("Secret").File, listed);

        var ns = kustomization.Root["namespace"].Text;
        Assert.Equal(ns, _k8s.Single("Namespace").Name);
        Assert.All(_k8s.All.Where(m => m.Kind is not ("Kustomization" or "Namespace")),
            m => Assert.Equal(ns, m.Root["metadata"]["namespace"].Text));
    }

    /// <summary>A RegistryOptions setting as the silo gets it (container env, else the option's default).</summary>
    private T Setting<T>(string name)
    {
        var property = typeof(RegistryOptions).GetProperty(name) ?? throw new ArgumentException(name);
        if (!SiloEnv.TryGetValue($"{RegistryOptions.Section}__{name}", out var text)) return (T)property.GetValue(new RegistryOptions())!;
        return (T)TypeDescriptor.GetConverter(typeof(T)).ConvertFromInvariantString(text)!;
    }

    private int ContainerPort(string nameOrNumber) =>
        int.TryParse(nameOrNumber, out var number) ? number : _k8s.SiloContainer["ports"].Named(nameOrNumber)["containerPort"].Int;

    private static int HttpPort(string urls)
    {
        var url = urls.Split(';').Single(u => u.StartsWith("http://", StringComparison.Ordinal));
        return int.Parse(Regex.Match(url, @":(\d+)/?$").Groups[1].Value);
    }

    private static Dictionary<string, string> DockerfileEnv()
    {
        var env = new Dictionary<string, string>();
        foreach (var (_, arguments) in KubernetesManifests.Dockerfile().Where(i => i.Keyword == "ENV"))
            foreach (Match pair in Regex.Matches(arguments, @"(\w+)=(\S*)"))
                env[pair.Groups[1].Value] = pair.Groups[2].Value;
        return env;
    }

    /// <summary>
    /// The property a <c>Registry__A__B</c> variable binds to: RegistryOptions' own, nested through class-typed
    /// properties, or one of the sections bound from <c>Registry:*</c> to other options (RegistryHostingExtensions,
    /// ClusterHosting). The configuration binder ignores case.
    /// </summary>
    private static PropertyInfo? RegistryProperty(string variable)
    {
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            ["Uploads"] = typeof(UploadOptions),
            [ClusterHosting.MembershipSection.Split(':')[1]] = typeof(ClusterMembershipOptions),
        };
        var segments = variable.Split("__")[1..];
        var type = typeof(RegistryOptions);
        PropertyInfo? property = null;
        for (var i = 0; i < segments.Length; i++)
        {
            property = type.GetProperty(segments[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null && i == 0 && sections.TryGetValue(segments[i], out var section) && segments.Length > 1)
            {
                type = section;
                continue;
            }
            if (property is null || (i < segments.Length - 1 && !property.PropertyType.IsClass)) return null;
            type = property.PropertyType;
        }
        return property is { CanWrite: true } ? property : null;
    }
}
