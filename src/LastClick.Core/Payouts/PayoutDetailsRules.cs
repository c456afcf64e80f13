using System.Text.RegularExpressions;
using LastClick.Common;
using LastClick.Publishers;

namespace LastClick.Payouts;

/// <summary>
/// D3, E1: what a bank needs to pay a publisher, checked the same way on every path (sign-up, profile page,
/// <c>PUT /api/v1/payout_details</c>). A SEPA transfer needs the holder and an IBAN of a SEPA country (a BIC is
/// optional since the EU's IBAN-only rule, checked when given) and pays in EUR; an international wire needs the
/// holder, an account (IBAN or number), the bank's name, SWIFT/BIC and address, and the holder's postal address, and
/// pays in the currency given (the program's when none).
/// </summary>
public static partial class PayoutDetailsRules
{
    public const string Sepa = "sepa";
    public const string Wire = "wire";

    /// <summary>IBAN lengths by country (ISO 13616 registry).</summary>
    private static readonly Dictionary<string, int> IbanLengths = new(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22, ["BH"] = 22,
        ["BI"] = 27, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22, ["DJ"] = 27,
        ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18, ["FK"] = 18, ["FO"] = 18, ["FR"] = 27,
        ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27, ["GT"] = 28, ["HN"] = 28, ["HR"] = 21, ["HU"] = 28,
        ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26, ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28,
        ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20, ["LV"] = 21, ["LY"] = 25, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22,
        ["MK"] = 19, ["MN"] = 20, ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NI"] = 28, ["NL"] = 18, ["NO"] = 15, ["OM"] = 23,
        ["PK"] = 24, ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["RU"] = 33, ["SA"] = 24,
        ["SC"] = 31, ["SD"] = 18, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["SO"] = 23, ["ST"] = 25, ["SV"] = 28,
        ["TL"] = 23, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20, ["YE"] = 30,
    };

    /// <summary>Countries of the SEPA credit transfer scheme (EEA, Switzerland, the UK and the European microstates).</summary>
    private static readonly HashSet<string> SepaCountries = new(StringComparer.Ordinal)
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL",
        "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "CH", "GB", "MC", "SM", "VA", "AD", "GI",
    };

    /// <summary>Why an IBAN is refused, or null: characters, country, length for the country, then the mod-97 check digits.</summary>
    public static string? IbanProblem(string iban)
    {
        if (iban.Length < 5 || !iban.All(char.IsAsciiLetterOrDigit)) return "is not an IBAN (letters and digits, country code first)";
        if (!IbanLengths.TryGetValue(iban[..2], out var length)) return $"'{iban[..2]}' is not a country with IBANs";
        if (iban.Length != length) return $"an IBAN of {iban[..2]} has {length} characters, not {iban.Length}";
        if (!char.IsAsciiDigit(iban[2]) || !char.IsAsciiDigit(iban[3])) return "the check digits (3rd and 4th characters) must be digits";
        if (iban[2..4] is "00" or "01" or "99") return "check digits 00, 01 and 99 are never issued";
        return Mod97(iban) == 1 ? null : "is not a valid IBAN (the check digits do not match)";
    }

    public static bool IsValidIban(string iban) => IbanProblem(Compact(iban)) is null;

    public static bool IsSepaCountry(string country) => SepaCountries.Contains(country);

    /// <summary>ISO 13616: the remainder by 97 of the IBAN with its first four characters moved to the end, letters as 10–35.</summary>
    private static int Mod97(string iban)
    {
        var remainder = 0;
        foreach (var c in iban[4..] + iban[..4])
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : char.ToUpperInvariant(c) - 'A' + 10;
            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }
        return remainder;
    }

    /// <summary>ISO 9362 BIC as pain.001's schema has it: bank (4 letters), country (2), location (2), optional branch (3).</summary>
    [GeneratedRegex("^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$")]
    private static partial Regex BicPattern();

    public static bool IsValidBic(string bic) => BicPattern().IsMatch(bic);

    [GeneratedRegex("^[A-Z]{2}[A-Z0-9+*.]{2,13}$")]
    private static partial Regex VatPattern();

    private static string Compact(string? value) =>
        new string((value ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray()).ToUpperInvariant();

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// The details as stored, or a 400 problem naming the field under <paramref name="prefix"/> ("payout." on the
    /// forms, "" in the API). Text the bank file carries is limited to what pain.001 and a wire form take.
    /// </summary>
    public static PayoutDetails Validate(PayoutDetails d, string prefix = "payout.")
    {
        string F(string field) => prefix + field;
        if (d.Method is not (Sepa or Wire)) throw ProblemException.Invalid(F("method"), "one of sepa, wire");
        var holder = Text(d.AccountHolder, F(prefix.Length == 0 ? "holder" : "accountHolder"), 70, required: true)!;
        var bic = Trimmed(d.Bic)?.ToUpperInvariant().Replace(" ", "", StringComparison.Ordinal);
        var bicField = F(d.Method == Wire && prefix.Length == 0 ? "swift" : "bic");
        if (bic is not null && !IsValidBic(bic)) throw ProblemException.Invalid(bicField, "is not a BIC (8 or 11 characters: bank, country, location, branch)");
        var address = d.Address is null ? null : ValidateAddress(d.Address, F("address."));
        var vat = Trimmed(d.VatId)?.ToUpperInvariant().Replace(" ", "", StringComparison.Ordinal);
        if (vat is not null && !VatPattern().IsMatch(vat)) throw ProblemException.Invalid(F("vatId"), "is not a VAT id (country code, then 2–13 letters or digits)");
        var currency = Trimmed(d.Currency)?.ToUpperInvariant();
        if (currency is not null && !Common.Currency.TryFind(currency, out _)) throw ProblemException.Invalid(F("currency"), $"unknown currency '{currency}'");

        if (d.Method == Sepa)
        {
            var iban = Compact(d.Iban);
            if (IbanProblem(iban) is { } problem) throw ProblemException.Invalid(F("iban"), problem);
            if (!IsSepaCountry(iban[..2])) throw ProblemException.Invalid(F("iban"), $"{iban[..2]} is not in the SEPA area: choose an international wire");
            if (currency is not null and not "EUR") throw ProblemException.Invalid(F("currency"), "a SEPA transfer pays in EUR");
            return new PayoutDetails(Sepa, holder, iban, bic, Text(d.BankName, F("bankName"), 70, required: false), Currency: "EUR", Address: address, VatId: vat);
        }

        var account = Compact(d.Account ?? d.Iban);
        if (account.Length == 0) throw ProblemException.Invalid(F("account"), "is required (an IBAN or the account number)");
        if (account.Length > 34 || !account.All(char.IsAsciiLetterOrDigit)) throw ProblemException.Invalid(F("account"), "at most 34 letters and digits");
        // An account that starts like an IBAN of an IBAN country is checked as one.
        var looksLikeIban = account.Length > 4 && char.IsAsciiLetter(account[0]) && char.IsAsciiLetter(account[1]) && IbanLengths.ContainsKey(account[..2]);
        if (looksLikeIban && IbanProblem(account) is { } ibanProblem) throw ProblemException.Invalid(F("account"), ibanProblem);
        if (bic is null) throw ProblemException.Invalid(bicField, "an international wire needs the bank's SWIFT/BIC");
        var bankName = Text(d.BankName, F("bankName"), 70, required: true);
        var bankAddress = Text(d.BankAddress, F("bankAddress"), 140, required: true);
        if (address is null) throw ProblemException.Invalid(F("address"), "an international wire needs the holder's postal address");
        return new PayoutDetails(Wire, holder, looksLikeIban ? account : "", bic, bankName, account, bankAddress, currency, address, vat);
    }

    public static PostalAddress ValidateAddress(PostalAddress a, string prefix)
    {
        var street = Text(a.Street, prefix + "street", 70, required: true)!;
        var postal = Text(a.PostalCode, prefix + "postalCode", 16, required: false);
        var city = Text(a.City, prefix + "city", 35, required: true)!;
        var country = Trimmed(a.Country)?.ToUpperInvariant();
        if (country is not { Length: 2 } || !country.All(char.IsAsciiLetterUpper)) throw ProblemException.Invalid(prefix + "country", "a two-letter country code");
        return new PostalAddress(street, postal, city, country);
    }

    /// <summary>Trimmed text of at most <paramref name="max"/> characters, printable (a bank file cannot carry control characters).</summary>
    private static string? Text(string? value, string field, int max, bool required)
    {
        var text = Trimmed(value);
        if (text is null) return required ? throw ProblemException.Invalid(field, "is required") : null;
        if (text.Length > max) throw ProblemException.Invalid(field, $"at most {max} characters");
        // What an XML bank file can carry: no control characters, no U+FFFE/U+FFFF, no characters outside the BMP (emoji).
        if (text.Any(c => char.IsControl(c) || char.IsSurrogate(c) || !System.Xml.XmlConvert.IsXmlChar(c)))
        {
            throw ProblemException.Invalid(field, "must not contain control characters, emoji or non-characters");
        }
        return text;
    }

    /// <summary>"Complete" is derived from stored details, never set: valid details of either method are complete.</summary>
    public static bool IsComplete(PayoutDetails? d)
    {
        if (d is null) return false;
        try
        {
            Validate(d);
            return true;
        }
        catch (ProblemException)
        {
            return false;
        }
    }

    /// <summary>Complete details for a replay's publisher marked "complete": a wire in the program's currency to a test account.</summary>
    public static PayoutDetails ReplayWire(string publisherId) =>
        new(Wire, $"Publisher {publisherId}"[..Math.Min(70, 10 + publisherId.Length)], "", "DEUTDEFFXXX", "Replay Bank", Account: "0000000000",
            BankAddress: "1 Test Street, 60311 Frankfurt", Address: new PostalAddress("1 Test Street", "60311", "Frankfurt", "DE"));
}
