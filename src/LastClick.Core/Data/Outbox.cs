using System.Text.Json;
using LastClick.Common;

namespace LastClick.Data;

/// <summary>
/// Facts worth telling (a payout planned, approved, exported, a line returned, payout details changed), written in the
/// transaction of the change itself so that a message exists exactly when the change does. Delivery (email, postbacks,
/// the notification centre) reads them in id order.
/// </summary>
public static class Outbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Write(DbSession s, DateTimeOffset at, string kind, string subject, object payload, string? programId = null, string? publisherId = null) =>
        s.Write("""
            INSERT INTO outbox_messages (kind, program_id, publisher_id, subject, payload, at)
            VALUES (@kind, @programId, @publisherId, @subject, @payload, @at)
            """, new { kind, programId, publisherId, subject, payload = JsonSerializer.Serialize(payload, Json), at = Times.ToMicros(at) });

    public sealed record Message(long Id, string Kind, string? ProgramId, string? PublisherId, string Subject, string Payload, DateTimeOffset At);

    /// <summary>The messages about a publisher (or all, when null), oldest first.</summary>
    public static IReadOnlyList<Message> Read(DbSession s, string? publisherId = null, string? kind = null) =>
        s.Query<Row>("""
            SELECT id, kind, program_id, publisher_id, subject, payload, at FROM outbox_messages
            WHERE (@publisherId IS NULL OR publisher_id = @publisherId) AND (@kind IS NULL OR kind = @kind) ORDER BY id
            """, new { publisherId, kind })
            .Select(r => new Message(r.Id, r.Kind, r.ProgramId, r.PublisherId, r.Subject, r.Payload, Times.FromMicros(r.At))).ToList();

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Row
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string? ProgramId { get; set; }
        public string? PublisherId { get; set; }
        public string Subject { get; set; } = "";
        public string Payload { get; set; } = "";
        public long At { get; set; }
    }
#pragma warning restore CA1812
}
