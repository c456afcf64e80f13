using System.Globalization;

namespace LastClick.Common;

/// <summary>An ISO 4217 currency and the number of digits of its minor unit.</summary>
public sealed record Currency(string Code, int MinorDigits)
{
    // ISO 4217 minor units of the currencies the marketplaces we run sell in.
    private static readonly Dictionary<string, Currency> Known = new(StringComparer.Ordinal)
    {
        ["USD"] = new("USD", 2), ["EUR"] = new("EUR", 2), ["GBP"] = new("GBP", 2), ["RUB"] = new("RUB", 2),
        ["PLN"] = new("PLN", 2), ["CZK"] = new("CZK", 2), ["HUF"] = new("HUF", 2), ["RON"] = new("RON", 2),
        ["BGN"] = new("BGN", 2), ["CHF"] = new("CHF", 2), ["SEK"] = new("SEK", 2), ["DKK"] = new("DKK", 2),
        ["NOK"] = new("NOK", 2), ["KZT"] = new("KZT", 2), ["BYN"] = new("BYN", 2), ["UZS"] = new("UZS", 2),
        ["AMD"] = new("AMD", 2), ["AZN"] = new("AZN", 2), ["GEL"] = new("GEL", 2), ["KGS"] = new("KGS", 2),
        ["MDL"] = new("MDL", 2), ["TJS"] = new("TJS", 2), ["TMT"] = new("TMT", 2), ["UAH"] = new("UAH", 2),
        ["BRL"] = new("BRL", 2), ["MXN"] = new("MXN", 2), ["CAD"] = new("CAD", 2), ["AUD"] = new("AUD", 2),
        ["CNY"] = new("CNY", 2), ["TRY"] = new("TRY", 2), ["ILS"] = new("ILS", 2), ["AED"] = new("AED", 2),
        ["SAR"] = new("SAR", 2), ["JPY"] = new("JPY", 0), ["KRW"] = new("KRW", 0), ["CLP"] = new("CLP", 0),
        ["VND"] = new("VND", 0), ["KWD"] = new("KWD", 3), ["BHD"] = new("BHD", 3),
    };

    public static bool TryFind(string? code, out Currency currency)
    {
        currency = null!;
        return code is not null && Known.TryGetValue(code, out currency!);
    }

    public static Currency Of(string code) =>
        TryFind(code, out var c) ? c : throw new ArgumentException($"unknown currency '{code}'", nameof(code));

    public decimal Round(decimal amount) => Math.Round(amount, MinorDigits, MidpointRounding.AwayFromZero);

    public long ToMinor(decimal amount)
    {
        var rounded = Round(amount);
        if (rounded != amount)
        {
            throw new ArgumentException($"{amount} has more than {MinorDigits} minor digits for {Code}", nameof(amount));
        }
        return decimal.ToInt64(rounded * Pow10(MinorDigits));
    }

    /// <summary>The amount of a count of minor units, built with its scale (no division).</summary>
    public decimal FromMinor(long minor) =>
        new((int)(ulong)Math.Abs(minor), (int)((ulong)Math.Abs(minor) >> 32), 0, minor < 0, (byte)MinorDigits);

    /// <summary>Exactly the currency's minor digits, invariant culture: "12.50".</summary>
    public string Format(decimal amount) =>
        Round(amount).ToString("F" + MinorDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public override string ToString() => Code;

    private static decimal Pow10(int digits) => digits switch { 0 => 1m, 1 => 10m, 2 => 100m, 3 => 1000m, _ => throw new ArgumentOutOfRangeException(nameof(digits)) };
}

/// <summary>An amount of money. Exact (not rounded) until <see cref="Rounded"/> is asked for.</summary>
public readonly record struct Money(decimal Amount, Currency Currency)
{
    public Money Rounded() => this with { Amount = Currency.Round(Amount) };
    public long ToMinor() => Currency.ToMinor(Amount);
    public override string ToString() => $"{Currency.Format(Amount)} {Currency.Code}";
}

public static class Decimals
{
    /// <summary>Canonical text of a rate or amount: invariant, no trailing zeros ("0.056", "1.6").</summary>
    public static string Canonical(decimal value) => value.ToString("G29", CultureInfo.InvariantCulture);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<decimal, string> TextCache = new();

    /// <summary><see cref="Canonical"/>, remembered for the few thousand distinct rates a program sees.</summary>
    public static string Text(decimal rate) =>
        TextCache.TryGetValue(rate, out var text) ? text
        : TextCache.Count < 10_000 ? TextCache.GetOrAdd(rate, Canonical)
        : Canonical(rate);

    public static bool TryParse(string? text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}
