using Npgsql;
using NpgsqlTypes;

namespace OrleansRegistry.Storage.Collection;

/// <summary>The typed parameters the collection queries bind.</summary>
internal static class CollectionParameters
{
    public static NpgsqlParameter<string> Text(string name, string value) => new(name, NpgsqlDbType.Text) { TypedValue = value };

    public static NpgsqlParameter<string[]> TextArray(string name, IReadOnlyCollection<string> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values.ToArray() };

    // timestamptz takes UTC instants from Npgsql.
    public static NpgsqlParameter<DateTimeOffset> Instant(string name, DateTimeOffset value) =>
        new(name, NpgsqlDbType.TimestampTz) { TypedValue = value.ToUniversalTime() };
}
