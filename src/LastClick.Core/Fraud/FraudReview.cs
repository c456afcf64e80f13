using System.Text.Json;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Data;
using LastClick.Lifecycle;
using LastClick.Orders;
using LastClick.Tracking;

namespace LastClick.Fraud;

public static class FindingStatus
{
    public const string Open = "open", Confirmed = "confirmed", Dismissed = "dismissed";
    public static readonly IReadOnlyList<string> All = [Open, Confirmed, Dismissed];
}

/// <summary>A stored finding with its review: who decided what and why, and the publisher's answer.</summary>
public sealed record Finding(
    long Id, string Rule, string ProgramId, string PublisherId, string Sub1, string Day, int Score, string Summary, FindingEvidence Evidence,
    string Status, DateTimeOffset FoundAt, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason, string? DecisionNote,
    string? Reply, DateTimeOffset? RepliedAt);

/// <summary>What a run of the analytics did: the days it read and the findings it opened or refreshed.</summary>
public sealed record AnalysisRun(IReadOnlyList<string> Days, int Findings, int Opened);

/// <summary>What confirming a finding did to money: orders declined before payout, orders deducted after it.</summary>
public sealed record ConfirmResult(Finding Finding, int Declined, int Deducted, int Unchanged);

/// <summary>
/// Fraud review (product.md E4, C2): the analytics' findings stored per rule, publisher, sub id and day; an operator
/// confirms one (its orders are declined with <c>invalid_traffic</c> or <c>prohibited_practice</c>, the finding named in
/// each order's trace; those already paid out become antispam deductions, and the balance may go negative) or dismisses
/// it (kept, with who and why; no money moves); suspends a publisher's links. The publisher sees its confirmed findings
/// with their evidence and answers them. Every decision is in the audit log.
/// </summary>
public sealed class FraudReview(Store store, OrderService orders, LinkService links, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public const int MaxNote = 2000;

    /// <summary>The days the daily run reads: the three before today (UTC), so orders that come a day or two after their clicks join the evidence.</summary>
    public const int DailyDays = 3;

    /// <summary>The server's daily run: when a day has passed since the last run (by anyone), analyses the last <see cref="DailyDays"/> days.</summary>
    public bool RunIfDue(DateTimeOffset now)
    {
        if (store.Read(s => s.QuerySingleOrDefault<long?>("SELECT MAX(at) FROM audit_log WHERE action = 'fraud.analyzed' AND actor = 'system'")) is { } at
            && now - Times.FromMicros(at) < TimeSpan.FromDays(1))
        {
            return false;
        }
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        Analyze(today.AddDays(-DailyDays), today.AddDays(-1), "system");
        return true;
    }

    /// <summary>Analyses each UTC day from <paramref name="first"/> to <paramref name="last"/> and stores what it finds. Audited.</summary>
    public AnalysisRun Analyze(DateOnly first, DateOnly last, string actor)
    {
        if (first < new DateOnly(2000, 1, 1)) throw ProblemException.Invalid("from", "must be 2000-01-01 or later");
        if (last > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1)) throw ProblemException.Invalid("to", "must not be in the future");
        if (last < first) throw ProblemException.Invalid("to", "must not be before from");
        if (last.DayNumber - first.DayNumber >= 93) throw ProblemException.Invalid("to", "at most 93 days at a time");
        var days = new List<string>();
        int total = 0, opened = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var (count, added) = store.InSession(s => Store(s, TrafficAnalytics.Judge(TrafficAnalytics.Load(s, day))));
            days.Add(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            total += count;
            opened += added;
        }
        store.InSession(s => AuditLog.Append(s, clock.GetUtcNow(), actor, "fraud.analyzed", "fraud_findings",
            $"{days[0]}..{days[^1]}: {total} finding(s), {opened} new"));
        return new AnalysisRun(days, total, opened);
    }

    /// <summary>
    /// Stores drafts: a new key opens a finding; an open one is refreshed (score, summary, evidence: later orders of the
    /// same clicks join it); a decided one is left as it was decided. Returns how many drafts and how many were new.
    /// </summary>
    private (int Count, int Opened) Store(DbSession s, IReadOnlyList<FindingDraft> drafts)
    {
        var now = Times.ToMicros(clock.GetUtcNow());
        var opened = 0;
        foreach (var d in drafts)
        {
            var key = new { d.Rule, d.ProgramId, d.PublisherId, d.Sub1, day = d.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) };
            var evidence = JsonSerializer.Serialize(d.Evidence, Json);
            var updated = s.Execute("""
                UPDATE fraud_findings SET score = @Score, summary = @Summary, evidence = @evidence
                WHERE rule = @Rule AND program_id = @ProgramId AND publisher_id = @PublisherId AND sub1 = @Sub1 AND day = @day AND status = 'open'
                """, new { key.Rule, key.ProgramId, key.PublisherId, key.Sub1, key.day, d.Score, d.Summary, evidence });
            if (updated > 0) continue;
            // Decided findings of the same key are not reopened; orders they did not cover (a late order of the same day)
            // open a new finding of their own for the operator to decide.
            var decided = s.Query<string>("""
                SELECT evidence FROM fraud_findings
                WHERE rule = @Rule AND program_id = @ProgramId AND publisher_id = @PublisherId AND sub1 = @Sub1 AND day = @day AND status <> 'open'
                """, new { key.Rule, key.ProgramId, key.PublisherId, key.Sub1, key.day });
            if (decided.Count > 0)
            {
                var covered = decided.SelectMany(e => JsonSerializer.Deserialize<FindingEvidence>(e, Json)!.Orders).ToHashSet(StringComparer.Ordinal);
                if (d.Evidence.Orders.All(covered.Contains)) continue;
            }
            opened += s.Execute("""
                INSERT INTO fraud_findings (rule, program_id, publisher_id, sub1, day, score, summary, evidence, status, found_at)
                VALUES (@Rule, @ProgramId, @PublisherId, @Sub1, @day, @Score, @Summary, @evidence, 'open', @now)
                ON CONFLICT (rule, program_id, publisher_id, sub1, day) WHERE status = 'open' DO NOTHING
                """, new { key.Rule, key.ProgramId, key.PublisherId, key.Sub1, key.day, d.Score, d.Summary, evidence, now });
        }
        return (drafts.Count, opened);
    }

    /// <summary>Findings, newest first, filtered by status, publisher and rule; a publisher sees only its confirmed ones.</summary>
    public IReadOnlyList<Finding> List(string? status = null, string? publisherId = null, string? rule = null, int limit = 100, int offset = 0)
    {
        if (status is not null && !FindingStatus.All.Contains(status)) throw ProblemException.Invalid("status", $"one of {string.Join(", ", FindingStatus.All)}");
        if (rule is not null && !TrafficAnalytics.Rules.Contains(rule)) throw ProblemException.Invalid("rule", $"one of {string.Join(", ", TrafficAnalytics.Rules)}");
        if (limit is < 1 or > 500) throw ProblemException.Invalid("limit", "between 1 and 500");
        if (offset < 0) throw ProblemException.Invalid("offset", "must not be negative");
        return store.Read(s => (IReadOnlyList<Finding>)s.Query<Row>("""
            SELECT * FROM fraud_findings
            WHERE (@status IS NULL OR status = @status) AND (@publisherId IS NULL OR publisher_id = @publisherId) AND (@rule IS NULL OR rule = @rule)
            ORDER BY found_at DESC, id DESC LIMIT @limit OFFSET @offset
            """, new { status, publisherId, rule, limit, offset }).Select(ToFinding).ToList());
    }

    public Finding? Find(long id) => store.Read(s => Find(s, id));

    private static Finding? Find(DbSession s, long id) =>
        s.QuerySingleOrDefault<Row>("SELECT * FROM fraud_findings WHERE id = @id", new { id }) is { } row ? ToFinding(row) : null;

    /// <summary>A publisher's own confirmed finding as it may see it (<see cref="Redacted"/>); another's, or one not confirmed, is not found.</summary>
    public Finding? ForPublisher(string publisherId, long id) =>
        Find(id) is { Status: FindingStatus.Confirmed } f && f.PublisherId == publisherId ? Redacted(f) : null;

    /// <summary>A publisher's confirmed findings as it may see them, newest first.</summary>
    public IReadOnlyList<Finding> ForPublisher(string publisherId, int limit = 100, int offset = 0) =>
        [.. List(FindingStatus.Confirmed, publisherId, null, limit, offset).Select(Redacted)];

    /// <summary>
    /// What the publisher is shown of a finding: the rule, figures, its own orders and clicks and the decision's reason —
    /// not the operator's internal note or who decided, nor the buyers' IP addresses (personal data of third parties;
    /// their count stays).
    /// </summary>
    public static Finding Redacted(Finding f)
    {
        var figures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in f.Evidence.Figures)
        {
            if (name == "network") continue;
            figures[name] = name == "addresses" ? $"{value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length} distinct" : value;
        }
        return f with { Evidence = f.Evidence with { Figures = figures }, DecidedBy = null, DecisionNote = null };
    }

    /// <summary>
    /// Confirms an open finding: each of its orders still credited to the publisher and not declined is declined with
    /// <paramref name="reason"/> (default: the rule's), the finding named in its trace; paid ones are deducted. One transaction.
    /// </summary>
    public ConfirmResult Confirm(long id, string actor, string? reason, string? note)
    {
        if (reason is not null && reason is not (Commission.Reasons.InvalidTraffic or Commission.Reasons.ProhibitedPractice))
        {
            throw ProblemException.Invalid("reason", $"one of {Commission.Reasons.InvalidTraffic}, {Commission.Reasons.ProhibitedPractice}");
        }
        CheckNote(note, required: false);
        return store.InSession(s =>
        {
            var finding = Open(s, id);
            var code = reason ?? TrafficAnalytics.DeclineReason(finding.Rule);
            var now = clock.GetUtcNow();
            var fact = new FindingFact(id, code, now);
            var line = $"finding #{id} ({finding.Rule}) confirmed by {actor}: {code}";
            int declined = 0, deducted = 0, unchanged = 0;
            foreach (var orderId in finding.Evidence.Orders)
            {
                var paidOut = s.Query<bool>("SELECT paid_out FROM orders WHERE id = @orderId", new { orderId }).FirstOrDefault();
                if (!orders.DeclineByFinding(s, orderId, finding.PublisherId, fact, line)) unchanged++;
                else if (paidOut) deducted++;
                else declined++;
            }
            s.Execute("""
                UPDATE fraud_findings SET status = 'confirmed', decided_by = @actor, decided_at = @at, decision_reason = @code, decision_note = @note WHERE id = @id
                """, new { id, actor, at = Times.ToMicros(now), code, note });
            AuditLog.Append(s, now, actor, "fraud_finding.confirmed", $"fraud_finding/{id}",
                $"{finding.Rule} {finding.PublisherId}: {code}; {declined} declined, {deducted} deducted, {unchanged} unchanged{(note is null ? "" : $"; {note}")}");
            // Its own support thread (I3): the decision first, the publisher's answers after.
            Support.SupportService.OpenOwn(s, finding.PublisherId, finding.ProgramId, Support.SupportTopics.Fraud, $"Traffic finding #{id}",
                new Support.SupportAbout(Support.SupportAbout.Finding, id.ToString(System.Globalization.CultureInfo.InvariantCulture)), Support.SupportSides.Operator, actor,
                note ?? "", FindingStatus.Confirmed, code, now);
            Outbox.Write(s, now, "fraud_confirmed", $"fraud_finding:{id}", new { finding = id, publisher = finding.PublisherId, rule = finding.Rule, reason = code,
                declined, deducted, eventTime = now }, publisherId: finding.PublisherId);
            return new ConfirmResult(Find(s, id)!, declined, deducted, unchanged);
        });
    }

    /// <summary>Dismisses an open finding with a note saying why; no money moves.</summary>
    public Finding Dismiss(long id, string actor, string? note)
    {
        CheckNote(note, required: true);
        return store.InSession(s =>
        {
            var finding = Open(s, id);
            var now = clock.GetUtcNow();
            s.Execute("UPDATE fraud_findings SET status = 'dismissed', decided_by = @actor, decided_at = @at, decision_note = @note WHERE id = @id",
                new { id, actor, at = Times.ToMicros(now), note });
            AuditLog.Append(s, now, actor, "fraud_finding.dismissed", $"fraud_finding/{id}", $"{finding.Rule} {finding.PublisherId}: {note}");
            return Find(s, id)!;
        });
    }

    /// <summary>The publisher's answer to one of its confirmed findings (the operator reads it on the finding); a new answer replaces the last.</summary>
    public Finding Reply(string publisherId, long id, string? note) => store.InSession(s =>
        {
            // Another publisher's finding is not found, whatever the answer says.
            if (Find(s, id) is not { Status: FindingStatus.Confirmed } finding || finding.PublisherId != publisherId)
            {
                throw new ProblemException(Problem.NotFound("finding", $"no confirmed finding {id}"));
            }
            CheckNote(note, required: true);
            var now = clock.GetUtcNow();
            s.Execute("UPDATE fraud_findings SET reply = @note, replied_at = @at WHERE id = @id", new { id, note, at = Times.ToMicros(now) });
            AuditLog.Append(s, now, $"publisher:{publisherId}", "fraud_finding.replied", $"fraud_finding/{id}", note!);
            Support.SupportService.AddAnswer(s, publisherId, finding.ProgramId, Support.SupportTopics.Fraud, $"Traffic finding #{id}",
                new Support.SupportAbout(Support.SupportAbout.Finding, id.ToString(System.Globalization.CultureInfo.InvariantCulture)), note!.Trim(), now);
            return Find(s, id)!;
        });

    /// <summary>Suspends (or restores) every link of a publisher: their clicks still redirect but are invalid (<c>suspended</c>). Audited.</summary>
    public int SuspendLinks(string publisherId, bool suspend, string actor, string? note)
    {
        CheckNote(note, required: suspend);
        return links.SetSuspended(publisherId, suspend, actor, note);
    }

    private static Finding Open(DbSession s, long id)
    {
        if (s.Provider == StoreProvider.Postgres) s.Query<long>("SELECT id FROM fraud_findings WHERE id = @id FOR UPDATE", new { id });
        var finding = Find(s, id) ?? throw new ProblemException(Problem.NotFound("finding", $"no finding {id}"));
        return finding.Status == FindingStatus.Open ? finding
            : throw new ProblemException(Problem.Conflict("finding", $"finding {id} is {finding.Status} already"));
    }

    private static void CheckNote(string? note, bool required)
    {
        if (required && string.IsNullOrWhiteSpace(note)) throw ProblemException.Invalid("note", "is required: say why");
        if (note is { Length: > MaxNote }) throw ProblemException.Invalid("note", $"at most {MaxNote} characters");
    }

    private static Finding ToFinding(Row r) => new(r.Id, r.Rule, r.ProgramId, r.PublisherId, r.Sub1, r.Day, (int)r.Score, r.Summary,
        JsonSerializer.Deserialize<FindingEvidence>(r.Evidence, Json)!, r.Status, Times.FromMicros(r.FoundAt), r.DecidedBy,
        r.DecidedAt is { } d ? Times.FromMicros(d) : null, r.DecisionReason, r.DecisionNote, r.Reply, r.RepliedAt is { } at ? Times.FromMicros(at) : null);

#pragma warning disable CA1812 // instantiated by Dapper
    private sealed class Row
    {
        public long Id { get; set; }
        public string Rule { get; set; } = "";
        public string ProgramId { get; set; } = "";
        public string PublisherId { get; set; } = "";
        public string Sub1 { get; set; } = "";
        public string Day { get; set; } = "";
        public long Score { get; set; }
        public string Summary { get; set; } = "";
        public string Evidence { get; set; } = "{}";
        public string Status { get; set; } = "";
        public long FoundAt { get; set; }
        public string? DecidedBy { get; set; }
        public long? DecidedAt { get; set; }
        public string? DecisionReason { get; set; }
        public string? DecisionNote { get; set; }
        public string? Reply { get; set; }
        public long? RepliedAt { get; set; }
    }
#pragma warning restore CA1812
}
