namespace LastClick.Common;

/// <summary>
/// The bounds every input is held to (I1), chosen so that no amount, and no sum a report or a ledger keeps over
/// amounts, can overflow the integer minor units the stores keep: an order is at most <see cref="MaxAmount"/> (10⁹ of
/// its currency, 10¹¹ minor units at two decimals, 10¹² at three), so a signed 64-bit sum holds at least 9.2 million
/// orders of the maximum value — more than any one report key or account meets; beyond that a sum is refused
/// rather than wrapped (checked arithmetic).
/// </summary>
public static class Limits
{
    /// <summary>The largest order, line, claim, refund or adjustment, in units of its currency.</summary>
    public const decimal MaxAmount = 1_000_000_000m;

    /// <summary>The largest quantity on one order line.</summary>
    public const int MaxQuantity = 100_000;

    /// <summary>The longest id, visitor, category or store a request may name: every one fits an index entry on both stores.</summary>
    public const int MaxIdLength = 256;

    /// <summary>The longest note, comment or reason text.</summary>
    public const int MaxTextLength = 4_000;

    /// <summary>Lines one order may have (a 50,000-line order held up the writes queued behind it for a second).</summary>
    public const int MaxOrderLines = 1_000;

    /// <summary>How far ahead of the server's clock a fact may be dated (clocks drift; a day is generous).</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromHours(24);

    /// <summary>The earliest instant any fact or report may name.</summary>
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first day no report or list may reach (a date past it is a typo, and 9999-12-31 has no next day).</summary>
    public static readonly DateOnly LatestDate = new(2100, 1, 1);

    /// <summary>A date or time a query names, from <see cref="Earliest"/> to before <see cref="LatestDate"/>.</summary>
    public static bool IsQueryable(DateTimeOffset time) => time >= Earliest && time < new DateTimeOffset(LatestDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Refuses a time before <see cref="Earliest"/> or more than <see cref="MaxAhead"/> after <paramref name="now"/>.</summary>
    public static void CheckTime(DateTimeOffset time, DateTimeOffset now, string field)
    {
        if (time < Earliest) throw ProblemException.Invalid(field, $"is before {Times.Format(Earliest)}");
        if (time > now + MaxAhead) throw ProblemException.Invalid(field, $"is more than {MaxAhead.TotalHours:0} hours ahead of the server's clock ({Times.Format(now)})");
    }

    /// <summary>Refuses an amount whose size is over <see cref="MaxAmount"/>.</summary>
    public static void CheckAmount(decimal amount, string field)
    {
        if (Math.Abs(amount) > MaxAmount) throw ProblemException.Invalid(field, $"is over the largest amount accepted ({MaxAmount:0})");
    }
}
