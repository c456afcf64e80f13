using System.Globalization;
using System.Text;

namespace LastClick.Web;

/// <summary>
/// Counts with their nouns in the reader's language (H2): a text may hold one ICU plural argument,
/// <c>{0, plural, one {# row} other {# rows}}</c>, whose branch is picked by the count's CLDR plural category and whose
/// <c>#</c> is the count in the reader's culture. Russian needs four forms (1 строка, 2 строки, 5 строк, 21 строка),
/// French says "1 000 000 de lignes"; a count pieced before a translated noun cannot agree in either.
/// </summary>
public static class Plural
{
    /// <summary>The categories CLDR gives integers in each of the dashboard's languages (a translation writes them all).</summary>
    public static IReadOnlyList<string> Categories(string language) => language switch
    {
        "ru" => ["one", "few", "many", "other"],
        "fr" or "es" or "pt" => ["one", "many", "other"],
        _ => ["one", "other"],
    };

    /// <summary>
    /// The CLDR cardinal category of a whole number (CLDR 44 rules for en, fr, es, pt-PT and ru, integers only: v = 0).
    /// </summary>
    public static string Category(string language, long n)
    {
        var i = n < 0 ? -(decimal)n : n;
        var millions = i != 0 && i % 1_000_000 == 0;
        return language switch
        {
            "ru" => (i % 10, i % 100) switch
            {
                (1, not 11) => "one",
                ( >= 2 and <= 4, < 12 or > 14) => "few",
                _ => "many",
            },
            "fr" => i is 0 or 1 ? "one" : millions ? "many" : "other",
            "es" or "pt" => i == 1 ? "one" : millions ? "many" : "other",
            _ => i == 1 ? "one" : "other",
        };
    }

    /// <summary>True when <paramref name="text"/> holds a plural argument.</summary>
    public static bool Has(string text) => text.Contains(", plural,", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="text"/> with its plural argument resolved by the rules of <paramref name="language"/> for
    /// <paramref name="args"/> (the count may be a number or its invariant digits), then its {0}-style places filled,
    /// numbers written as <paramref name="culture"/> writes them.
    /// </summary>
    public static string Format(string language, CultureInfo culture, string text, object?[] args)
    {
        if (!Has(text)) return string.Format(culture, text, args);
        var (before, index, branches, after) = Parse(text);
        var count = Count(args[index]);
        var branch = branches.GetValueOrDefault(Category(language, count)) ?? branches["other"];
        var chosen = before + branch.Replace("#", count.ToString("N0", culture), StringComparison.Ordinal) + after;
        return string.Format(culture, chosen, args);
    }

    /// <summary>
    /// The parts of a text with one plural argument: what comes before it, the argument's index, its branches by category
    /// (each may hold {0}-style places and # for the count) and what comes after. Throws on a text that is not well formed.
    /// </summary>
    public static (string Before, int Index, IReadOnlyDictionary<string, string> Branches, string After) Parse(string text)
    {
        var start = text.IndexOf(", plural,", StringComparison.Ordinal);
        var open = text.LastIndexOf('{', start);
        if (open < 0 || !int.TryParse(text.AsSpan(open + 1, start - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            throw new FormatException($"'{text}': a plural argument starts {{N, plural,");
        var branches = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = start + ", plural,".Length;
        while (true)
        {
            while (at < text.Length && text[at] == ' ') at++;
            if (at >= text.Length) throw new FormatException($"'{text}': the plural argument is not closed");
            if (text[at] == '}') break;
            var brace = text.IndexOf('{', at);
            if (brace < 0) throw new FormatException($"'{text}': a plural category has no branch");
            var category = text[at..brace].Trim();
            var (branch, end) = Branch(text, brace);
            if (!branches.TryAdd(category, branch)) throw new FormatException($"'{text}': the category {category} is there twice");
            at = end + 1;
        }
        if (!branches.ContainsKey("other")) throw new FormatException($"'{text}': a plural argument needs an 'other' branch");
        return (text[..open], index, branches, text[(at + 1)..]);
    }

    /// <summary>The text between the brace at <paramref name="open"/> and its match, and the match's position.</summary>
    private static (string Text, int End) Branch(string text, int open)
    {
        var depth = 0;
        var b = new StringBuilder();
        for (var at = open; at < text.Length; at++)
        {
            var c = text[at];
            if (c == '{' && depth++ == 0) continue;
            if (c == '}' && --depth == 0) return (b.ToString(), at);
            b.Append(c);
        }
        throw new FormatException($"'{text}': a plural branch is not closed");
    }

    private static long Count(object? value) => value switch
    {
        long l => l,
        int i => i,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        IConvertible c => c.ToInt64(CultureInfo.InvariantCulture),
        _ => throw new FormatException($"the plural count '{value}' is not a whole number"),
    };
}
