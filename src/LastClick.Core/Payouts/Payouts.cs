using LastClick.Common;
using LastClick.Programs;
using LastClick.Publishers;

namespace LastClick.Payouts;

/// <summary>A publisher's payable balance in one currency of a program, and what the plan needs to know about the publisher.</summary>
public sealed record PayableBalance(string PublisherId, Currency Currency, decimal Amount, PayoutDetails? Details = null, DateTimeOffset? HeldUntil = null);

public enum PayoutDecision { Paid, BelowThreshold, NegativeBalance, DetailsMissing, DetailsChanged, MethodNotOffered, NotConvertible }

/// <summary>
/// One line of a run's plan: the balance, the decision, and for a line to pay, what the bank sends —
/// <see cref="PayAmount"/> in <see cref="PayCurrency"/>, converted at <see cref="FxRate"/> when the publisher is paid in
/// another currency than the balance's (the program's internal rate of the run date, rounded once).
/// </summary>
public sealed record PayoutLine(string PublisherId, Currency Currency, decimal Amount, PayoutDecision Decision,
    Currency? PayCurrency = null, decimal PayAmount = 0m, decimal FxRate = 1m, PayoutDetails? Details = null, DateTimeOffset? HeldUntil = null)
{
    public string Status => Decision switch
    {
        PayoutDecision.Paid => LineStatus.Paid,
        PayoutDecision.BelowThreshold or PayoutDecision.NegativeBalance => LineStatus.CarriedOver,
        _ => LineStatus.Held,
    };

    public string? Reason => Decision switch
    {
        PayoutDecision.BelowThreshold => "below_threshold",
        PayoutDecision.NegativeBalance => "negative_balance",
        PayoutDecision.DetailsMissing => "payout_details_missing",
        PayoutDecision.DetailsChanged => "payout_details_changed",
        PayoutDecision.MethodNotOffered => "payout_method_not_offered",
        PayoutDecision.NotConvertible => "payout_currency_not_convertible",
        _ => null,
    };
}

/// <summary>Where a line of a run is: due (planned to pay), paid (exported to the bank), settled or returned; or not paid.</summary>
public static class LineStatus
{
    public const string Due = "due";
    public const string Paid = "paid";
    public const string Settled = "settled";
    public const string Returned = "returned";
    public const string CarriedOver = "carried_over";
    public const string Held = "held";
}

public static class RunStatus
{
    public const string Planned = "planned";
    public const string Approved = "approved";
    public const string Exported = "exported";
    public const string Settled = "settled";
    public static readonly IReadOnlyList<string> All = [Planned, Approved, Exported, Settled];
}

/// <summary>Weekly payout planning (product.md D2). Pure.</summary>
public static class PayoutPlanner
{
    /// <summary>
    /// A negative balance (deductions after payment) carries over and is recovered from later earnings, since the
    /// payable balance is net of it; a balance below the program's threshold carries over; a publisher without
    /// complete details, with a method the program does not pay by, or whose details changed within the hold, is held
    /// with the reason; every other balance is paid in full, converted to the currency the publisher is paid in.
    /// </summary>
    public static IReadOnlyList<PayoutLine> Plan(IEnumerable<PayableBalance> balances, ProgramDefinition program, DateTimeOffset at) =>
        balances
            .Where(b => b.Amount != 0m)
            .OrderBy(b => b.PublisherId, StringComparer.Ordinal).ThenBy(b => b.Currency.Code, StringComparer.Ordinal)
            .Select(b => Decide(b, program, at))
            .ToList();

    public static PayoutLine Decide(PayableBalance b, ProgramDefinition program, DateTimeOffset at)
    {
        PayoutLine Line(PayoutDecision decision) => new(b.PublisherId, b.Currency, b.Amount, decision, Details: b.Details, HeldUntil: b.HeldUntil);
        if (b.Amount < 0m) return Line(PayoutDecision.NegativeBalance);
        if (b.Amount < Threshold(program, b.Currency, at)) return Line(PayoutDecision.BelowThreshold);
        if (!PayoutDetailsRules.IsComplete(b.Details)) return Line(PayoutDecision.DetailsMissing);
        if (!program.Payout.Methods.Contains(b.Details!.Method)) return Line(PayoutDecision.MethodNotOffered);
        if (b.HeldUntil is { } until && until > at) return Line(PayoutDecision.DetailsChanged);
        // SEPA pays EUR whatever the record says; a wire pays its currency, else the balance's.
        var pay = b.Details.Method == PayoutDetailsRules.Sepa ? Currency.Of("EUR") : b.Details.Currency is { } code ? Currency.Of(code) : b.Currency;
        if (pay == b.Currency) return Line(PayoutDecision.Paid) with { PayCurrency = pay, PayAmount = b.Amount };
        var rates = program.InternalRatesAt(at);
        if (!rates.Knows(b.Currency.Code) || !rates.Knows(pay.Code)) return Line(PayoutDecision.NotConvertible);
        return Line(PayoutDecision.Paid) with
        {
            PayCurrency = pay,
            PayAmount = pay.Round(rates.Convert(b.Amount, b.Currency.Code, pay.Code)),
            FxRate = rates.Rate(b.Currency.Code, pay.Code),
        };
    }

    /// <summary>The program's threshold in a currency: its own, else the threshold of the currency it pays in at
    /// <paramref name="at"/> converted at its internal rate (a balance left in another currency by a returned payment).</summary>
    public static decimal Threshold(ProgramDefinition program, Currency currency, DateTimeOffset at)
    {
        if (program.Payout.Thresholds.TryGetValue(currency.Code, out var own)) return own;
        var main = program.PayoutCurrencyAt(at);
        var rates = program.InternalRatesAt(at);
        return program.Payout.Thresholds.TryGetValue(main.Code, out var t) && rates.Knows(main.Code) && rates.Knows(currency.Code)
            ? currency.Round(rates.Convert(t, main.Code, currency.Code))
            : program.Payout.Thresholds.Values.Max();
    }

    public static decimal Threshold(ProgramDefinition program, Currency currency) => Threshold(program, currency, DateTimeOffset.MaxValue);
}
