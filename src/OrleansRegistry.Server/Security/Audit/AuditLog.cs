using System.Security.Claims;

namespace OrleansRegistry.Server.Security.Audit;

/// <summary>
/// One structured event per access decision (category <c>OrleansRegistry.Audit</c>): Subject, Action, Repository,
/// Outcome, RemoteAddress. Information for denials and writes, Debug for allowed reads (the hot path pays only the
/// IsEnabled check). Never a password or a token: only the subject the credentials proved.
/// </summary>
public sealed partial class AuditLog(ILoggerFactory loggers)
{
    public const string Category = Grains.Mirrors.MirrorAuditLog.Category;
    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public void Decision(HttpContext context, string action, string? repository, string outcome, bool isWrite)
    {
        var level = Level(outcome, isWrite);
        if (!_logger.IsEnabled(level)) return;
        Write(_logger, level, SubjectOf(context.User), action, repository ?? "", outcome, context.Connection.RemoteIpAddress?.ToString() ?? "");
    }

    /// <summary>A /v2 decision: the action is the scope's actions (<c>login</c> for a request that needs only a caller).</summary>
    public void Decision(HttpContext context, Core.Access.ResourceScope? scope, string outcome, bool isWrite)
    {
        if (!_logger.IsEnabled(Level(outcome, isWrite))) return; // the hot path (an allowed read) stops here
        Decision(context, scope is null ? "login" : string.Join(',', scope.Actions), scope?.Name, outcome, isWrite);
    }

    private static LogLevel Level(string outcome, bool isWrite) =>
        outcome is AuditOutcomes.Allowed or AuditOutcomes.Issued && !isWrite ? LogLevel.Debug : LogLevel.Information;

    /// <summary>The caller as limits and audit key it: the subject, or anonymous@address.</summary>
    public static string SubjectOf(ClaimsPrincipal user) => Caller.Subject(user) ?? "anonymous";

    [LoggerMessage(EventId = 7000, Message = "Access {Outcome}: {Subject} {Action} {Repository} from {RemoteAddress}")]
    private static partial void Write(ILogger logger, LogLevel level, string subject, string action, string repository, string outcome, string remoteAddress);
}

public static class AuditOutcomes
{
    public const string Allowed = "allowed";
    public const string Unauthenticated = "unauthenticated";
    public const string InsufficientScope = "insufficient_scope";
    public const string Denied = "denied";
    public const string Issued = "issued";
    public const string Refused = "refused";
}
