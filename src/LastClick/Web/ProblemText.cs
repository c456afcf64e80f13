using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace LastClick.Web;

/// <summary>
/// A refused form's problem in the reader's language: the field by its label, and the detail when it is one of the
/// common sentences the core writes (its values kept). Any other detail stays as the core wrote it, in English, and
/// says so (<c>lang="en"</c>); the API's problems are never translated (their <c>type</c> and <c>field</c> are codes).
/// </summary>
public static partial class ProblemText
{
    private static readonly Dictionary<string, string> FieldLabels = new(StringComparer.Ordinal)
    {
        ["program"] = "Program", ["destination"] = "Destination", ["name"] = "Name", ["market"] = "Market", ["language"] = "Language",
        ["email"] = "Email", ["password"] = "Password", ["amount"] = "Amount", ["currency"] = "Currency", ["country"] = "Country",
        ["contactName"] = "Contact name", ["accountHolder"] = "Account holder", ["minRate"] = "Minimum commission (%)",
        ["minPrice"] = "Price from", ["maxPrice"] = "Price to", ["priceCurrency"] = "Currency",
    };

    /// <summary>The core's common details, each with the text that translates it (its groups are the {0}, {1} of the text).</summary>
    private static readonly (Regex Pattern, string Text)[] Details =
    [
        (Required(), "is required"),
        (Negative(), "must not be negative"),
        (Control(), "has a control character"),
        (Longer(), "is longer than {0} characters"),
        (AtMost(), "at most {0} characters"),
        (UnknownCurrency(), "unknown currency '{0}'"),
        (UnknownProgram(), "unknown program '{0}'"),
        (Https(), "must be an absolute https:// address"),
        (Iban(), "is not a valid IBAN"),
        (Bic(), "is not a BIC"),
        (Serves(), "{0} serves {1}"),
        (FeedsIn(), "{0}'s feeds are in {1}"),
        (NotANumber(), "'{0}' is not a number (use a point for decimals)"),
        (BelowMin(), "is below minPrice"),
        (Fraction(), "must be a fraction between 0 and 1 (0.05 = 5%)"),
    ];

    /// <summary>The texts <see cref="Details"/> translate to, for the test that every language has them.</summary>
    public static IEnumerable<string> Texts => Details.Select(d => d.Text).Concat(FieldLabels.Values).Append("This needs a change");

    /// <summary>The field's label in the reader's language, or the field itself (a nested one such as rows[3].destination stays).</summary>
    public static string Field(IStringLocalizer text, string? field) =>
        field is not null && FieldLabels.TryGetValue(field, out var label) ? text[label] : field ?? text["This needs a change"];

    /// <summary>The detail in the reader's language, and whether it is (else the core's English).</summary>
    public static (string Text, bool Translated) Detail(IStringLocalizer text, string? detail)
    {
        if (detail is null) return ("", true);
        foreach (var (pattern, key) in Details)
        {
            var match = pattern.Match(detail);
            if (!match.Success) continue;
            var found = text[key, [.. match.Groups.Values.Skip(1).Select(g => (object)g.Value)]];
            return (found.Value, true);
        }
        return (detail, false);
    }

    [GeneratedRegex("^is required$")] private static partial Regex Required();
    [GeneratedRegex("^must not be negative$")] private static partial Regex Negative();
    [GeneratedRegex("^has a control character$")] private static partial Regex Control();
    [GeneratedRegex(@"^is longer than (\d+) characters$")] private static partial Regex Longer();
    [GeneratedRegex(@"^at most (\d+) characters$")] private static partial Regex AtMost();
    [GeneratedRegex("^unknown currency '(.*)'$")] private static partial Regex UnknownCurrency();
    [GeneratedRegex(@"^unknown program '(.*)' \(known: .*\)$")] private static partial Regex UnknownProgram();
    [GeneratedRegex("^must be an absolute https:// address$")] private static partial Regex Https();
    [GeneratedRegex("^is not a valid IBAN$")] private static partial Regex Iban();
    [GeneratedRegex("^is not a BIC$")] private static partial Regex Bic();
    [GeneratedRegex("^([a-z0-9-]+) serves (.+)$")] private static partial Regex Serves();
    [GeneratedRegex("^([a-z0-9-]+)'s feeds are in (.+)$")] private static partial Regex FeedsIn();
    [GeneratedRegex(@"^'(.*)' is not a number \(use a point for decimals\)$")] private static partial Regex NotANumber();
    [GeneratedRegex("^is below minPrice$")] private static partial Regex BelowMin();
    [GeneratedRegex(@"^must be a fraction between 0 and 1 \(0\.05 = 5%\)$")] private static partial Regex Fraction();
}
