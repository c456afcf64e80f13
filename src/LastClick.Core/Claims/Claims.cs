using System.Globalization;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Data;
using LastClick.Orders;
using LastClick.Programs;

namespace LastClick.Claims;

/// <summary>What a publisher files: the order it believes was not tracked, as it knows it.</summary>
public sealed record ClaimRequest(string ProgramId, string OrderId, DateOnly OrderDate, decimal Amount, string Currency, string Comment);

public sealed record Claim(
    long Id, string PublisherId, string ProgramId, string OrderId, DateOnly OrderDate, decimal Amount, string Currency, string Comment,
    string Status, string? Reason, string? Note, DateTimeOffset FiledAt, string? DecidedBy, DateTimeOffset? DecidedAt);

/// <summary>What the operator sees beside a claim: the marketplace's order of that id, if it reported one, and how it differs.</summary>
public sealed record ClaimEvidence(OrderView? Order, IReadOnlyList<string> Differences);

/// <summary>
/// Missing-order claims: a publisher files one; the operator resolves it against the order the marketplace reported.
/// Accepted: the order, credited to nobody until then, is credited to the publisher with a trace entry naming the claim
/// and who accepted it (<see cref="OrderService.CreditByClaim"/>). Declined: with a reason code the publisher reads.
/// Every decision is in the audit log.
/// </summary>
public sealed class ClaimService(Store store, ProgramCatalog programs, OrderService orders, TimeProvider clock)
{
    public static class Reasons
    {
        public const string NotReported = "not_reported";
        public const string CreditedToOther = "credited_to_other";
        public const string AlreadyCredited = "already_credited";
        public const string DoesNotMatch = "does_not_match";
        public const string OrderDeclined = "order_declined";
        public const string NoEvidence = "no_evidence";
        public const string Other = "other";

        public static readonly IReadOnlyList<string> All = [NotReported, CreditedToOther, AlreadyCredited, DoesNotMatch, OrderDeclined, NoEvidence, Other];
    }

    /// <summary>A claimed order's date as the API and the form give it (yyyy-MM-dd).</summary>
    public static DateOnly ParseDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
            : throw ProblemException.Invalid("orderDate", "expected yyyy-MM-dd");

    /// <summary>How far back an order may be claimed.</summary>
    public static readonly TimeSpan ClaimWindow = TimeSpan.FromDays(90);

    public Claim File(string publisherId, ClaimRequest request) => store.InSession(s =>
    {
        var program = programs.Get(request.ProgramId, "program");
        if (Publishers.Applications.MembershipProblem(s, publisherId, program.Id) is { } refused) throw ProblemException.Invalid("program", refused);
        if (string.IsNullOrWhiteSpace(request.OrderId) || request.OrderId.Length > 64) throw ProblemException.Invalid("orderId", "is required, at most 64 characters");
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (request.OrderDate > today) throw ProblemException.Invalid("orderDate", "is in the future");
        if (request.OrderDate < today.AddDays(-(int)ClaimWindow.TotalDays)) throw ProblemException.Invalid("orderDate", $"orders older than {ClaimWindow.TotalDays:0} days cannot be claimed");
        if (!Currency.TryFind(request.Currency, out var currency)) throw ProblemException.Invalid("currency", $"unknown currency '{request.Currency}'");
        if (request.Amount <= 0m || currency.Round(request.Amount) != request.Amount) throw ProblemException.Invalid("amount", $"a positive amount with at most {currency.MinorDigits} decimals");
        Limits.CheckAmount(request.Amount, "amount");
        if (string.IsNullOrWhiteSpace(request.Comment) || request.Comment.Length > 2000) throw ProblemException.Invalid("comment", "is required, at most 2,000 characters");
        if (s.QuerySingleOrDefault<long?>("SELECT id FROM claims WHERE publisher_id = @publisherId AND order_id = @OrderId AND status = 'open'",
                new { publisherId, request.OrderId }) is { } open)
        {
            throw new ProblemException(Problem.Conflict("orderId", $"claim #{open} for order '{request.OrderId}' is still open"));
        }
        var id = s.Scalar<long>("""
            INSERT INTO claims (publisher_id, program_id, order_id, order_date, amount_minor, currency, comment, status, filed_at)
            VALUES (@publisherId, @ProgramId, @OrderId, @date, @amount, @Currency, @Comment, 'open', @at) RETURNING id
            """, new
        {
            publisherId, request.ProgramId, request.OrderId, date = request.OrderDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            amount = currency.ToMinor(request.Amount), Currency = currency.Code, Comment = request.Comment.Trim(), at = Times.ToMicros(now),
        });
        AuditLog.Append(s, now, "publisher:" + publisherId, "claim.filed", Subject(id), $"order {request.OrderId}");
        // Its own support thread (I3): the comment first, the decision and any answers after.
        Support.SupportService.OpenOwn(s, publisherId, request.ProgramId, Support.SupportTopics.Claim, $"Missing order {request.OrderId}",
            new Support.SupportAbout(Support.SupportAbout.Claim, id.ToString(CultureInfo.InvariantCulture)), Support.SupportSides.Publisher,
            Support.SupportService.Actor(publisherId), request.Comment.Trim(), null, null, now);
        Outbox.Write(s, now, "claim_filed", Subject(id), new { claim = id, publisher = publisherId, program = request.ProgramId, orderId = request.OrderId,
            amount = currency.Format(request.Amount), currency = currency.Code, eventTime = now }, request.ProgramId, publisherId);
        return Find(s, id)!;
    });

    public IReadOnlyList<Claim> ForPublisher(string publisherId) => store.Read(s =>
        (IReadOnlyList<Claim>)s.Query<Row>(Select + " WHERE publisher_id = @publisherId ORDER BY filed_at DESC, id DESC", new { publisherId }).Select(ToClaim).ToList());

    /// <summary>The operator's list: open claims oldest first, or decided ones newest first.</summary>
    public IReadOnlyList<Claim> ByStatus(string status, int limit = 200) => store.Read(s =>
        (IReadOnlyList<Claim>)s.Query<Row>(Select + (status == "open"
            ? " WHERE status = 'open' ORDER BY filed_at, id LIMIT @limit"
            : " WHERE status = @status ORDER BY decided_at DESC, id DESC LIMIT @limit"), new { status, limit }).Select(ToClaim).ToList());

    public Claim? Find(long id) => store.Read(s => Find(s, id));

    private static Claim? Find(DbSession s, long id) => s.QuerySingleOrDefault<Row>(Select + " WHERE id = @id", new { id }) is { } r ? ToClaim(r) : null;

    /// <summary>The marketplace's order with the claimed id and what does not match the claim (program, day, amount, credit).</summary>
    public ClaimEvidence Evidence(Claim claim) => store.Read(s =>
    {
        var order = OrderService.Find(s, claim.OrderId);
        if (order is null) return new ClaimEvidence(null, ["the marketplace has not reported this order"]);
        var differences = new List<string>();
        if (order.Program != claim.ProgramId) differences.Add($"the order is in {order.Program}, the claim says {claim.ProgramId}");
        var day = DateOnly.FromDateTime(Times.FromMicros(s.Scalar<long>("SELECT at FROM orders WHERE id = @OrderId", new { claim.OrderId })).UtcDateTime);
        if (Math.Abs(day.DayNumber - claim.OrderDate.DayNumber) > 1) differences.Add($"the order was placed on {day:yyyy-MM-dd}, the claim says {claim.OrderDate:yyyy-MM-dd}");
        if (order.OrderCurrency != claim.Currency || decimal.Parse(order.Amount, CultureInfo.InvariantCulture) != claim.Amount)
        {
            differences.Add($"the order amounts to {order.Amount} {order.OrderCurrency}, the claim says {Decimals.Canonical(claim.Amount)} {claim.Currency}");
        }
        if (order.Publisher == claim.PublisherId) differences.Add("the order is already credited to this publisher");
        else if (order.Publisher is not null) differences.Add($"the order is credited to {order.Publisher} by its click");
        if (order.Status == "declined") differences.Add($"the order is declined ({order.Reason})");
        return new ClaimEvidence(order, differences);
    });

    /// <summary>Accepts an open claim: the order is credited to the claimant (see the class). Conflicts leave everything as it was.</summary>
    public Claim Accept(long id, string actor, string? note) => store.InSession(s =>
    {
        var claim = Open(s, id);
        if (OrderService.Find(s, claim.OrderId) is { } order && order.Program != claim.ProgramId)
        {
            throw new ProblemException(Problem.Conflict("claim", $"order '{claim.OrderId}' is in {order.Program}, not {claim.ProgramId}"));
        }
        var detail = $"missing-order claim #{id} accepted by {actor}" + (string.IsNullOrWhiteSpace(note) ? "" : $": {note.Trim()}");
        orders.CreditByClaim(s, claim.OrderId, claim.PublisherId, new TraceStep("claim", detail));
        return Decide(s, claim, "accepted", null, note, actor);
    });

    /// <summary>Declines an open claim with a reason code (and a note the publisher reads).</summary>
    public Claim Decline(long id, string actor, string reason, string? note)
    {
        if (!Reasons.All.Contains(reason)) throw ProblemException.Invalid("reason", $"one of {string.Join(", ", Reasons.All)}");
        return store.InSession(s => Decide(s, Open(s, id), "declined", reason, note, actor));
    }

    private static Claim Open(DbSession s, long id)
    {
        if (s.Provider == StoreProvider.Postgres) s.Query<long>("SELECT id FROM claims WHERE id = @id FOR UPDATE", new { id });
        var claim = Find(s, id) ?? throw new ProblemException(Problem.NotFound("claim", $"no claim #{id}"));
        return claim.Status == "open" ? claim : throw new ProblemException(Problem.Conflict("claim", $"claim #{id} was already {claim.Status}"));
    }

    private Claim Decide(DbSession s, Claim claim, string status, string? reason, string? note, string actor)
    {
        if (note is { Length: > 2000 }) throw ProblemException.Invalid("note", "at most 2,000 characters");
        var now = clock.GetUtcNow();
        s.Execute("UPDATE claims SET status = @status, reason = @reason, note = @note, decided_by = @actor, decided_at = @at WHERE id = @Id",
            new { status, reason, note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(), actor, at = Times.ToMicros(now), claim.Id });
        AuditLog.Append(s, now, actor, "claim." + status, Subject(claim.Id), reason is null ? $"order {claim.OrderId}" : $"order {claim.OrderId}: {reason}");
        var decided = Find(s, claim.Id)!;
        Support.SupportService.AddEvent(s, new Support.SupportAbout(Support.SupportAbout.Claim, claim.Id.ToString(CultureInfo.InvariantCulture)), actor,
            decided.Note ?? "", status, reason, close: true, now);
        Outbox.Write(s, now, "claim_decided", Subject(claim.Id), new { claim = claim.Id, publisher = decided.PublisherId, program = decided.ProgramId, orderId = decided.OrderId,
            status, reason, note = decided.Note, eventTime = now }, decided.ProgramId, decided.PublisherId);
        return decided;
    }

    private static string Subject(long id) => $"claim:{id}";

    private const string Select =
        "SELECT id, publisher_id, program_id, order_id, order_date, amount_minor, currency, comment, status, reason, note, filed_at, decided_by, decided_at FROM claims";

    private static Claim ToClaim(Row r) => new(r.Id, r.PublisherId, r.ProgramId, r.OrderId, DateOnly.ParseExact(r.OrderDate, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        Currency.Of(r.Currency).FromMinor(r.AmountMinor), r.Currency, r.Comment, r.Status, r.Reason, r.Note, Times.FromMicros(r.FiledAt), r.DecidedBy,
        r.DecidedAt is { } d ? Times.FromMicros(d) : null);

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Row
    {
        public long Id { get; set; }
        public string PublisherId { get; set; } = "";
        public string ProgramId { get; set; } = "";
        public string OrderId { get; set; } = "";
        public string OrderDate { get; set; } = "";
        public long AmountMinor { get; set; }
        public string Currency { get; set; } = "";
        public string Comment { get; set; } = "";
        public string Status { get; set; } = "";
        public string? Reason { get; set; }
        public string? Note { get; set; }
        public long FiledAt { get; set; }
        public string? DecidedBy { get; set; }
        public long? DecidedAt { get; set; }
    }
#pragma warning restore CA1812
}
