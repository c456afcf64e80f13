using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LastClick.Common;
using LastClick.Notifications;
using LastClick.Web;

namespace LastClick.Tests.Web;

/// <summary>
/// H2: every text a person reads exists in all five languages. The English resources are the keys; each translation
/// has every key, none empty, with the same {0}-style places; every code a page can show has a label and an explanation.
/// </summary>
public sealed partial class LanguageTests
{
    private static string Resources => Path.Combine(Root(), "src", "LastClick", "Resources");

    private static string Root()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "LastClick.slnx"))) root = root.Parent!;
        return root.FullName;
    }

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Resources, file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    public static TheoryData<string> Translations() => ["fr", "pt", "es", "ru"];

    [Theory]
    [MemberData(nameof(Translations))]
    public void H2_every_dashboard_text_is_translated_with_the_same_places(string language)
    {
        var english = Read("Web.Text.resx");
        var translated = Read($"Web.Text.{language}.resx");

        var missing = english.Keys.Where(k => !translated.ContainsKey(k) || string.IsNullOrWhiteSpace(translated[k])).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} texts have no {language} translation: {string.Join(" | ", missing.Take(20))}");
        var extra = translated.Keys.Where(k => !english.ContainsKey(k)).ToList();
        Assert.True(extra.Count == 0, $"{language} has texts English no longer has: {string.Join(" | ", extra.Take(20))}");
        var places = english.Where(e => !Places(e.Value).SetEquals(Places(translated[e.Key]))).Select(e => e.Key).ToList();
        Assert.True(places.Count == 0, $"{language} changes the {{0}} places of: {string.Join(" | ", places)}");
    }

    [Fact]
    public void H2_the_english_resources_have_no_name_twice_in_any_case()
    {
        // Resource names are case-insensitive when the build embeds them: "Threshold" and "threshold" would drop one.
        var names = XDocument.Load(Path.Combine(Resources, "Web.Text.resx")).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToList();
        var twice = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(twice);
    }

    [Fact]
    public void H2_every_mail_text_is_in_every_language()
    {
        Assert.Equal(Languages.All.Select(l => l.Code).Order(StringComparer.Ordinal), MailText.Languages.Order(StringComparer.Ordinal));
        Assert.Empty(MailText.Missing());
        foreach (var (code, _) in Languages.All.Where(l => l.Code != Languages.Default))
        {
            Assert.NotEqual(MailText.Get(Languages.Default, "reset.subject"), MailText.Get(code, "reset.subject"));
        }
    }

    /// <summary>Every code the pages can show: statuses, reasons, rules, ledger kinds, holds, traffic types.</summary>
    public static IEnumerable<string> Codes()
    {
        static IEnumerable<string> Constants(Type type) => type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!);
        var core = typeof(Platform).Assembly;
        Type T(string name) => core.GetType(name, throwOnError: true)!;
        return new[]
            {
                T("LastClick.Commissions.Commission+Reasons"), T("LastClick.Tracking.InvalidReasons"), T("LastClick.Fraud.RequestShapes"),
                T("LastClick.Fraud.SourceSignal"), T("LastClick.Fraud.TrafficAnalytics"), T("LastClick.Publishers.DecisionReasons"),
                T("LastClick.Publishers.ApplicationStatus"), T("LastClick.Claims.ClaimService+Reasons"), T("LastClick.Ledger.EntryKinds"),
                T("LastClick.Payouts.LineStatus"), T("LastClick.Payouts.RunStatus"), T("LastClick.Fraud.FindingStatus"), T("LastClick.Attribution.Attribution"),
            }
            .SelectMany(Constants)
            .Concat(LastClick.Programs.TrafficTypes.All)
            .Concat(LastClick.Web.Dashboard.Statuses)
            .Concat(["below_threshold", "nothing_payable", "payout_details_missing", "payout_details_changed", "payout_method_not_offered",
                "payout_currency_not_convertible", "negative_balance", "weekly", "anonymizer", "attribution", "campaign", "cap", "claim", "eligibility",
                "geo_match", "region", "seller_rate", "store_list", "zero_rate_class", "bonus", "correction", "goodwill", "accepted"])
            .Concat(LastClick.Programs.ProgramCatalog.LoadBuiltIn().SelectMany(p => p.ZeroRateCategories.Values))
            .Where(c => SnakeOrWord().IsMatch(c))
            .Distinct(StringComparer.Ordinal);
    }

    [Fact]
    public void H2_every_code_a_page_shows_has_a_label_and_an_explanation()
    {
        var english = Read("Web.Text.resx");
        var codes = Codes().ToList();
        Assert.True(codes.Count > 80, $"only {codes.Count} codes found");
        var missing = codes.Where(c => !english.ContainsKey("code." + c) || !english.ContainsKey("code." + c + ".help")).ToList();
        Assert.True(missing.Count == 0, "no label or explanation in Web.Text.resx for: " + string.Join(", ", missing));
        // A label is words, never the code again.
        Assert.DoesNotContain(codes, c => c.Contains('_', StringComparison.Ordinal) && english["code." + c] == c);
    }

    [Theory]
    [InlineData("fr-CA", "fr", "fr-CA")]
    [InlineData("pt", "pt", "pt-PT")]
    [InlineData("PT-br", "pt", "pt-BR")]
    [InlineData("es-419", "es", "es-419")]
    [InlineData("ru", "ru", "ru-RU")]
    [InlineData("en-US", "en", "en-US")]
    [InlineData("de-DE", null, null)]
    public void H2_a_language_tag_picks_the_language_and_the_region_it_formats_with(string tag, string? language, string? culture)
    {
        Assert.Equal(language, Languages.Of(tag));
        if (language is not null) Assert.Equal(culture, Languages.Culture(language, tag).Name, ignoreCase: true);
    }

    [Fact]
    public void H2_money_is_written_in_the_readers_culture_with_the_currencys_digits()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = Languages.Culture("fr");
            Assert.Equal("1\u202f234,50 EUR", LastClick.Web.Show.Money(1234.5m, "EUR"));
            CultureInfo.CurrentCulture = Languages.Culture("en");
            Assert.Equal("1,234.50 EUR", LastClick.Web.Show.Money(1234.5m, "EUR"));
            Assert.Equal("1,235 JPY", LastClick.Web.Show.Money(1234.5m, "JPY"));
            CultureInfo.CurrentCulture = Languages.Culture("ru");
            Assert.Equal("131,10 RUB", LastClick.Web.Show.Money(131.1m, "RUB"));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void H2_every_count_text_has_each_plural_form_its_language_needs()
    {
        var english = Read("Web.Text.resx");
        var plural = english.Where(e => Plural.Has(e.Value)).Select(e => e.Key).ToList();
        Assert.True(plural.Count >= 9, $"only {plural.Count} texts count something");
        foreach (var (language, file) in Languages.All.Select(l => (l.Code, l.Code == Languages.Default ? "Web.Text.resx" : $"Web.Text.{l.Code}.resx")))
        {
            var texts = Read(file);
            // A count in one language is a count in all: a translation that drops the plural argument pieces the noun again.
            Assert.Equal(plural.Order(StringComparer.Ordinal), texts.Where(e => Plural.Has(e.Value)).Select(e => e.Key).Order(StringComparer.Ordinal));
            foreach (var key in plural)
            {
                var (_, index, branches, _) = Plural.Parse(texts[key]);
                Assert.Equal(Plural.Parse(english[key]).Index, index);
                Assert.True(Plural.Categories(language).Order().SequenceEqual(branches.Keys.Order()),
                    $"{language} '{key}' has the forms {string.Join(", ", branches.Keys)}, its language needs {string.Join(", ", Plural.Categories(language))}");
            }
        }
    }

    [Theory]
    [InlineData("ru", 1, "one")]
    [InlineData("ru", 2, "few")]
    [InlineData("ru", 4, "few")]
    [InlineData("ru", 5, "many")]
    [InlineData("ru", 0, "many")]
    [InlineData("ru", 11, "many")]
    [InlineData("ru", 12, "many")]
    [InlineData("ru", 14, "many")]
    [InlineData("ru", 21, "one")]
    [InlineData("ru", 22, "few")]
    [InlineData("ru", 111, "many")]
    [InlineData("ru", 1001, "one")]
    [InlineData("fr", 0, "one")]
    [InlineData("fr", 1, "one")]
    [InlineData("fr", 2, "other")]
    [InlineData("fr", 1_000_000, "many")]
    [InlineData("fr", 2_500_000, "other")]
    [InlineData("pt", 0, "other")]
    [InlineData("pt", 1, "one")]
    [InlineData("es", 1, "one")]
    [InlineData("es", 3_000_000, "many")]
    [InlineData("en", 0, "other")]
    [InlineData("en", 1, "one")]
    [InlineData("en", 1_000_000, "other")]
    public void H2_a_count_takes_its_languages_CLDR_plural_form(string language, long count, string category) =>
        Assert.Equal(category, Plural.Category(language, count));

    [Theory]
    [InlineData("en", 1, "1 row")]
    [InlineData("en", 1234, "1,234 rows")]
    [InlineData("fr", 0, "0 ligne")]
    [InlineData("fr", 1_000_000, "1\u202f000\u202f000 de lignes")]
    [InlineData("ru", 1, "1 строка")]
    [InlineData("ru", 3, "3 строки")]
    [InlineData("ru", 11, "11 строк")]
    [InlineData("ru", 21, "21 строка")]
    public void H2_a_count_agrees_with_its_noun_in_the_readers_language(string language, long count, string expected)
    {
        var texts = Read(language == "en" ? "Web.Text.resx" : $"Web.Text.{language}.resx");
        Assert.Equal(expected, Plural.Format(language, Languages.Culture(language), texts["{0} rows"], [count]));
    }

    [Theory]
    [InlineData("en", "21", "2 of 21 keywords are banned.")]
    [InlineData("en", "1", "2 of 1 keyword is banned.")]
    [InlineData("ru", "21", "Запрещено 2 из 21 ключевого слова.")]
    [InlineData("ru", "5", "Запрещено 2 из 5 ключевых слов.")]
    public void H2_a_counting_text_fills_its_other_places_and_takes_the_cores_digits(string language, string count, string expected)
    {
        // A refused field's "at most 200 characters" arrives as the core's invariant digits, not a number.
        var texts = Read(language == "en" ? "Web.Text.resx" : $"Web.Text.{language}.resx");
        Assert.Equal(expected, Plural.Format(language, Languages.Culture(language), texts["{0} of {1} keywords are banned."], [2, count]));
    }

    [Fact]
    public void H2_every_market_is_named_in_the_readers_language()
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            // Asked for in one language after another, as the server does; ICU knows no en-BG and names it all the same.
            var markets = LastClick.Programs.ProgramCatalog.LoadBuiltIn().SelectMany(p => p.Markets).Distinct(StringComparer.Ordinal).ToList();
            Assert.True(markets.Count > 10, $"only {markets.Count} markets");
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            Assert.Equal("Bulgaria (BG)", Show.Country("BG"));
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr");
            Assert.Equal("Bulgarie (BG)", Show.Country("BG"));
            Assert.Equal("Allemagne (DE)", Show.Country("DE"));
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ru");
            var latin = markets.Select(Show.Country).Where(name => !name.Any(c => c is >= '\u0400' and <= '\u04FF')).ToList();
            Assert.True(latin.Count == 0, "named in Latin letters to a Russian reader: " + string.Join(", ", latin));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    [Fact]
    public void H2_a_malformed_plural_text_is_refused_rather_than_shown()
    {
        Assert.Throws<FormatException>(() => Plural.Parse("{0, plural, one {# row}}"));
        Assert.Throws<FormatException>(() => Plural.Parse("{0, plural, one {# row} other {# rows}"));
        Assert.Throws<FormatException>(() => Plural.Parse("{x, plural, other {# rows}}"));
    }

    /// <summary>A text's places: {0}-style ones and the argument a plural text counts ({1, plural, …} is the place {1}).</summary>
    private static HashSet<string> Places(string text) => [.. Place().Matches(text).Select(m => m.Value + "}")];

    [GeneratedRegex(@"\{\d+(?=[},])")]
    private static partial Regex Place();

    [GeneratedRegex("^[a-z][a-z_]*$")]
    private static partial Regex SnakeOrWord();
}
