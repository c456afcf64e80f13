using LastClick.Common;

namespace LastClick.Data;

public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Action, string Subject, string Detail);

/// <summary>
/// Who changed what (moderation decisions, program edits, keys, accounts, ranking runs): one append-only row per change,
/// written in the transaction of the change itself. The store refuses updates and deletes of it.
/// </summary>
public static class AuditLog
{
    public static void Append(DbSession s, DateTimeOffset at, string actor, string action, string subject, string detail) =>
        s.Execute("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (@at, @actor, @action, @subject, @detail)",
            new { at = Times.ToMicros(at), actor, action, subject, detail });

    /// <summary>The newest entries first; only those about exactly <paramref name="subject"/> ("publisher:x", "program:y") when given.</summary>
    public static IReadOnlyList<AuditEntry> Recent(DbSession s, int limit, string? subject = null) =>
        s.Query<Row>(subject is null
                ? "SELECT seq, at, actor, action, subject, detail FROM audit_log ORDER BY seq DESC LIMIT @limit"
                : "SELECT seq, at, actor, action, subject, detail FROM audit_log WHERE subject = @subject ORDER BY seq DESC LIMIT @limit",
            new { limit, subject })
        .Select(r => new AuditEntry(r.Seq, Times.FromMicros(r.At), r.Actor, r.Action, r.Subject, r.Detail)).ToList();

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Row
    {
        public long Seq { get; set; }
        public long At { get; set; }
        public string Actor { get; set; } = "";
        public string Action { get; set; } = "";
        public string Subject { get; set; } = "";
        public string Detail { get; set; } = "";
    }
#pragma warning restore CA1812
}
