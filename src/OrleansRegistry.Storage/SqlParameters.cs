using Npgsql;
using NpgsqlTypes;
using OrleansRegistry.Core;

namespace OrleansRegistry.Storage;

/// <summary>
/// The typed parameters the PostgreSQL classes bind: names, tags and digests become text here, at the SQL boundary,
/// and nowhere before it.
/// </summary>
internal static class SqlParameters
{
    public static NpgsqlParameter<string> Text(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        return new NpgsqlParameter<string>(name, NpgsqlDbType.Text) { TypedValue = value };
    }

    public static NpgsqlParameter<string> Text(string name, RepositoryName value) => Text(name, value.Value);

    public static NpgsqlParameter<string> Text(string name, Tag value) => Text(name, value.Value);

    // The digest's canonical text is kept inside it: no string is built here.
    public static NpgsqlParameter<string> Text(string name, Digest value) => Text(name, value.ToString());

    public static NpgsqlParameter NullableText(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter<string[]> TextArray(string name, IEnumerable<string> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values.ToArray() };

    public static NpgsqlParameter<string[]> TextArray(string name, IEnumerable<RepositoryName> values) =>
        TextArray(name, values.Select(static value => value.Value));

    public static NpgsqlParameter<string[]> TextArray(string name, IEnumerable<Tag> values) =>
        TextArray(name, values.Select(static value => value.Value));

    public static NpgsqlParameter<string[]> TextArray(string name, IEnumerable<Digest> values) =>
        TextArray(name, values.Select(static value => value.ToString()));

    // timestamptz only accepts UTC offsets from Npgsql; the instant is what matters.
    public static NpgsqlParameter<DateTimeOffset> Timestamp(string name, DateTimeOffset value) =>
        new(name, NpgsqlDbType.TimestampTz) { TypedValue = value.ToUniversalTime() };

    public static NpgsqlParameter<DateTimeOffset[]> Timestamps(string name, IEnumerable<DateTimeOffset> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = values.Select(static value => value.ToUniversalTime()).ToArray() };
}
