using System.Data.Common;

namespace OrleansRegistry.Storage.Index;

/// <summary>
/// The one rule for which database failures are worth a retry: the driver's own transient verdict (connection lost,
/// server restarting) or too many connections (SQLSTATE 53300), wherever it sits in the exception chain (Orleans'
/// persistence providers and grain calls may wrap it).
/// </summary>
public static class DatabaseFailures
{
    private const string TooManyConnections = "53300";

    /// <summary>The database failure in <paramref name="exception"/>'s chain, or null when it is not one.</summary>
    public static DbException? Find(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is DbException db) return db;
        return null;
    }

    public static bool IsTransient(Exception exception) =>
        Find(exception) is { } failure && (failure.IsTransient || failure.SqlState == TooManyConnections);
}
