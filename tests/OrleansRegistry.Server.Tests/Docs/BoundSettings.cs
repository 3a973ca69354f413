using System.Collections;
using System.Reflection;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansRegistry.Grains.Collection;
using OrleansRegistry.Grains.Mirrors;
using OrleansRegistry.Grains.Uploads;
using OrleansRegistry.Server.Hosting;
using OrleansRegistry.Server.Hosting.Limits;
using OrleansRegistry.Server.Hosting.Tls;
using OrleansRegistry.Server.Security;
using OrleansRegistry.Storage.Blobs.S3;

namespace OrleansRegistry.Server.Tests.Docs;

/// <summary>
/// Every setting the server binds from configuration: each options class at the section the hosting code binds it
/// from (the sections are the code's own constants), its settable properties by reflection, nested options objects and
/// lists of them recursed; plus the few keys read one by one.
/// </summary>
public static class BoundSettings
{
    /// <summary>Section path → the options type bound there (Hosting/*, Security/SecurityHosting, Hosting/MirrorHosting).</summary>
    public static readonly IReadOnlyList<(string Section, Type Options)> Sections =
    [
        (RegistryOptions.Section, typeof(RegistryOptions)),
        ($"{RegistryOptions.Section}:Uploads", typeof(UploadOptions)),
        (TlsOptions.Section, typeof(TlsOptions)),
        (LimitsOptions.Section, typeof(LimitsOptions)),
        ($"{BlobStoreHosting.Section}:S3", typeof(S3BlobStoreOptions)),
        (AuthOptions.Section, typeof(AuthOptions)),
        (GarbageCollectionOptions.Section, typeof(GarbageCollectionOptions)),
        (RetentionOptions.Section, typeof(RetentionOptions)),
        (DashboardHosting.Section, typeof(DashboardOptions)),
        (ClusterHosting.MembershipSection, typeof(ClusterMembershipOptions)),
        // A list at the section's root: Registry:Mirrors:0:Url, Registry:Mirrors:1:Url, …
        ($"{MirrorOptions.Section}:{SettingKeys.Index}", typeof(MirrorOptions)),
    ];

    /// <summary>Keys the code reads by name rather than through an options class.</summary>
    public static readonly IReadOnlyList<string> ReadByName =
    [
        "ConnectionStrings:Registry",
        $"{BlobStoreHosting.Section}:Type",
        $"{DashboardHosting.Section}:Enabled",
    ];

    /// <summary>Options classes of the registry that are not bound from configuration, and why.</summary>
    public static readonly IReadOnlyDictionary<Type, string> NotBound = new Dictionary<Type, string>
    {
        [typeof(UploadQuotaOptions)] = "filled from Registry:Limits:MaxUploadSessionsPerIdentity",
    };

    public static IReadOnlyList<string> All() =>
        [.. ReadByName, .. Sections.SelectMany(s => KeysOf(s.Options, s.Section.Split(':')))];

    /// <summary>Every options type reachable from <see cref="Sections"/>, nested ones included.</summary>
    public static IReadOnlySet<Type> ReachableTypes()
    {
        var types = new HashSet<Type>();
        foreach (var (_, options) in Sections) Collect(options, types);
        return types;
    }

    private static IEnumerable<string> KeysOf(Type type, IReadOnlyList<string> prefix)
    {
        foreach (var property in Settable(type))
        {
            string[] path = [.. prefix, property.Name];
            if (NestedOptions(property.PropertyType) is { } nested)
            {
                var item = ListItem(property.PropertyType) is not null;
                foreach (var key in KeysOf(nested, item ? [.. path, SettingKeys.Index] : path)) yield return key;
            }
            else yield return SettingKeys.Normalize(path);
        }
    }

    private static void Collect(Type type, HashSet<Type> types)
    {
        if (!types.Add(type)) return;
        foreach (var property in Settable(type))
            if (NestedOptions(property.PropertyType) is { } nested) Collect(nested, types);
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    /// <summary>The options class a property holds (itself, or as a list's item); null for a value, array of values or dictionary.</summary>
    private static Type? NestedOptions(Type type)
    {
        var candidate = ListItem(type) ?? type;
        return IsValue(candidate) || typeof(IDictionary).IsAssignableFrom(type) ? null : candidate;
    }

    private static Type? ListItem(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;
    }

    private static bool IsValue(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
            || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Uri) || t == typeof(Guid);
    }
}
