using System.Globalization;
using System.Text.Json;
using LastClick.Common;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;

namespace LastClick.Web;

/// <summary>
/// How a page writes what it shows, in the reader's language and culture (H2): a code as its label with its
/// explanation on hover, money with its currency, dates, counts and rates. Pages never write a code, a raw decimal or
/// an ISO date themselves.
/// </summary>
public static class Show
{
    /// <summary>The label of a code (a status, a reason, a rule…), or the code made readable when no label exists.</summary>
    public static string Label(IStringLocalizer text, string? code)
    {
        if (string.IsNullOrEmpty(code)) return "";
        var label = text["code." + code];
        return label.ResourceNotFound ? Readable(code) : label.Value;
    }

    /// <summary>A payout method by name: SEPA, an international wire, or another method's label.</summary>
    public static string Method(IStringLocalizer text, string method) => method switch
    {
        "sepa" => "SEPA",
        "wire" => text["International wire"].Value,
        _ => Label(text, method),
    };

    /// <summary>What a code means, for a hover, or null when it has no explanation.</summary>
    public static string? Help(IStringLocalizer text, string code) => text["code." + code + ".help"] is { ResourceNotFound: false } help ? help.Value : null;

    /// <summary>An event a postback or webhook can be sent for: its own text when it has one, else its code's label.</summary>
    public static string Event(IStringLocalizer text, string e) => text[e] is { ResourceNotFound: false } found ? found.Value : Label(text, e);

    /// <summary>A code as its label, its explanation on hover, and the code itself for machines (<c>data-code</c>).</summary>
    public static IHtmlContent Code(IStringLocalizer text, string? code)
    {
        if (string.IsNullOrEmpty(code)) return HtmlString.Empty;
        var b = new HtmlContentBuilder();
        b.AppendHtml("<span class=\"code\" data-code=\"").Append(code).AppendHtml("\"");
        if (Help(text, code) is { } help) b.AppendHtml(" title=\"").Append(help).AppendHtml("\"");
        return b.AppendHtml(">").Append(Label(text, code)).AppendHtml("</span>");
    }

    /// <summary>An amount with its currency's minor digits and the reader's separators: <c>1 234,50 EUR</c>.</summary>
    public static string Money(decimal amount, string? currency)
    {
        var digits = Currency.TryFind(currency, out var c) ? c.MinorDigits : 2;
        var text = amount.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.CurrentCulture);
        return currency is { Length: > 0 } ? text + " " + currency : text;
    }

    /// <summary>An amount the core or the API carries as invariant digits ("131.10"), written as <see cref="Money(decimal, string?)"/> does; empty for none.</summary>
    public static string Money(string? amount, string? currency) =>
        decimal.TryParse(amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? Money(value, currency) : amount ?? "";

    public static string Count(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Number(decimal value, string format = "N2") => value.ToString(format, CultureInfo.CurrentCulture);

    /// <summary>A rate such as 0.0725 as <c>7.25 %</c> in the reader's culture.</summary>
    public static string Percent(decimal rate, int digits = 2) =>
        (rate * 100).ToString("0." + new string('#', digits), CultureInfo.CurrentCulture) + " %";

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("d", CultureInfo.CurrentCulture);

    public static string Date(DateOnly day) => day.ToString("d", CultureInfo.CurrentCulture);

    /// <summary>A moment in UTC, short: the reader's date and 24-hour or 12-hour time as its culture writes them.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("g", CultureInfo.CurrentCulture);

    /// <summary>The chart series' names for app.js (<c>data-labels</c>), in the page's language.</summary>
    public static string ChartLabels(IStringLocalizer text) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["clicks"] = text["Clicks"], ["orders"] = text["Orders"],
        ["pending"] = Label(text, "pending"), ["confirmed"] = Label(text, "confirmed"), ["payable"] = Label(text, "payable"),
        ["paid"] = Label(text, "paid"), ["declined"] = Label(text, "declined"),
    });

    /// <summary>
    /// A country by its ISO code, named in the reader's language ("Allemagne (DE)"); the code alone when unknown. .NET
    /// names a region only in English or its own language, but names a culture in the reader's: the name of "en-DE" is
    /// "anglais (Allemagne)" to a French reader, and the region is what the parentheses hold.
    /// </summary>
    public static string Country(string code)
    {
        if (code.Length != 2 || !code.All(char.IsAsciiLetter)) return code;
        try
        {
            var region = new RegionInfo(code);
            var name = CultureInfo.GetCultureInfo("en-" + code.ToUpperInvariant()).DisplayName;
            var open = name.LastIndexOf('(');
            var local = open >= 0 && name.EndsWith(')') ? name[(open + 1)..^1] : region.EnglishName;
            return $"{local} ({region.TwoLetterISORegionName})";
        }
        catch (ArgumentException)
        {
            return code;
        }
    }

    /// <summary>A language by its ISO code, named in the reader's language ("anglais"); the code alone when unknown.</summary>
    public static string Language(string code)
    {
        try
        {
            var culture = CultureInfo.GetCultureInfo(code, predefinedOnly: true);
            return culture.DisplayName is { Length: > 0 } name && name != code ? $"{name} ({code})" : code;
        }
        catch (CultureNotFoundException)
        {
            return code;
        }
    }

    /// <summary>A report dimension's column name (sub1…sub5 stay: they are the tracking link's own parameters).</summary>
    public static string Dimension(IStringLocalizer text, string dimension) => dimension switch
    {
        "day" => text["Day"], "week" => text["Week"], "month" => text["Month"], "program" => text["Program"], "publisher" => text["Publisher"],
        "link" => text["Link"], "country" => text["Country"], "device" => text["Device"], "source" => text["Source"], _ => dimension,
    };

    /// <summary>
    /// A report row's key as a reader wants it: a day in its culture, a device as a word, a link or publisher by its name
    /// (from <paramref name="names"/>) linking to its page under <paramref name="href"/>, an empty key as "(none)".
    /// </summary>
    public static IHtmlContent Key(IStringLocalizer text, string dimension, string key, IReadOnlyDictionary<string, string>? names = null, string? href = null)
    {
        var encoder = System.Text.Encodings.Web.HtmlEncoder.Default;
        if (key.Length == 0) return new HtmlString($"<span class=\"muted\">{encoder.Encode(text["(none)"])}</span>");
        if (dimension == "device") return new HtmlString(encoder.Encode(Label(text, key)));
        if (dimension == "country") return new HtmlString(encoder.Encode(Country(key)));
        if (dimension == "day" && DateOnly.TryParseExact(key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new HtmlString($"<time datetime=\"{key}\">{encoder.Encode(Date(day))}</time>");
        }
        var shown = names?.GetValueOrDefault(key) is { Length: > 0 } name ? name : key;
        return href is null
            ? new HtmlString(shown == key ? encoder.Encode(key) : $"<span title=\"{encoder.Encode(key)}\">{encoder.Encode(shown)}</span>")
            : new HtmlString($"<a href=\"{encoder.Encode(href + Uri.EscapeDataString(key))}\" title=\"{encoder.Encode(key)}\">{encoder.Encode(shown)}</a>");
    }

    private static string Readable(string code) => code.Length == 0 ? code : char.ToUpperInvariant(code[0]) + code[1..].Replace('_', ' ');
}
