using System.Globalization;
using System.Text;
using JsonNode = System.Text.Json.Nodes.JsonNode;
using JsonObject = System.Text.Json.Nodes.JsonObject;
using JsonArray = System.Text.Json.Nodes.JsonArray;
using JsonValue = System.Text.Json.Nodes.JsonValue;
using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;

namespace LastClick.Products;

public sealed record BannedKeyword(string Keyword, string AddedBy, DateTimeOffset AddedAt);

/// <summary>A pasted keyword and the banned entries it contains (empty: allowed).</summary>
public sealed record KeywordCheck(string Keyword, IReadOnlyList<string> Banned)
{
    public bool Allowed => Banned.Count == 0;
}

/// <summary>
/// Matching text the way a publisher's keyword list should be read against the banned list: case and accents do not
/// count, and only whole words match: "ali" is not in "alibaba", "ali express" is in "buy ali express now". Letters are
/// folded by <see cref="KeywordFolding"/> (NFKD with combining marks dropped, generated from the Unicode data for the
/// Latin, Greek and Cyrillic blocks, full-width forms and ligatures, plus ß, ł, ø, æ, œ, đ, ı, þ that do not decompose),
/// because the program runs with InvariantGlobalization, where <c>string.Normalize</c> does not decompose.
/// </summary>
public static class KeywordText
{
    /// <summary>The words of <paramref name="text"/>, folded, separated by single spaces.</summary>
    public static string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark) continue;
            var folded = KeywordFolding.Map.GetValueOrDefault(c);
            if (folded is null && !char.IsLetterOrDigit(c))
            {
                space = result.Length > 0;
                continue;
            }
            if (space)
            {
                result.Append(' ');
                space = false;
            }
            if (folded is not null) result.Append(folded);
            else result.Append(char.ToLowerInvariant(c));
        }
        return result.ToString();
    }

    /// <summary>Whether the normalized phrase <paramref name="banned"/> occurs as whole words in the normalized <paramref name="keyword"/>.</summary>
    public static bool Contains(string keyword, string banned)
    {
        if (banned.Length == 0) return false;
        var at = 0;
        while ((at = keyword.IndexOf(banned, at, StringComparison.Ordinal)) >= 0)
        {
            var end = at + banned.Length;
            if ((at == 0 || keyword[at - 1] == ' ') && (end == keyword.Length || keyword[end] == ' ')) return true;
            at++;
        }
        return false;
    }
}

/// <summary>
/// The banned keywords for contextual advertising (G5): edited by operators (every change in the audit log), downloaded
/// and checked by publishers.
/// </summary>
public sealed class BannedKeywords(Store store, TimeProvider clock)
{
    public const int MaxCheck = 10_000;

    public IReadOnlyList<BannedKeyword> All() => store.Read(s => (IReadOnlyList<BannedKeyword>)s.Query<Row>(
        "SELECT keyword, added_by, added_at FROM banned_keywords ORDER BY normalized, keyword").Select(r => new BannedKeyword(r.Keyword, r.AddedBy, Times.FromMicros(r.AddedAt))).ToList());

    /// <summary>Adds keywords (trimmed; one already listed in another spelling is a problem naming it); audited. Returns how many were added.</summary>
    public int Add(IReadOnlyList<string> keywords, string actor) => store.InSession(s =>
    {
        var now = clock.GetUtcNow();
        var existing = s.Query<Row>("SELECT keyword, normalized FROM banned_keywords").ToDictionary(r => r.Normalized, r => r.Keyword, StringComparer.Ordinal);
        var added = new List<string>();
        for (var i = 0; i < keywords.Count; i++)
        {
            var keyword = keywords[i].Trim();
            var normalized = KeywordText.Normalize(keyword);
            if (normalized.Length == 0) throw ProblemException.Invalid($"keywords[{i}]", "has no letters or digits");
            if (keyword.Length > 200) throw ProblemException.Invalid($"keywords[{i}]", "at most 200 characters");
            if (existing.TryGetValue(normalized, out var listed)) throw ProblemException.Invalid($"keywords[{i}]", $"'{keyword}' is already listed as '{listed}'");
            existing[normalized] = keyword;
            s.Execute("INSERT INTO banned_keywords (keyword, normalized, added_by, added_at) VALUES (@keyword, @normalized, @actor, @at)",
                new { keyword, normalized, actor, at = Times.ToMicros(now) });
            added.Add(keyword);
        }
        if (added.Count > 0) AuditLog.Append(s, now, actor, "banned_keywords.added", "banned_keywords", string.Join(", ", added));
        return added.Count;
    });

    /// <summary>Removes a keyword (exact spelling as listed); audited. False when it is not listed.</summary>
    public bool Remove(string keyword, string actor) => store.InSession(s =>
    {
        if (s.Execute("DELETE FROM banned_keywords WHERE keyword = @keyword", new { keyword }) == 0) return false;
        AuditLog.Append(s, clock.GetUtcNow(), actor, "banned_keywords.removed", "banned_keywords", keyword);
        return true;
    });

    /// <summary>Checks a publisher's keywords (one per line or entry, blanks skipped) against the list, in order.</summary>
    public IReadOnlyList<KeywordCheck> Check(IEnumerable<string> keywords)
    {
        var pasted = keywords.Select(k => k.Trim()).Where(k => k.Length > 0).ToList();
        if (pasted.Count > MaxCheck) throw ProblemException.Invalid("keywords", $"at most {MaxCheck} keywords at a time");
        var banned = store.Read(s => s.Query<Row>("SELECT keyword, normalized FROM banned_keywords ORDER BY keyword"));
        return pasted.Select(k =>
        {
            var normalized = KeywordText.Normalize(k);
            return new KeywordCheck(k, banned.Where(b => KeywordText.Contains(normalized, b.Normalized)).Select(b => b.Keyword).ToList());
        }).ToList();
    }

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Row
    {
        public string Keyword { get; set; } = "";
        public string Normalized { get; set; } = "";
        public string AddedBy { get; set; } = "";
        public long AddedAt { get; set; }
    }
#pragma warning restore CA1812
}

/// <summary>
/// The non-paying stores (G6) are the program's own dated list (B12 <c>non_paying_store</c> reads it), so the download and
/// the rules can never disagree. An operator's change is a new version of the program's definition (audited with the rest
/// of its history), in force from today.
/// </summary>
public static class NonPayingStores
{
    public static ListVersion? Current(ProgramDefinition program, DateTimeOffset at) => program.NonPayingStores.At(at);

    /// <summary>Replaces the list from today (a change made earlier today is replaced, not stacked) as a new program version.</summary>
    public static IReadOnlyList<string> Set(ProgramEditor editor, string programId, IReadOnlyList<string> stores, string? note, string actor, DateTimeOffset now)
    {
        for (var i = 0; i < stores.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(stores[i]) || stores[i].Length > 200) throw ProblemException.Invalid($"stores[{i}]", "a store id, 1–200 characters");
        }
        var (json, version) = editor.Current(programId);
        var root = JsonNode.Parse(json)!.AsObject();
        var versions = root["nonPayingStores"]!["versions"]!.AsArray();
        var today = now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (versions.Count > 0 && versions[^1]!["from"]!.GetValue<string>().StartsWith(today, StringComparison.Ordinal)) versions.RemoveAt(versions.Count - 1);
        var entry = new JsonObject
        {
            ["from"] = today, ["changedBy"] = actor,
            ["items"] = new JsonArray([.. stores.Select(s => s.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).Select(s => (JsonNode)JsonValue.Create(s))]),
        };
        if (note is not null) entry["note"] = note;
        versions.Add(entry);
        return editor.Save(programId, root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), version, actor);
    }
}
