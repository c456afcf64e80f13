using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using LastClick.Attribution;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Data;
using LastClick.Ledger;
using LastClick.Lifecycle;
using LastClick.Programs;
using LastClick.Reports;

namespace LastClick.Orders;

/// <summary>Filters of a publisher's commission list; null means any.</summary>
public sealed record CommissionFilter(
    string? Status = null, string? Program = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    string? Sub1 = null, string? Sub2 = null, string? Sub3 = null, string? Sub4 = null, string? Sub5 = null, int Limit = 100, int Offset = 0,
    DateTimeOffset? UpdatedFrom = null, DateTimeOffset? UpdatedTo = null);

public sealed record LineView(string Id, decimal Rate, string Commission, string? Reason, IReadOnlyList<TraceStep> Trace);

/// <summary>An order as the publisher and the operator see it: who got it, why, and what it earns.</summary>
/// <param name="Reason">Why the order pays nothing (or less): the attribution's or the decline's reason, else — when it pays nothing — its lines' most common reason.</param>
/// <param name="At">When the order was placed.</param>
/// <param name="UpdatedAt">When its status or amounts last changed (status_updated_start / _end filter by it).</param>
/// <param name="ClickAt">When the winning click was made.</param>
/// <param name="Country">The winning click's country (ISO 3166), and <paramref name="Device"/> its device class.</param>
public sealed record OrderView(
    string Id, string? Publisher, string? Click, string Program, string Status, string OrderCurrency, string Amount, decimal FxRate,
    bool Capped, string Currency, string Commission,
    string? Reason, IReadOnlyList<string> AttributionTrace, IReadOnlyList<LineView> Lines,
    DateTimeOffset? At = null, DateTimeOffset? UpdatedAt = null, string? Link = null,
    string? Sub1 = null, string? Sub2 = null, string? Sub3 = null, string? Sub4 = null, string? Sub5 = null,
    DateTimeOffset? ClickAt = null, string? Country = null, string? Device = null);

/// <summary>
/// Orders and their events: stored idempotently, attributed (A), commissioned (B), carried through the lifecycle (C)
/// into the ledger (D1), each in one transaction. The decisions are the pure functions; this loads, calls and stores.
/// </summary>
public sealed partial class OrderService(Store store, ProgramCatalog programs, TimeProvider clock)
{
    private static readonly JsonSerializerOptions TraceJsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Checks an order before anything is written; the error names the field under <paramref name="path"/>.</summary>
    /// <param name="now">The server's time: an order is dated from <see cref="Limits.Earliest"/> to a day ahead of it (null: the replay, whose story sets the clock).</param>
    public static void Validate(Order order, ProgramDefinition program, string path, DateTimeOffset? now = null)
    {
        string F(string field) => path.Length == 0 ? field : $"{path}.{field}";
        if (string.IsNullOrWhiteSpace(order.Id)) throw ProblemException.Invalid(F("id"), "is required");
        if (now is { } clock) Limits.CheckTime(order.At, clock, F("at"));
        if (order.Lines.Count > Limits.MaxOrderLines) throw ProblemException.Invalid(F("lines"), $"an order has at most {Limits.MaxOrderLines} lines");
        if (order.Visitor is null && order.ClickId is null) throw ProblemException.Invalid(F("visitor"), "an order needs a visitor or a clickId");
        if (!program.InternalRatesAt(order.At).Knows(order.Currency.Code))
        {
            throw ProblemException.Invalid(F("currency"), $"{program.Id} has no internal rate for {order.Currency.Code}");
        }
        if (order.DeliveryCountry.Length != 2 || !order.DeliveryCountry.All(char.IsAsciiLetterUpper))
        {
            throw ProblemException.Invalid(F("deliveryCountry"), "must be an ISO 3166 alpha-2 country code (DE)");
        }
        if (order.Lines.Count == 0) throw ProblemException.Invalid(F("lines"), "an order needs at least one line");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < order.Lines.Count; i++)
        {
            var line = order.Lines[i];
            var lp = F($"lines[{i}]");
            if (string.IsNullOrWhiteSpace(line.Id)) throw ProblemException.Invalid($"{lp}.id", "is required");
            if (!ids.Add(line.Id)) throw ProblemException.Invalid($"{lp}.id", $"line id '{line.Id}' appears twice");
            if (line.Price < 0m) throw ProblemException.Invalid($"{lp}.price", "must not be negative");
            if (order.Currency.Round(line.Price) != line.Price)
            {
                throw ProblemException.Invalid($"{lp}.price", $"has more than {order.Currency.MinorDigits} decimals for {order.Currency.Code}");
            }
            Limits.CheckAmount(line.Price, $"{lp}.price");
            if (line.Quantity is < 1 or > Limits.MaxQuantity) throw ProblemException.Invalid($"{lp}.quantity", $"must be 1 to {Limits.MaxQuantity}");
            if (line.Price * line.Quantity > Limits.MaxAmount) throw ProblemException.Invalid($"{lp}.quantity", $"price × quantity is over the largest amount accepted ({Limits.MaxAmount:0})");
            if (line.SellerRate is < 0m or > 1m) throw ProblemException.Invalid($"{lp}.sellerRate", "must be a fraction between 0 and 1");
        }
        // Each line is at most the maximum, so the sum is exact in decimal; the order as a whole is held to it too.
        if (order.Lines.Sum(l => l.Price * l.Quantity) > Limits.MaxAmount) throw ProblemException.Invalid(F("lines"), $"the order's total is over the largest amount accepted ({Limits.MaxAmount:0})");
    }

    /// <param name="now">The server's time: an event is dated from its order's time (less an hour of clock skew) to a day ahead of now (null: the replay).</param>
    public static void Validate(OrderEvent e, Order order, string path, DateTimeOffset? now = null)
    {
        string F(string field) => path.Length == 0 ? field : $"{path}.{field}";
        if (string.IsNullOrWhiteSpace(e.Id)) throw ProblemException.Invalid(F("id"), "is required");
        if (now is { } clock)
        {
            Limits.CheckTime(e.At, clock, F("at"));
            if (e.At < order.At - TimeSpan.FromHours(1)) throw ProblemException.Invalid(F("at"), $"is before its order was placed ({Times.Format(order.At)})");
        }
        if (e.Type != EventType.Refunded && (e.LineId is not null || e.Amount is not null))
        {
            throw ProblemException.Invalid(F(e.LineId is not null ? "line" : "amount"), "only a refund names a line or an amount");
        }
        if (e.LineId is not null && order.Lines.All(l => l.Id != e.LineId))
        {
            throw new ProblemException(Problem.NotFound(F("line"), $"order '{order.Id}' has no line '{e.LineId}'"));
        }
        if (e.Amount is { } amount)
        {
            if (e.LineId is null) throw ProblemException.Invalid(F("amount"), "a refund with an amount names its line");
            if (amount <= 0m) throw ProblemException.Invalid(F("amount"), "must be positive");
            if (order.Currency.Round(amount) != amount) throw ProblemException.Invalid(F("amount"), $"has more than {order.Currency.MinorDigits} decimals");
            Limits.CheckAmount(amount, F("amount"));
            // At most the line's value. (What several refunds add up to is capped by the facts' fold instead: refusing
            // by what is left would make the books depend on the order events arrive in, C3.)
            var line = order.Lines.First(l => l.Id == e.LineId);
            if (amount > line.Price * line.Quantity)
            {
                throw ProblemException.Invalid(F("amount"), $"is more than line '{line.Id}' is worth ({order.Currency.Format(line.Price * line.Quantity)} {order.Currency.Code})");
            }
        }
    }

    /// <summary>
    /// Stores a new order, attributes it and posts its commission. The same id with the same body answers as
    /// the first time; with a different body it is a conflict and nothing changes.
    /// </summary>
    public OrderView Ingest(Order order, string programId) => store.InSession(s => Ingest(s, order, programId));

    /// <summary>
    /// As <see cref="Ingest(DbSession, Order, string, string)"/>, in the group commit's next batch, keyed by the order's id
    /// (<see cref="GroupCommit.RunAsync{T}"/>: copies of orders in two batches are locked in one order).
    /// </summary>
    public Task<OrderView> IngestAsync(GroupCommit commits, Order order, string programId, string path = "order") =>
        commits.RunAsync(s => Ingest(s, order, programId, path), GroupCommit.Key("orders", order.Id));

    /// <param name="path">What the caller's problems name the order (the API: its body, "").</param>
    public OrderView Ingest(DbSession s, Order order, string programId, string path = "order")
    {
        var program = programs.Get(programId);
        Validate(order, program, path, clock.GetUtcNow());
        var hash = Fingerprint.Of(order);
        var (touches, identity) = LoadTouches(s, order, program.CookieWindow);
        var attribution = Attribution.Attribution.Decide(touches.Select(t => t.Touch), order.At, program.CookieWindow);
        if (identity.Count > 0) attribution = attribution with { Trace = [.. identity, .. attribution.Trace] };
        var won = attribution.Click is { } click ? touches.First(t => t.Touch.Kind == TouchKind.AffiliateClick && t.Touch.Id == click.Id) : default;
        var clickProgram = won.ProgramId is { } wonProgram ? programs.Get(wonProgram) : program;
        if (!ReferenceEquals(clickProgram, program)) Validate(order, clickProgram, path);

        IReadOnlyList<LineRate> rates;
        if (attribution.Click is { } winner)
        {
            var turnover = clickProgram.Tiers is null ? 0m : PreviousMonthTurnover(s, won.Key!, clickProgram, order.At);
            rates = Commission.Rate(order, winner, clickProgram, new PublisherContext(won.TrafficType!, turnover));
        }
        else
        {
            var step = new TraceStep("attribution", $"no publisher is credited: {attribution.Reason}");
            rates = order.Lines.Select(l => new LineRate(l.Id, 0m, attribution.Reason, [step])).ToList();
        }

        var now = clock.GetUtcNow();
        var row = new OrderRow
        {
            Id = order.Id, BodyHash = hash, ProgramId = clickProgram.Id, VisitorId = order.Visitor, ClickId = order.ClickId,
            At = Times.ToMicros(order.At), Currency = order.Currency.Code, DeliveryCountry = order.DeliveryCountry,
            AmountMinor = order.Currency.ToMinor(order.Amount), PublisherId = attribution.Click?.PublisherId,
            AttributedClickId = attribution.Click?.Id, AttributionReason = attribution.Reason,
            AttributionTrace = JsonSerializer.Serialize(attribution.Trace, TraceJsonOptions), TrafficType = won.TrafficType,
            PayoutCurrency = clickProgram.PayoutCurrencyAt(order.At).Code,
        };
        // The report key of the attributed click (link, sub ids, country, device), kept on the order: the touches' query read it.
        if (won.Key is { } key)
        {
            (row.LinkId, row.Sub1, row.Sub2, row.Sub3, row.Sub4, row.Sub5, row.ClickCountry, row.Device, row.ClickAt) =
                (key.LinkId, key.Sub1, key.Sub2, key.Sub3, key.Sub4, key.Sub5, key.Country, key.Device, key.At);
        }
        var lines = order.Lines.Select((l, i) => new LineRow
        {
            OrderId = order.Id, LineNo = i, LineId = l.Id, ProductId = l.ProductId, Category = l.Category, Store = l.Store,
            PriceMinor = order.Currency.ToMinor(l.Price), Quantity = l.Quantity, Affiliated = l.Affiliated,
            SellerRate = l.SellerRate is { } sr ? Decimals.Canonical(sr) : null, IsVirtual = l.Virtual, Section = l.Section,
            SellerOrigin = l.SellerOrigin, Rate = Decimals.Canonical(rates[i].Rate), RateReason = rates[i].Reason,
            Trace = TraceJson.Write(rates[i].Trace),
        }).ToList();

        var settled = Settlements.Decide(new OrderState(order, row.PublisherId, row.AttributionReason, Currency.Of(row.PayoutCurrency), rates, OrderPosition.Empty),
            OrderFacts.None, clickProgram, now);
        Apply(row, lines, settled, OrderFacts.None, now);
        var inserted = s.Execute("""
            INSERT INTO orders (id, body_hash, program_id, visitor_id, click_id, at, currency, delivery_country, amount_minor,
                publisher_id, attributed_click_id, attribution_reason, attribution_trace, traffic_type, status, decline_reason,
                payout_currency, fx_rate, sales_minor, commission_minor, capped, cap_trace, held_account, held_minor, paid_out, settled_minor,
                paid_at, confirmed_at, cancelled_at, fraud_at, fully_refunded, updated_at,
                declined_minor, link_id, sub1, sub2, sub3, sub4, sub5, click_country, device)
            VALUES (@Id, @BodyHash, @ProgramId, @VisitorId, @ClickId, @At, @Currency, @DeliveryCountry, @AmountMinor,
                @PublisherId, @AttributedClickId, @AttributionReason, @AttributionTrace, @TrafficType, @Status, @DeclineReason,
                @PayoutCurrency, @FxRate, @SalesMinor, @CommissionMinor, @Capped, @CapTrace, @HeldAccount, @HeldMinor, @PaidOut, @SettledMinor,
                @PaidAt, @ConfirmedAt, @CancelledAt, @FraudAt, @FullyRefunded, @UpdatedAt,
                @DeclinedMinor, @LinkId, @Sub1, @Sub2, @Sub3, @Sub4, @Sub5, @ClickCountry, @Device)
            ON CONFLICT (id) DO NOTHING
            """, row);
        if (inserted == 0)
        {
            // Received before: the same body answers as the first time, another body is a conflict. Nothing is written.
            var existing = s.Scalar<string>("SELECT body_hash FROM orders WHERE id = @Id", new { order.Id });
            return existing == hash
                ? Find(s, order.Id)!
                : throw new ProblemException(Problem.Conflict(path.Length == 0 ? "id" : $"{path}.id", $"order '{order.Id}' was already received with a different body"));
        }
        s.WriteEach("""
            INSERT INTO order_lines (order_id, line_no, line_id, product_id, category, store, price_minor, quantity, affiliated,
                seller_rate, is_virtual, section, seller_origin, rate, rate_reason, trace, reason, refunded_minor, commission_minor)
            VALUES (@OrderId, @LineNo, @LineId, @ProductId, @Category, @Store, @PriceMinor, @Quantity, @Affiliated,
                @SellerRate, @IsVirtual, @Section, @SellerOrigin, @Rate, @RateReason, @Trace, @Reason, @RefundedMinor, @CommissionMinor)
            """, lines);
        Post(s, row, lines, settled, null, [], null, now);
        var capStep = settled.CapStep;
        return View(row, lines, l => capStep is not null && rates[l.LineNo].Reason is null ? [.. rates[l.LineNo].Trace, capStep] : rates[l.LineNo].Trace,
            attribution.Trace);
    }

    /// <summary>Applies a marketplace event. A repeated event (same id, same body) changes nothing and returns false.</summary>
    public bool ApplyEvent(OrderEvent e) => store.InSession(s => ApplyEvent(s, e));

    /// <summary>
    /// Applies the event in the group commit's next batch, keyed by its order's id as the order is
    /// (<see cref="IngestAsync"/>), and returns its order as it stands after it (the same for a repeat).
    /// </summary>
    public Task<OrderView?> ApplyEventAsync(GroupCommit commits, OrderEvent e, string path = "event") =>
        commits.RunAsync(s =>
        {
            ApplyEvent(s, e, path);
            return Find(s, e.OrderId);
        }, GroupCommit.Key("orders", e.OrderId));

    /// <param name="path">What the caller's problems name the event (the API: its body, "").</param>
    public bool ApplyEvent(DbSession s, OrderEvent e, string path = "event")
    {
        string F(string field) => path.Length == 0 ? field : $"{path}.{field}";
        var hash = Fingerprint.Of(e);
        // PostgreSQL with several nodes: two events of one order applied at once would each settle from the facts
        // before the other and the last write would win (a refund lost under a confirmation). The row lock makes
        // the second wait and read what the first wrote. (SQLite writers are one at a time already.)
        LockOrder(s, e.OrderId);
        OrderRow? row;
        List<LineRow> lines;
        using (var read = s.QueryMultiple($"""
            SELECT {StateColumns} FROM orders WHERE id = @OrderId;
            SELECT {LineStateColumns} FROM order_lines WHERE order_id = @OrderId ORDER BY line_no;
            """, new { e.OrderId }))
        {
            row = read.ReadSingleOrDefault<OrderRow>();
            lines = read.Read<LineRow>();
        }
        if (row is null) throw new ProblemException(Problem.NotFound(F("order"), $"unknown order '{e.OrderId}'"));
        var order = ToDomain(row, lines);
        var now = clock.GetUtcNow();
        Validate(e, order, path, now);
        var inserted = s.Execute("""
            INSERT INTO order_events (id, body_hash, order_id, type, at, line_id, amount_minor, received_at)
            VALUES (@Id, @hash, @OrderId, @type, @at, @LineId, @amount, @received)
            ON CONFLICT (id) DO NOTHING
            """,
            new { e.Id, hash, e.OrderId, type = Name(e.Type), at = Times.ToMicros(e.At), e.LineId,
                  amount = e.Amount is { } a ? order.Currency.ToMinor(a) : (long?)null, received = Times.ToMicros(now) });
        if (inserted == 0)
        {
            var existing = s.Scalar<string>("SELECT body_hash FROM order_events WHERE id = @Id", new { e.Id });
            return existing == hash ? false : throw new ProblemException(Problem.Conflict(F("id"), $"event '{e.Id}' was already received with a different body"));
        }
        // The facts are a commutative fold (earliest times, capped sums, flags): applying one more event to what the
        // order holds gives the same facts as folding every event again, in whatever order they came.
        var facts = OrderLifecycle.Apply(FactsOf(row, lines, order.Currency), e, order);
        Resettle(s, row, lines, order, facts, programs.Get(row.ProgramId), now);
        return true;
    }

    private static void LockOrder(DbSession s, string orderId)
    {
        if (s.Provider == StoreProvider.Postgres) s.Query<string>("SELECT id FROM orders WHERE id = @orderId FOR UPDATE", new { orderId });
    }

    // What settling an order reads: everything but the request fingerprint and the stored traces.
    internal const string StateColumns =
        "id, program_id, visitor_id, click_id, at, currency, delivery_country, amount_minor, publisher_id, attributed_click_id, " +
        "attribution_reason, traffic_type, status, decline_reason, payout_currency, fx_rate, sales_minor, commission_minor, capped, " +
        "held_account, held_minor, paid_out, settled_minor, paid_at, confirmed_at, cancelled_at, fraud_at, fully_refunded, updated_at, " +
        "declined_minor, cap_trace, finding_id, finding_reason, finding_at, link_id, sub1, sub2, sub3, sub4, sub5, click_country, device";

    internal const string LineStateColumns =
        "order_id, line_no, line_id, product_id, category, store, price_minor, quantity, affiliated, seller_rate, is_virtual, section, " +
        "seller_origin, rate, rate_reason, reason, refunded_minor, commission_minor";

    /// <summary>Makes payable every confirmed order whose program's hold has passed by now. Returns how many moved.</summary>
    public int Advance() => store.InSession(Advance);

    public int Advance(DbSession s)
    {
        var now = clock.GetUtcNow();
        var moved = 0;
        foreach (var program in programs.All)
        {
            var due = s.Query<OrderRow>(
                $"SELECT {StateColumns} FROM orders WHERE status = 'confirmed' AND program_id = @Id AND confirmed_at <= @until",
                new { program.Id, until = Times.ToMicros(now - program.Hold) });
            foreach (var candidate in due)
            {
                // PostgreSQL: lock the order and settle from what it holds now — an event or another node may have
                // changed it since the list was read. (SQLite: this transaction is the only writer.)
                var row = candidate;
                if (s.Provider == StoreProvider.Postgres)
                {
                    if (s.QuerySingleOrDefault<OrderRow>($"SELECT {StateColumns} FROM orders WHERE id = @Id AND status = 'confirmed' FOR UPDATE",
                            new { candidate.Id }) is not { } locked)
                    {
                        continue;
                    }
                    row = locked;
                }
                var lines = s.Query<LineRow>($"SELECT {LineStateColumns} FROM order_lines WHERE order_id = @Id ORDER BY line_no", new { row.Id });
                var order = ToDomain(row, lines);
                Resettle(s, row, lines, order, FactsOf(row, lines, order.Currency), program, now);
                moved++;
            }
        }
        return moved;
    }

    /// <summary>
    /// Marks a publisher's payable orders of a program and currency as paid out (called inside a payout run), and
    /// moves their commission from the payable to the paid column of the rollups.
    /// </summary>
    /// <param name="changedBy">Only the orders last changed by then (a run that paid less than the balance: what became
    /// payable after its plan waits for the next run).</param>
    internal static void MarkPaidOut(DbSession s, string programId, string publisherId, string currency, DateTimeOffset now, DateTimeOffset? changedBy = null)
    {
        var args = new { yes = true, programId, publisherId, currency, now = Times.ToMicros(now), cutoff = changedBy is { } c ? Times.ToMicros(c) : long.MaxValue };
        const string Payable = "program_id = @programId AND publisher_id = @publisherId AND payout_currency = @currency AND held_account = 'payable' AND updated_at <= @cutoff";
        var rollups = new RollupBatch();
        foreach (var row in s.Query<OrderRow>($"SELECT {StateColumns} FROM orders WHERE {Payable}", args))
        {
            OrderRollup.Add(rollups, row, -1);
            var before = Before.Of(row);
            row.Status = Name(OrderStatus.Paid);
            OrderRollup.Add(rollups, row, +1);
            Tell(s, row, before, now);
        }
        s.Execute($"UPDATE orders SET status = 'paid', paid_out = @yes, settled_minor = held_minor, held_minor = 0, held_account = NULL, updated_at = @now WHERE {Payable}", args);
        RollupWriter.Write(s, rollups);
        // Quality does not move: payable and paid are both approved, and being paid out matters to it only for an order
        // declined as fraud (its antispam deduction), which is never payable.
    }

    /// <summary>Recomputes a stored order from its facts and writes what changed: the order, its lines, the transfers, the rollups.</summary>
    private static void Resettle(DbSession s, OrderRow row, List<LineRow> lines, Order order, OrderFacts facts,
        ProgramDefinition program, DateTimeOffset now)
    {
        var reported = OrderRollup.Snapshot(row);
        var quality = OrderRollup.Quality(s, row, lines);
        var before = Before.Of(row);
        var stored = Stored(row, lines, order.Currency);
        var settled = Settlements.Decide(StateOf(row, lines, order), facts, program, now);
        Apply(row, lines, settled, facts, now);
        if (settled.Transfers.Count == 0 && settled.SameOutcome(stored))
        {
            // Only the facts moved (a 'paid' event, a second confirmation): write them alone.
            s.Write("""
                UPDATE orders SET paid_at = @PaidAt, confirmed_at = @ConfirmedAt, cancelled_at = @CancelledAt, fraud_at = @FraudAt,
                    fully_refunded = @FullyRefunded, finding_id = @FindingId, finding_reason = @FindingReason, finding_at = @FindingAt, updated_at = @UpdatedAt
                WHERE id = @Id
                """, row);
            // Quality reads the facts too: a confirmation's lag, a full refund.
            QualityRollup.Write(s, quality, OrderRollup.Quality(s, row, lines));
            return;
        }
        WriteSettled(s, row, lines, lines.Where((_, i) => settled.Lines[i] != stored.Lines[i]), settled, reported, quality, before, now);
    }

    /// <summary>The one writer of a settled order already stored: its row, the lines that changed, then <see cref="Post"/>.</summary>
    private static void WriteSettled(DbSession s, OrderRow row, List<LineRow> lines, IEnumerable<LineRow> changedLines, Settlement settled, long[]? reported,
        IReadOnlyList<QualityRollup.Part> quality, Before before, DateTimeOffset now)
    {
        s.Write(UpdateSettled, row);
        s.WriteEach(UpdateSettledLine, changedLines);
        Post(s, row, lines, settled, reported, quality, before, now);
    }

    /// <summary>
    /// What follows every settlement written: its ledger transfers (a credited order's), the rollups' move from
    /// <paramref name="reported"/> and quality's from <paramref name="quality"/>, and the news of it (<see cref="Tell"/>)
    /// from what it was <paramref name="before"/>.
    /// </summary>
    private static void Post(DbSession s, OrderRow row, List<LineRow> lines, Settlement settled, long[]? reported, IReadOnlyList<QualityRollup.Part> quality,
        Before? before, DateTimeOffset now)
    {
        if (row.PublisherId is not null) PostTransfers(s, row.ProgramId, row.PublisherId, Currency.Of(row.PayoutCurrency), row.Id, null, settled.Transfers, now);
        OrderRollup.Write(s, reported, row);
        QualityRollup.Write(s, quality, OrderRollup.Quality(s, row, lines));
        Tell(s, row, before, now);
    }

    /// <summary>An order as it stood before a change: whose it was, its status, its commission.</summary>
    private readonly record struct Before(string? PublisherId, string Status, long CommissionMinor)
    {
        public static Before Of(OrderRow row) => new(row.PublisherId, row.Status, row.CommissionMinor);
    }

    /// <summary>The kinds of order news in the outbox (I2): the publisher's postback events.</summary>
    public static class News
    {
        public const string Created = "order_created", Adjusted = "order_adjusted";
        public static string Status(string status) => $"order_{status}";
        public static readonly IReadOnlyList<string> Events = ["created", "pending", "confirmed", "payable", "paid", "declined", "adjusted"];
    }

    /// <summary>
    /// One message per change a credited order's publisher hears of, in the change's transaction: created (credited
    /// for the first time, whatever its status), a new status, or the same status with another commission (adjusted).
    /// </summary>
    private static void Tell(DbSession s, OrderRow row, Before? before, DateTimeOffset now)
    {
        if (row.PublisherId is null) return;
        var kind = before is not { PublisherId: not null } b ? News.Created
            : b.Status != row.Status ? News.Status(row.Status)
            : b.CommissionMinor != row.CommissionMinor ? News.Adjusted
            : null;
        if (kind is null) return;
        var payout = Currency.Of(row.PayoutCurrency);
        var currency = Currency.Of(row.Currency);
        Outbox.Write(s, now, kind, $"order:{row.Id}", new
        {
            @event = kind["order_".Length..], orderId = row.Id, clickId = row.AttributedClickId, row.Sub1, row.Sub2, row.Sub3, row.Sub4, row.Sub5,
            status = row.Status, reason = row.DeclineReason, commission = payout.Format(payout.FromMinor(row.CommissionMinor)), currency = payout.Code,
            amount = currency.Format(currency.FromMinor(row.AmountMinor)), orderCurrency = currency.Code, program = row.ProgramId, publisher = row.PublisherId,
            eventTime = now,
        }, row.ProgramId, row.PublisherId);
    }

    private const string UpdateSettled = """
        UPDATE orders SET status = @Status, decline_reason = @DeclineReason, fx_rate = @FxRate, sales_minor = @SalesMinor,
            commission_minor = @CommissionMinor, capped = @Capped, cap_trace = @CapTrace, held_account = @HeldAccount, held_minor = @HeldMinor,
            settled_minor = @SettledMinor, paid_at = @PaidAt, confirmed_at = @ConfirmedAt, cancelled_at = @CancelledAt,
            fraud_at = @FraudAt, fully_refunded = @FullyRefunded, updated_at = @UpdatedAt, declined_minor = @DeclinedMinor,
            finding_id = @FindingId, finding_reason = @FindingReason, finding_at = @FindingAt
        WHERE id = @Id
        """;

    private const string UpdateSettledLine =
        "UPDATE order_lines SET reason = @Reason, commission_minor = @CommissionMinor, refunded_minor = @RefundedMinor WHERE order_id = @OrderId AND line_no = @LineNo";

    /// <summary>
    /// A confirmed fraud finding (E4, A6) declines an order credited to <paramref name="publisherId"/>: the finding becomes a
    /// fact of the order (reason <c>invalid_traffic</c> or <c>prohibited_practice</c>), the attribution trace names it, and the
    /// order is settled as any other: before payout its commission is reversed, after payout it is an antispam deduction
    /// (C2). False, with nothing written, when the order is not that publisher's or is declined already.
    /// </summary>
    public bool DeclineByFinding(DbSession s, string orderId, string publisherId, FindingFact finding, string traceLine)
    {
        LockOrder(s, orderId);
        OrderRow? row;
        List<LineRow> lines;
        using (var read = s.QueryMultiple($"""
            SELECT {StateColumns}, attribution_trace FROM orders WHERE id = @orderId;
            SELECT {LineStateColumns} FROM order_lines WHERE order_id = @orderId ORDER BY line_no;
            """, new { orderId }))
        {
            row = read.ReadSingleOrDefault<OrderRow>();
            lines = read.Read<LineRow>();
        }
        if (row is null || row.PublisherId != publisherId || row.FindingId is not null || row.Status == Name(OrderStatus.Declined)) return false;
        var order = ToDomain(row, lines);
        var trace = JsonSerializer.Deserialize<List<string>>(row.AttributionTrace) ?? [];
        trace.Add(traceLine);
        row.AttributionTrace = JsonSerializer.Serialize(trace, TraceJsonOptions);
        s.Execute("UPDATE orders SET attribution_trace = @AttributionTrace WHERE id = @Id", row);
        Resettle(s, row, lines, order, FactsOf(row, lines, order.Currency) with { Finding = finding }, programs.Get(row.ProgramId), clock.GetUtcNow());
        return true;
    }

    /// <summary>
    /// Credits an order no publisher has to the publisher of an accepted missing-order claim: the rules decide each line's
    /// rate as for a click of that publisher from the delivery country at the order's time, every line's trace and the
    /// attribution trace start with <paramref name="step"/> (who accepted which claim), and the order is settled as its
    /// events stand — ledger transfers and rollups as for any order. An order credited to anyone already is a conflict.
    /// </summary>
    public OrderView CreditByClaim(DbSession s, string orderId, string publisherId, TraceStep step)
    {
        LockOrder(s, orderId);
        OrderRow? row;
        List<LineRow> lines;
        using (var read = s.QueryMultiple($"""
            SELECT {StateColumns}, attribution_trace FROM orders WHERE id = @orderId;
            SELECT {LineStateColumns} FROM order_lines WHERE order_id = @orderId ORDER BY line_no;
            """, new { orderId }))
        {
            row = read.ReadSingleOrDefault<OrderRow>();
            lines = read.Read<LineRow>();
        }
        if (row is null) throw new ProblemException(Problem.NotFound("order", $"the marketplace has not reported order '{orderId}'"));
        if (row.PublisherId is not null)
        {
            throw new ProblemException(Problem.Conflict("order", row.PublisherId == publisherId
                ? $"order '{orderId}' is already credited to this publisher"
                : $"order '{orderId}' is credited to another publisher ({row.PublisherId}) by its click"));
        }
        var program = programs.Get(row.ProgramId);
        var order = ToDomain(row, lines);
        var trafficType = Publishers.PublisherService.Find(s, publisherId)?.TrafficType
            ?? throw new ProblemException(Problem.NotFound("publisher", $"unknown publisher '{publisherId}'"));
        var touch = new Touch("claim", TouchKind.AffiliateClick, order.At, 0, publisherId, Country: order.DeliveryCountry);
        var turnover = program.Tiers is null ? 0m : PreviousMonthTurnover(s, publisherId, program, order.At);
        var rates = Commission.Rate(order, touch, program, new PublisherContext(trafficType, turnover))
            .Select(r => r with { Trace = [step, .. r.Trace] }).ToList();
        var now = clock.GetUtcNow();
        var reported = OrderRollup.Snapshot(row);
        var quality = OrderRollup.Quality(s, row, lines);
        var before = Before.Of(row);
        var trace = JsonSerializer.Deserialize<List<string>>(row.AttributionTrace) ?? [];
        trace.Add($"{step.Rule}: {step.Detail}");
        (row.PublisherId, row.TrafficType, row.AttributionReason, row.AttributionTrace) = (publisherId, trafficType, null, JsonSerializer.Serialize(trace, TraceJsonOptions));
        for (var i = 0; i < lines.Count; i++)
        {
            (lines[i].Rate, lines[i].RateReason, lines[i].Trace) = (Decimals.Canonical(rates[i].Rate), rates[i].Reason, TraceJson.Write(rates[i].Trace));
        }
        var facts = FactsOf(row, lines, order.Currency);
        var settled = Settlements.Decide(StateOf(row, lines, order) with { Rates = rates }, facts, program, now);
        Apply(row, lines, settled, facts, now);
        s.Execute("UPDATE orders SET publisher_id = @PublisherId, traffic_type = @TrafficType, attribution_reason = NULL, attribution_trace = @AttributionTrace WHERE id = @Id", row);
        s.ExecuteEach("UPDATE order_lines SET rate = @Rate, rate_reason = @RateReason, trace = @Trace WHERE order_id = @OrderId AND line_no = @LineNo", lines);
        WriteSettled(s, row, lines, lines, settled, reported, quality, before, now);
        return Find(s, orderId)!;
    }

    /// <summary>What settling a stored order reads of its row and lines: rates as decided at ingestion, the ledger position.</summary>
    private static OrderState StateOf(OrderRow row, List<LineRow> lines, Order order)
    {
        var rates = lines.Select(l => new LineRate(l.LineId, decimal.Parse(l.Rate, CultureInfo.InvariantCulture), l.RateReason, [])).ToList();
        return new OrderState(order, row.PublisherId, row.AttributionReason, Currency.Of(row.PayoutCurrency), rates, PositionOf(row));
    }

    private static OrderPosition PositionOf(OrderRow row)
    {
        var payout = Currency.Of(row.PayoutCurrency);
        return new OrderPosition(row.HeldAccount is null ? null : Enum.Parse<Account>(row.HeldAccount, ignoreCase: true),
            payout.FromMinor(row.HeldMinor), row.PaidOut, payout.FromMinor(row.SettledMinor));
    }

    /// <summary>The settlement a stored order holds now (its transfers long posted), to tell what a new one changes.</summary>
    private static Settlement Stored(OrderRow row, List<LineRow> lines, Currency orderCurrency)
    {
        var payout = Currency.Of(row.PayoutCurrency);
        return new Settlement(Enum.Parse<OrderStatus>(row.Status, ignoreCase: true), row.DeclineReason,
            decimal.Parse(row.FxRate, CultureInfo.InvariantCulture), payout.FromMinor(row.SalesMinor), payout.FromMinor(row.CommissionMinor),
            payout.FromMinor(row.DeclinedMinor), row.CapTrace is null ? null : TraceJson.Read(row.CapTrace)[0], PositionOf(row),
            lines.Select(l => new LineSettlement(l.Reason, payout.FromMinor(l.CommissionMinor), orderCurrency.FromMinor(l.RefundedMinor))).ToList(), []);
    }

    /// <summary>Copies a settlement and the facts behind it onto the order's row and lines, as stored (minor units, canonical decimals).</summary>
    private static void Apply(OrderRow row, List<LineRow> lines, Settlement settled, OrderFacts facts, DateTimeOffset now)
    {
        var payout = Currency.Of(row.PayoutCurrency);
        var orderCurrency = Currency.Of(row.Currency);
        row.Status = Name(settled.Status);
        row.DeclineReason = settled.DeclineReason;
        row.FxRate = Decimals.Canonical(settled.FxRate);
        row.SalesMinor = payout.ToMinor(settled.Sales);
        row.CommissionMinor = payout.ToMinor(settled.Commission);
        row.DeclinedMinor = payout.ToMinor(settled.Declined);
        row.Capped = settled.Capped;
        row.CapTrace = settled.CapStep is { } capStep ? TraceJson.Write(capStep) : null;
        row.HeldAccount = settled.Position.Held is { } held ? Name(held) : null;
        row.HeldMinor = payout.ToMinor(settled.Position.HeldAmount);
        row.SettledMinor = payout.ToMinor(settled.Position.Settled);
        row.PaidAt = Micros(facts.PaidAt);
        row.ConfirmedAt = Micros(facts.ConfirmedAt);
        row.CancelledAt = Micros(facts.CancelledAt);
        row.FraudAt = Micros(facts.FraudAt);
        row.FullyRefunded = facts.FullyRefunded;
        (row.FindingId, row.FindingReason, row.FindingAt) = facts.Finding is { } finding
            ? (finding.Id, finding.Reason, Times.ToMicros(finding.At))
            : ((long?)null, (string?)null, (long?)null);
        row.UpdatedAt = Times.ToMicros(now);
        for (var i = 0; i < lines.Count; i++)
        {
            (lines[i].Reason, lines[i].CommissionMinor, lines[i].RefundedMinor) =
                (settled.Lines[i].Reason, payout.ToMinor(settled.Lines[i].Commission), orderCurrency.ToMinor(settled.Lines[i].Refunded));
        }
    }

    private static long? Micros(DateTimeOffset? time) => time is { } t ? Times.ToMicros(t) : null;

    private static DateTimeOffset? Time(long? micros) => micros is { } m ? Times.FromMicros(m) : null;

    /// <summary>The facts an order's events established, as the order row and its lines hold them.</summary>
    private static OrderFacts FactsOf(OrderRow row, List<LineRow> lines, Currency currency) =>
        new(Time(row.PaidAt), Time(row.ConfirmedAt), Time(row.CancelledAt), Time(row.FraudAt), row.FullyRefunded,
            lines.Where(l => l.RefundedMinor > 0).ToDictionary(l => l.LineId, l => currency.FromMinor(l.RefundedMinor), StringComparer.Ordinal),
            row.FindingId is { } id ? new FindingFact(id, row.FindingReason!, Times.FromMicros(row.FindingAt!.Value)) : null);

    internal static void PostTransfers(DbSession s, string programId, string publisherId, Currency currency,
        string? orderId, string? payoutRunId, IEnumerable<Transfer> transfers, DateTimeOffset at)
    {
        var rows = transfers.Where(t => t.Amount != 0m).Select(t => new TransferRow(
            programId, publisherId, currency.Code, orderId, payoutRunId, t.Kind, Name(t.From), Name(t.To), currency.ToMinor(t.Amount), Times.ToMicros(at)));
        s.WriteEach("""
            INSERT INTO ledger_transfers (program_id, publisher_id, currency, order_id, payout_run_id, kind, from_account, to_account, amount_minor, at)
            VALUES (@ProgramId, @PublisherId, @Currency, @OrderId, @PayoutRunId, @Kind, @From, @To, @Amount, @At)
            """, rows);
    }

    /// <summary>
    /// A1 over every identifier: the visitors the order names — its <c>visitor</c>, and the visitor of its <c>clickId</c>
    /// (a click id is evidence of who bought, not an override) — and the paid touches of all of them in the window: their
    /// clicks on any publisher's links and the marketplace's own touches. When there are none, the latest touch before
    /// the window, so an expired cookie can be told from no click at all. The trace says which identifiers were used
    /// and why when the order's two disagree or one is unknown.
    /// </summary>
    private static (List<(Touch Touch, string? ProgramId, string? TrafficType, TouchRow? Key)> Touches, List<string> Trace) LoadTouches(
        DbSession s, Order order, TimeSpan window)
    {
        var trace = new List<string>();
        var visitors = new List<string>(2);
        if (order.Visitor is { } named) visitors.Add(named);
        long? clickAt = null;
        if (order.ClickId is { } clickId)
        {
            var clicked = Tracking.ClickPartitions.ById<(string? Visitor, long At)>(s, "visitor_id, at", clickId);
            if (clicked.Count > 0) clickAt = clicked[0].At;
            if (clicked.Count == 0)
            {
                trace.Add(order.Visitor is null ? $"clickId {clickId} is unknown" : $"clickId {clickId} is unknown: judged by visitor {order.Visitor}");
            }
            else if (clicked[0].Visitor is { } clickVisitor && clickVisitor != order.Visitor)
            {
                visitors.Add(clickVisitor);
                trace.Add(order.Visitor is null
                    ? $"clickId {clickId} identifies visitor {clickVisitor}: every paid touch of that visitor in the window is judged"
                    : $"visitor {order.Visitor} and clickId {clickId} (visitor {clickVisitor}) disagree: the paid touches of both visitors are judged, the latest valid one wins");
            }
        }
        // Each click comes with its publisher's turnover in its program over the month before the order's (B13), so
        // the tiers of the click that wins need no query of their own (one round trip an order less on PostgreSQL).
        var month = QualityRollup.MonthOf(Times.ToMicros(PreviousMonth(order.At)));
        var p = new { v1 = visitors.ElementAtOrDefault(0), v2 = visitors.ElementAtOrDefault(1), order.ClickId, clickAt, from = Times.ToMicros(order.At - window), to = Times.ToMicros(order.At), no = false, month };
        var rows = s.Query<TouchRow>($"""
            SELECT 0 AS kind, k.id, k.seq, k.at, k.program_id, k.publisher_id, NULL AS channel, k.country, k.anonymizer, k.invalid_reason, p.traffic_type,
                k.link_id, k.sub1, k.sub2, k.sub3, k.sub4, k.sub5, k.device, ({TurnoverOf}) AS turnover_minor
            FROM clicks k JOIN publishers p ON p.id = k.publisher_id
            WHERE (k.visitor_id IN (@v1, @v2) AND k.at >= @from AND k.at <= @to) OR (k.id = @ClickId AND k.at = @clickAt)
            UNION ALL
            SELECT 1, id, seq, at, NULL, NULL, channel, NULL, @no, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, CAST(NULL AS BIGINT) FROM touches WHERE visitor_id IN (@v1, @v2) AND at >= @from AND at <= @to
            """, p);
        if (rows.Count == 0)
        {
            rows = s.Query<TouchRow>($"""
                SELECT * FROM (SELECT 0 AS kind, k.id, k.seq, k.at, k.program_id, k.publisher_id, NULL AS channel, k.country, k.anonymizer, k.invalid_reason, p.traffic_type,
                k.link_id, k.sub1, k.sub2, k.sub3, k.sub4, k.sub5, k.device, ({TurnoverOf}) AS turnover_minor
                    FROM clicks k JOIN publishers p ON p.id = k.publisher_id
                    WHERE k.visitor_id IN (@v1, @v2) AND k.at < @from ORDER BY k.at DESC LIMIT 1) AS before_clicks
                UNION ALL
                SELECT * FROM (SELECT 1, id, seq, at, NULL, NULL, channel, NULL, @no, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, CAST(NULL AS BIGINT)
                    FROM touches WHERE visitor_id IN (@v1, @v2) AND at < @from ORDER BY at DESC LIMIT 1) AS before_touches
                """, p);
        }
        var touches = rows
            .Select(r => r.Kind == 0
                ? (new Touch(r.Id, TouchKind.AffiliateClick, Times.FromMicros(r.At), r.Seq, r.PublisherId, null, r.Country, r.Anonymizer, r.InvalidReason), r.ProgramId, r.TrafficType, r)
                : (new Touch(r.Id, TouchKind.MarketplaceTouch, Times.FromMicros(r.At), r.Seq, Channel: r.Channel), (string?)null, (string?)null, (TouchRow?)null))
            .DistinctBy(t => (t.Item1.Kind, t.Item1.Id))
            .ToList();
        return (touches, trace);
    }

    /// <summary>A click's publisher's turnover in the click's program, in the month <c>@month</c> (null: none stored).</summary>
    private const string TurnoverOf =
        "SELECT t.sales_minor FROM publisher_turnover t WHERE t.publisher_id = k.publisher_id AND t.program_id = k.program_id AND t.month = @month";

    /// <summary>The first day of the calendar month before the one of <paramref name="at"/> in UTC (an order's time keeps the zone it was sent with).</summary>
    private static DateTimeOffset PreviousMonth(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-1);
    }

    /// <summary>B13: the publisher's confirmed sales in the program's payout currency over the previous calendar month (UTC).</summary>
    internal static decimal PreviousMonthTurnover(DbSession s, string publisherId, ProgramDefinition program, DateTimeOffset at)
    {
        var previous = PreviousMonth(at);
        var minor = Turnover.Read(s, Turnover.Of(publisherId, program.Id, Times.ToMicros(previous)));
        return program.PayoutCurrencyAt(previous).FromMinor(minor);
    }

    /// <summary>
    /// B13 for the click that wins: the turnover the touches' query read beside it (<see cref="TurnoverOf"/>), with what
    /// the session's batch holds unwritten, as <see cref="Turnover.Read"/> adds it.
    /// </summary>
    private static decimal PreviousMonthTurnover(DbSession s, TouchRow click, ProgramDefinition program, DateTimeOffset at)
    {
        var previous = PreviousMonth(at);
        var key = Turnover.Of(click.PublisherId!, program.Id, Times.ToMicros(previous));
        return program.PayoutCurrencyAt(previous).FromMinor(click.TurnoverMinor.GetValueOrDefault() + s.Unwritten(key));
    }

    private static Order ToDomain(OrderRow row, List<LineRow> lines)
    {
        var currency = Currency.Of(row.Currency);
        return new Order(row.Id, Times.FromMicros(row.At), currency, row.DeliveryCountry,
            lines.Select(l => new OrderLine(l.LineId, l.ProductId, l.Category, l.Store, currency.FromMinor(l.PriceMinor), l.Quantity,
                l.Affiliated, l.SellerRate is { } sr ? decimal.Parse(sr, CultureInfo.InvariantCulture) : null, l.IsVirtual, l.Section, l.SellerOrigin)).ToList(),
            row.VisitorId, row.ClickId);
    }

    public OrderView? Find(string id) => store.Read(s => Find(s, id));

    public static OrderView? Find(DbSession s, string id)
    {
        using var read = s.QueryMultiple("""
            SELECT o.*, k.at AS click_at FROM orders o LEFT JOIN clicks k ON k.id = o.attributed_click_id WHERE o.id = @id;
            SELECT * FROM order_lines WHERE order_id = @id ORDER BY line_no;
            """, new { id });
        var row = read.ReadSingleOrDefault<OrderRow>();
        var lines = read.Read<LineRow>();
        return row is null ? null : View(row, lines);
    }

    /// <summary>
    /// A publisher's commissions, newest first: only orders credited to <paramref name="publisherId"/>, filtered by
    /// status, program, order time [from, to) and the sub ids of the click that won.
    /// </summary>
    public static IReadOnlyList<OrderView> ForPublisher(DbSession s, string publisherId, CommissionFilter filter)
    {
        var rows = s.Query<OrderRow>("""
            SELECT o.*, k.at AS click_at FROM orders o LEFT JOIN clicks k ON k.id = o.attributed_click_id
            WHERE o.publisher_id = @publisherId
              AND (@Status IS NULL OR o.status = @Status) AND (@Program IS NULL OR o.program_id = @Program)
              AND (@From IS NULL OR o.at >= @From) AND (@To IS NULL OR o.at < @To)
              AND (@UpdatedFrom IS NULL OR o.updated_at >= @UpdatedFrom) AND (@UpdatedTo IS NULL OR o.updated_at < @UpdatedTo)
              AND (@Sub1 IS NULL OR k.sub1 = @Sub1) AND (@Sub2 IS NULL OR k.sub2 = @Sub2) AND (@Sub3 IS NULL OR k.sub3 = @Sub3)
              AND (@Sub4 IS NULL OR k.sub4 = @Sub4) AND (@Sub5 IS NULL OR k.sub5 = @Sub5)
            ORDER BY o.at DESC, o.seq DESC
            LIMIT @Limit OFFSET @Offset
            """, new
            {
                publisherId, filter.Status, filter.Program, From = filter.From is { } f ? Times.ToMicros(f) : (long?)null,
                To = filter.To is { } t ? Times.ToMicros(t) : (long?)null,
                UpdatedFrom = filter.UpdatedFrom is { } uf ? Times.ToMicros(uf) : (long?)null, UpdatedTo = filter.UpdatedTo is { } ut ? Times.ToMicros(ut) : (long?)null,
                filter.Sub1, filter.Sub2, filter.Sub3, filter.Sub4, filter.Sub5,
                Limit = Math.Clamp(filter.Limit, 1, 1000), Offset = Math.Max(filter.Offset, 0),
            });
        return rows.Select(row => View(row, s.Query<LineRow>("SELECT * FROM order_lines WHERE order_id = @Id ORDER BY line_no", new { row.Id }))).ToList();
    }

    /// <summary>
    /// The order as its publisher may see it: the attribution trace names only that publisher's own clicks; another
    /// publisher's click (one skipped as invalid traffic) is "another publisher's click".
    /// </summary>
    public static OrderView ForItsPublisher(DbSession s, OrderView order)
    {
        if (order.Publisher is null) return order;
        var owners = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? Owner(string clickId)
        {
            if (!owners.TryGetValue(clickId, out var owner))
            {
                owner = Tracking.ClickPartitions.ById<string>(s, "publisher_id", clickId).FirstOrDefault();
                owners[clickId] = owner;
            }
            return owner;
        }
        var trace = order.AttributionTrace.Select(line =>
        {
            var match = SkippedClick().Match(line);
            if (match.Success && Owner(match.Groups[1].Value) != order.Publisher)
            {
                line = string.Concat("another publisher's click", line.AsSpan(match.Length));
            }
            // Other identifiers: a click or touch that is not the publisher's is not named, and no visitor id is shown
            // (another visitor's id, or the marketplace's click id, says nothing the publisher may know).
            line = ClickReference().Replace(line, m => Owner(m.Groups[2].Value) == order.Publisher ? m.Value : $"{m.Groups[1].Value} (not yours)");
            return VisitorReference().Replace(line, "a visitor");
        }).ToList();
        return order with { AttributionTrace = trace };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^click (\S+)(?= skipped)")]
    private static partial System.Text.RegularExpressions.Regex SkippedClick();

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(clickId|click|touch|latest is) (?!(?:skipped|of|in|at|is|identifies)\b)([^\s:,()]+)")]
    private static partial System.Text.RegularExpressions.Regex ClickReference();

    [System.Text.RegularExpressions.GeneratedRegex(@"\bvisitors? [^\s:,()]+")]
    private static partial System.Text.RegularExpressions.Regex VisitorReference();

    /// <summary>
    /// The orders named, in the order named (each must exist), with their lines, for exports; traces stay as stored JSON.
    /// Read a thousand at a time, so an export of every order holds only a thousand in memory (docs/performance.md: a
    /// replay's outcome read all of them at once, and the collector copied them from generation to generation).
    /// </summary>
    public static IEnumerable<(OrderView Order, IReadOnlyList<string> LineTraces)> Export(DbSession s, IEnumerable<string> ids)
    {
        foreach (var chunk in ids.Chunk(1000))
        {
            object param = s.Provider == StoreProvider.Postgres ? new { ids = chunk } : new { ids = JsonSerializer.Serialize(chunk) };
            var within = s.Provider == StoreProvider.Postgres ? "= ANY(@ids)" : "IN (SELECT value FROM json_each(@ids))";
            var rows = s.Query<OrderRow>($"SELECT * FROM orders WHERE id {within}", param).ToDictionary(o => o.Id, StringComparer.Ordinal);
            var lines = LineRow.ByOrder(s.Query<LineRow>($"SELECT * FROM order_lines WHERE order_id {within} ORDER BY order_id, line_no", param));
            foreach (var id in chunk)
            {
                var row = rows.TryGetValue(id, out var found) ? found : throw new KeyNotFoundException($"order {id} is not stored");
                var own = lines[row.Id];
                yield return (View(row, own, withTraces: false), own.Select(l => l.RateReason is null ? TraceJson.Concat(l.Trace, row.CapTrace) : l.Trace).ToList());
            }
        }
    }

    private static OrderView View(OrderRow row, List<LineRow> lines, bool withTraces = true) =>
        View(row, lines, l => withTraces ? TraceJson.Read(l.RateReason is null ? TraceJson.Concat(l.Trace, row.CapTrace) : l.Trace) : [],
            JsonSerializer.Deserialize<List<string>>(row.AttributionTrace, TraceJsonOptions)!);

    private static OrderView View(OrderRow row, List<LineRow> lines, Func<LineRow, IReadOnlyList<TraceStep>> trace, IReadOnlyList<string> attributionTrace)
    {
        var payout = Currency.Of(row.PayoutCurrency);
        var orderCurrency = Currency.Of(row.Currency);
        var views = lines.Select(l => new LineView(l.LineId, decimal.Parse(l.Rate, CultureInfo.InvariantCulture),
            payout.Format(payout.FromMinor(l.CommissionMinor)), l.Reason, trace(l))).ToList();
        // An order that pays nothing says why at its own level too: its lines' most common reason (the first line's on a tie).
        var reason = row.AttributionReason ?? row.DeclineReason ?? (row.CommissionMinor == 0
            ? lines.Where(l => l.Reason is not null).GroupBy(l => l.Reason).OrderByDescending(g => g.Count()).ThenBy(g => g.Min(l => l.LineNo)).FirstOrDefault()?.Key
            : null);
        return new OrderView(row.Id, row.PublisherId, row.AttributedClickId, row.ProgramId, row.Status, row.Currency,
            orderCurrency.Format(orderCurrency.FromMinor(row.AmountMinor)), decimal.Parse(row.FxRate, CultureInfo.InvariantCulture), row.Capped,
            row.PayoutCurrency, payout.Format(payout.FromMinor(row.CommissionMinor)), reason,
            attributionTrace, views, Times.FromMicros(row.At), row.UpdatedAt == 0 ? null : Times.FromMicros(row.UpdatedAt), row.LinkId,
            row.Sub1, row.Sub2, row.Sub3, row.Sub4, row.Sub5, row.ClickAt is { } clickAt ? Times.FromMicros(clickAt) : null, row.ClickCountry, row.Device);
    }

    public static string Name(OrderStatus status) => status.ToString().ToLowerInvariant();
    public static string Name(Account account) => account.ToString().ToLowerInvariant();

    public static string Name(EventType type) => type switch
    {
        EventType.Paid => "paid",
        EventType.GoodsReceived => "goods_received",
        EventType.AutoConfirmed => "auto_confirmed",
        EventType.Cancelled => "cancelled",
        EventType.Refunded => "refunded",
        EventType.Fraud => "fraud",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static EventType ParseEventType(string name) => TryParseEventType(name, out var t) ? t : throw new ArgumentException($"unknown event type '{name}'", nameof(name));

    public static bool TryParseEventType(string? name, out EventType type)
    {
        type = default;
        return name is not null && EventTypes.TryGetValue(name, out type);
    }

    // Made once: Enum.GetValues makes a new array on every call, and every event is parsed twice (the replay's
    // scenario, then the event itself).
    private static readonly FrozenDictionary<string, EventType> EventTypes =
        Enum.GetValues<EventType>().ToFrozenDictionary(Name, StringComparer.Ordinal);
}
