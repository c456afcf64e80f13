using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using LastClick.Attribution;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Data;
using LastClick.Ledger;
using LastClick.Lifecycle;
using LastClick.Programs;

namespace LastClick.Orders;

public sealed record LineView(string Id, decimal Rate, string Commission, string? Reason, IReadOnlyList<TraceStep> Trace);

/// <summary>An order as the publisher and the operator see it: who got it, why, and what it earns.</summary>
public sealed record OrderView(
    string Id, string? Publisher, string? Click, string Program, string Status, string OrderCurrency, string Amount, decimal FxRate,
    bool Capped, string Currency, string Commission,
    string? Reason, IReadOnlyList<string> AttributionTrace, IReadOnlyList<LineView> Lines);

/// <summary>
/// Orders and their events: stored idempotently, attributed (A), commissioned (B), carried through the lifecycle (C)
/// into the ledger (D1), each in one transaction. The decisions are the pure functions; this loads, calls and stores.
/// </summary>
public sealed class OrderService(Store store, ProgramCatalog programs, TimeProvider clock)
{
    private static readonly JsonSerializerOptions TraceJson = new(JsonSerializerDefaults.Web);

    /// <summary>Checks an order before anything is written; the error names the field under <paramref name="path"/>.</summary>
    public static void Validate(Order order, ProgramDefinition program, string path)
    {
        string F(string field) => path.Length == 0 ? field : $"{path}.{field}";
        if (string.IsNullOrWhiteSpace(order.Id)) throw ProblemException.Invalid(F("id"), "is required");
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
            if (line.Quantity < 1) throw ProblemException.Invalid($"{lp}.quantity", "must be 1 or more");
            if (line.SellerRate is < 0m or > 1m) throw ProblemException.Invalid($"{lp}.sellerRate", "must be a fraction between 0 and 1");
        }
    }

    public static void Validate(OrderEvent e, Order order, string path)
    {
        string F(string field) => path.Length == 0 ? field : $"{path}.{field}";
        if (string.IsNullOrWhiteSpace(e.Id)) throw ProblemException.Invalid(F("id"), "is required");
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
        }
    }

    /// <summary>
    /// Stores a new order, attributes it and posts its commission. The same id with the same body answers as
    /// the first time; with a different body it is a conflict and nothing changes.
    /// </summary>
    public OrderView Ingest(Order order, string programId)
    {
        var program = programs.Get(programId);
        Validate(order, program, "order");
        var hash = Fingerprint.Of(order);
        using var c = store.Open();
        using var tx = c.BeginTransaction();
        var existing = c.QuerySingleOrDefault<string>("SELECT body_hash FROM orders WHERE id = @Id", new { order.Id }, tx);
        if (existing is not null)
        {
            if (existing != hash) throw new ProblemException(Problem.Conflict("order.id", $"order '{order.Id}' was already received with a different body"));
            tx.Commit();
            return View(c, null, order.Id)!;
        }

        var touches = LoadTouches(c, tx, order, program.CookieWindow);
        var attribution = Attribution.Attribution.Decide(touches.Select(t => t.Touch), order.At, program.CookieWindow);
        var clickProgram = attribution.Click is { } won ? programs.Get(touches.First(t => t.Touch.Kind == TouchKind.AffiliateClick && t.Touch.Id == won.Id).ProgramId!) : program;

        IReadOnlyList<LineRate> rates;
        string? trafficType = null;
        if (attribution.Click is { } click)
        {
            trafficType = c.QuerySingle<string>("SELECT traffic_type FROM publishers WHERE id = @PublisherId", click, tx);
            var turnover = clickProgram.Tiers is null ? 0m : PreviousMonthTurnover(c, tx, click.PublisherId!, clickProgram, order.At);
            rates = Commission.Rate(order, click, clickProgram, new PublisherContext(trafficType, turnover));
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
            AttributionTrace = JsonSerializer.Serialize(attribution.Trace, TraceJson), TrafficType = trafficType,
            Status = Name(OrderStatus.Pending), PayoutCurrency = clickProgram.PayoutCurrencyAt(order.At).Code, UpdatedAt = Times.ToMicros(now),
        };
        var lines = order.Lines.Select((l, i) => new LineRow
        {
            OrderId = order.Id, LineNo = i, LineId = l.Id, ProductId = l.ProductId, Category = l.Category, Store = l.Store,
            PriceMinor = order.Currency.ToMinor(l.Price), Quantity = l.Quantity, Affiliated = l.Affiliated,
            SellerRate = l.SellerRate is { } sr ? Decimals.Canonical(sr) : null, IsVirtual = l.Virtual, Section = l.Section,
            SellerOrigin = l.SellerOrigin, Rate = Decimals.Canonical(rates[i].Rate), RateReason = rates[i].Reason,
            Trace = JsonSerializer.Serialize(rates[i].Trace, TraceJson), Reason = rates[i].Reason,
        }).ToList();

        c.Execute("""
            INSERT INTO orders (id, body_hash, program_id, visitor_id, click_id, at, currency, delivery_country, amount_minor,
                publisher_id, attributed_click_id, attribution_reason, attribution_trace, traffic_type, status, decline_reason,
                payout_currency, fx_rate, sales_minor, commission_minor, capped, cap_trace, held_account, held_minor, paid_out, settled_minor,
                confirmed_at, updated_at)
            VALUES (@Id, @BodyHash, @ProgramId, @VisitorId, @ClickId, @At, @Currency, @DeliveryCountry, @AmountMinor,
                @PublisherId, @AttributedClickId, @AttributionReason, @AttributionTrace, @TrafficType, @Status, @DeclineReason,
                @PayoutCurrency, @FxRate, @SalesMinor, @CommissionMinor, @Capped, @CapTrace, @HeldAccount, @HeldMinor, @PaidOut, @SettledMinor,
                @ConfirmedAt, @UpdatedAt)
            """, row, tx);
        c.Execute("""
            INSERT INTO order_lines (order_id, line_no, line_id, product_id, category, store, price_minor, quantity, affiliated,
                seller_rate, is_virtual, section, seller_origin, rate, rate_reason, trace, reason, refunded_minor, commission_minor)
            VALUES (@OrderId, @LineNo, @LineId, @ProductId, @Category, @Store, @PriceMinor, @Quantity, @Affiliated,
                @SellerRate, @IsVirtual, @Section, @SellerOrigin, @Rate, @RateReason, @Trace, @Reason, @RefundedMinor, @CommissionMinor)
            """, lines, tx);
        Settle(c, tx, row, lines, [], clickProgram, now);
        tx.Commit();
        return View(c, null, order.Id)!;
    }

    /// <summary>Applies a marketplace event. A repeated event (same id, same body) changes nothing and returns false.</summary>
    public bool ApplyEvent(OrderEvent e)
    {
        var hash = Fingerprint.Of(e);
        using var c = store.Open();
        using var tx = c.BeginTransaction();
        var existing = c.QuerySingleOrDefault<string>("SELECT body_hash FROM order_events WHERE id = @Id", new { e.Id }, tx);
        if (existing is not null)
        {
            if (existing != hash) throw new ProblemException(Problem.Conflict("event.id", $"event '{e.Id}' was already received with a different body"));
            return false;
        }
        var row = c.QuerySingleOrDefault<OrderRow>("SELECT * FROM orders WHERE id = @OrderId", new { e.OrderId }, tx)
            ?? throw new ProblemException(Problem.NotFound("event.order", $"unknown order '{e.OrderId}'"));
        var lines = LoadLines(c, tx, row.Id);
        var order = ToDomain(row, lines);
        Validate(e, order, "event");
        var now = clock.GetUtcNow();
        c.Execute("""
            INSERT INTO order_events (id, body_hash, order_id, type, at, line_id, amount_minor, received_at)
            VALUES (@Id, @hash, @OrderId, @type, @at, @LineId, @amount, @received)
            """,
            new { e.Id, hash, e.OrderId, type = Name(e.Type), at = Times.ToMicros(e.At), e.LineId,
                  amount = e.Amount is { } a ? order.Currency.ToMinor(a) : (long?)null, received = Times.ToMicros(now) }, tx);
        Settle(c, tx, row, lines, LoadEvents(c, tx, row), programs.Get(row.ProgramId), now);
        tx.Commit();
        return true;
    }

    /// <summary>Makes payable every confirmed order whose program's hold has passed by now. Returns how many moved.</summary>
    public int Advance()
    {
        var now = clock.GetUtcNow();
        var moved = 0;
        using var c = store.Open();
        foreach (var program in programs.All)
        {
            using var tx = c.BeginTransaction();
            var due = c.Query<OrderRow>(
                "SELECT * FROM orders WHERE status = 'confirmed' AND program_id = @Id AND confirmed_at <= @until",
                new { program.Id, until = Times.ToMicros(now - program.Hold) }, tx).ToList();
            foreach (var row in due)
            {
                Settle(c, tx, row, LoadLines(c, tx, row.Id), LoadEvents(c, tx, row), program, now);
                moved++;
            }
            tx.Commit();
        }
        return moved;
    }

    /// <summary>Marks a publisher's payable orders of a program and currency as paid out (called inside a payout run).</summary>
    internal static void MarkPaidOut(DbConnection c, DbTransaction tx, string programId, string publisherId, string currency, DateTimeOffset now) =>
        c.Execute("""
            UPDATE orders SET status = 'paid', paid_out = @yes, settled_minor = held_minor, held_minor = 0, held_account = NULL, updated_at = @now
            WHERE program_id = @programId AND publisher_id = @publisherId AND payout_currency = @currency AND held_account = 'payable'
            """, new { yes = true, programId, publisherId, currency, now = Times.ToMicros(now) }, tx);

    /// <summary>Recomputes the order from its facts and posts the ledger transfers that bring the books in line.</summary>
    private static void Settle(DbConnection c, DbTransaction tx, OrderRow row, List<LineRow> lines, List<OrderEvent> events, ProgramDefinition program, DateTimeOffset now)
    {
        var order = ToDomain(row, lines);
        var facts = OrderLifecycle.Fold(events, order);
        var declined = OrderLifecycle.DeclineReason(facts);
        var status = OrderLifecycle.Status(facts, now, program.Hold, row.PaidOut);
        var rates = lines.Select(l => new LineRate(l.LineId, decimal.Parse(l.Rate, CultureInfo.InvariantCulture), l.RateReason,
            JsonSerializer.Deserialize<List<TraceStep>>(l.Trace, TraceJson)!)).ToList();
        var commission = Commission.Total(order, rates, program, facts.LineRefunds, declined);
        var payout = Currency.Of(row.PayoutCurrency);
        var credited = row.PublisherId is not null;
        var amount = credited ? commission.Total : 0m;

        if (credited)
        {
            var position = new OrderPosition(row.HeldAccount is null ? null : Enum.Parse<Account>(row.HeldAccount, ignoreCase: true),
                payout.FromMinor(row.HeldMinor), row.PaidOut, payout.FromMinor(row.SettledMinor));
            var (transfers, next) = LedgerRules.Reconcile(position, status, amount, facts.FraudAt is not null);
            PostTransfers(c, tx, row.ProgramId, row.PublisherId!, payout, row.Id, null, transfers, now);
            row.HeldAccount = next.Held is { } h ? Name(h) : null;
            row.HeldMinor = payout.ToMinor(next.HeldAmount);
            row.SettledMinor = payout.ToMinor(next.Settled);
        }

        var netSales = order.Lines.Sum(l => l.Amount - (facts.LineRefunds.TryGetValue(l.Id, out var r) ? Math.Min(r, l.Amount) : 0m));
        row.Status = Name(status);
        row.DeclineReason = declined;
        row.FxRate = Decimals.Canonical(commission.FxRate);
        row.SalesMinor = payout.ToMinor(declined is null ? payout.Round(netSales * commission.FxRate) : 0m);
        row.CommissionMinor = payout.ToMinor(amount);
        row.Capped = commission.Cap is not null;
        row.CapTrace = commission.CapStep is { } capStep ? JsonSerializer.Serialize(capStep, TraceJson) : null;
        row.ConfirmedAt = facts.ConfirmedAt is { } ca ? Times.ToMicros(ca) : null;
        row.UpdatedAt = Times.ToMicros(now);
        c.Execute("""
            UPDATE orders SET status = @Status, decline_reason = @DeclineReason, fx_rate = @FxRate, sales_minor = @SalesMinor,
                commission_minor = @CommissionMinor, capped = @Capped, cap_trace = @CapTrace, held_account = @HeldAccount, held_minor = @HeldMinor,
                settled_minor = @SettledMinor, confirmed_at = @ConfirmedAt, updated_at = @UpdatedAt
            WHERE id = @Id
            """, row, tx);

        for (var i = 0; i < lines.Count; i++)
        {
            var line = commission.Lines[i];
            var reason = credited ? line.Reason : row.AttributionReason;
            var minor = credited ? payout.ToMinor(line.Amount) : 0;
            var refunded = order.Currency.ToMinor(order.Lines[i].Amount - line.Base);
            if (lines[i].Reason == reason && lines[i].CommissionMinor == minor && lines[i].RefundedMinor == refunded) continue;
            (lines[i].Reason, lines[i].CommissionMinor, lines[i].RefundedMinor) = (reason, minor, refunded);
            c.Execute("UPDATE order_lines SET reason = @Reason, commission_minor = @CommissionMinor, refunded_minor = @RefundedMinor WHERE order_id = @OrderId AND line_no = @LineNo",
                lines[i], tx);
        }
    }

    internal static void PostTransfers(DbConnection c, DbTransaction tx, string programId, string publisherId, Currency currency,
        string? orderId, string? payoutRunId, IEnumerable<Transfer> transfers, DateTimeOffset at)
    {
        var rows = transfers.Where(t => t.Amount != 0m).Select(t => new
        {
            programId, publisherId, currency = currency.Code, orderId, payoutRunId, kind = t.Kind,
            from = Name(t.From), to = Name(t.To), amount = currency.ToMinor(t.Amount), at = Times.ToMicros(at),
        }).ToList();
        if (rows.Count == 0) return;
        c.Execute("""
            INSERT INTO ledger_transfers (program_id, publisher_id, currency, order_id, payout_run_id, kind, from_account, to_account, amount_minor, at)
            VALUES (@programId, @publisherId, @currency, @orderId, @payoutRunId, @kind, @from, @to, @amount, @at)
            """, rows, tx);
    }

    private static List<(Touch Touch, string? ProgramId)> LoadTouches(DbConnection c, DbTransaction tx, Order order, TimeSpan window)
    {
        var p = new { order.Visitor, order.ClickId, from = Times.ToMicros(order.At - window), to = Times.ToMicros(order.At) };
        // In the window, plus the latest before it (so an expired cookie can be told from no click at all).
        var rows = c.Query<TouchRow>("""
            SELECT id, seq, at, program_id, publisher_id, country, anonymizer, invalid_reason
            FROM clicks WHERE visitor_id = @Visitor AND at >= @from AND at <= @to
            UNION ALL
            SELECT id, seq, at, program_id, publisher_id, country, anonymizer, invalid_reason
            FROM clicks WHERE id = @ClickId
            UNION ALL
            SELECT * FROM (SELECT id, seq, at, program_id, publisher_id, country, anonymizer, invalid_reason
                FROM clicks WHERE visitor_id = @Visitor AND at < @from ORDER BY at DESC LIMIT 1) AS before_clicks
            """, p, tx).Select(r => (new Touch(r.Id, TouchKind.AffiliateClick, Times.FromMicros(r.At), r.Seq, r.PublisherId, null, r.Country, r.Anonymizer, r.InvalidReason), r.ProgramId));
        var marketplace = c.Query<TouchRow>("""
            SELECT id, seq, at, channel FROM touches WHERE visitor_id = @Visitor AND at >= @from AND at <= @to
            UNION ALL
            SELECT * FROM (SELECT id, seq, at, channel FROM touches WHERE visitor_id = @Visitor AND at < @from ORDER BY at DESC LIMIT 1) AS before_touches
            """, p, tx).Select(r => (new Touch(r.Id, TouchKind.MarketplaceTouch, Times.FromMicros(r.At), r.Seq, Channel: r.Channel), (string?)null));
        return rows.Concat(marketplace).DistinctBy(t => (t.Item1.Kind, t.Item1.Id)).ToList();
    }

    /// <summary>B13: the publisher's confirmed sales in the program's payout currency over the previous calendar month (UTC).</summary>
    private static decimal PreviousMonthTurnover(DbConnection c, DbTransaction tx, string publisherId, ProgramDefinition program, DateTimeOffset at)
    {
        var monthStart = new DateTimeOffset(at.Year, at.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var previous = monthStart.AddMonths(-1);
        var minor = c.ExecuteScalar<long>("""
            SELECT CAST(COALESCE(SUM(sales_minor), 0) AS BIGINT) FROM orders
            WHERE publisher_id = @publisherId AND program_id = @Id AND at >= @from AND at < @to AND status IN ('confirmed', 'payable', 'paid')
            """, new { publisherId, program.Id, from = Times.ToMicros(previous), to = Times.ToMicros(monthStart) }, tx);
        return program.PayoutCurrencyAt(previous).FromMinor(minor);
    }

    private static List<LineRow> LoadLines(DbConnection c, DbTransaction? tx, string orderId) =>
        c.Query<LineRow>("SELECT * FROM order_lines WHERE order_id = @orderId ORDER BY line_no", new { orderId }, tx).ToList();

    private static List<OrderEvent> LoadEvents(DbConnection c, DbTransaction tx, OrderRow order)
    {
        var currency = Currency.Of(order.Currency);
        return c.Query<EventRow>("SELECT * FROM order_events WHERE order_id = @Id ORDER BY at, seq", new { order.Id }, tx)
            .Select(r => new OrderEvent(r.Id, r.OrderId, ParseEventType(r.Type), Times.FromMicros(r.At), r.LineId,
                r.AmountMinor is { } a ? currency.FromMinor(a) : null))
            .ToList();
    }

    private static Order ToDomain(OrderRow row, List<LineRow> lines)
    {
        var currency = Currency.Of(row.Currency);
        return new Order(row.Id, Times.FromMicros(row.At), currency, row.DeliveryCountry,
            lines.Select(l => new OrderLine(l.LineId, l.ProductId, l.Category, l.Store, currency.FromMinor(l.PriceMinor), l.Quantity,
                l.Affiliated, l.SellerRate is { } sr ? decimal.Parse(sr, CultureInfo.InvariantCulture) : null, l.IsVirtual, l.Section, l.SellerOrigin)).ToList(),
            row.VisitorId, row.ClickId);
    }

    public OrderView? Find(string id)
    {
        using var c = store.Open();
        return View(c, null, id);
    }

    private static OrderView? View(DbConnection c, DbTransaction? tx, string id)
    {
        var row = c.QuerySingleOrDefault<OrderRow>("SELECT * FROM orders WHERE id = @id", new { id }, tx);
        if (row is null) return null;
        var payout = Currency.Of(row.PayoutCurrency);
        var capStep = row.CapTrace is null ? null : JsonSerializer.Deserialize<TraceStep>(row.CapTrace, TraceJson);
        var lines = LoadLines(c, tx, id).Select(l =>
        {
            var trace = JsonSerializer.Deserialize<List<TraceStep>>(l.Trace, TraceJson)!;
            if (capStep is not null && l.RateReason is null) trace.Add(capStep);
            return new LineView(l.LineId, decimal.Parse(l.Rate, CultureInfo.InvariantCulture), payout.Format(payout.FromMinor(l.CommissionMinor)), l.Reason, trace);
        }).ToList();
        var orderCurrency = Currency.Of(row.Currency);
        return new OrderView(row.Id, row.PublisherId, row.AttributedClickId, row.ProgramId, row.Status, row.Currency,
            orderCurrency.Format(orderCurrency.FromMinor(row.AmountMinor)), decimal.Parse(row.FxRate, CultureInfo.InvariantCulture), row.Capped,
            row.PayoutCurrency,
            payout.Format(payout.FromMinor(row.CommissionMinor)), row.AttributionReason ?? row.DeclineReason,
            JsonSerializer.Deserialize<List<string>>(row.AttributionTrace, TraceJson)!, lines);
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

    public static bool TryParseEventType(string name, out EventType type)
    {
        foreach (var t in Enum.GetValues<EventType>())
        {
            if (Name(t) == name) { type = t; return true; }
        }
        type = default;
        return false;
    }
}
