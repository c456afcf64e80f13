using System.Globalization;
using System.Text.Json;

namespace LastClick.Common;

/// <summary>
/// A JSON value and the path that leads to it, so that every read can name the field it failed on
/// ("orders[0].lines[1].price: not a decimal"). Used by the program and scenario loaders.
/// </summary>
public readonly struct JsonNode
{
    private readonly JsonPath? _path;

    public JsonNode(JsonElement element, string path) : this(element, path.Length == 0 ? null : new JsonPath(null, path, -1)) { }

    private JsonNode(JsonElement element, JsonPath? path) => (Element, _path) = (element, path);

    /// <summary>Where this value is ("orders[0].lines[1].price"), spelled out only when asked (an error names it).</summary>
    public string Path => _path?.ToString() ?? "";

    public JsonElement Element { get; }

    /// <summary>A link to the parent's path: children share it instead of each building a string.</summary>
    private sealed class JsonPath(JsonPath? parent, string? name, int index)
    {
        public override string ToString()
        {
            var prefix = parent?.ToString() ?? "";
            return name is not null ? (prefix.Length == 0 ? name : $"{prefix}.{name}") : $"{prefix}[{index}]";
        }
    }

    public static JsonNode Parse(string json, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = new JsonNode(doc.RootElement.Clone(), "");
            if (!Plain(root.Element)) root.CheckText();
            return root;
        }
        catch (JsonException e)
        {
            throw ProblemException.Invalid(what, $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        catch (ArgumentException e) when (e.InnerException is System.Text.EncoderFallbackException)
        {
            // A string (not its JSON escape) holding a lone UTF-16 surrogate cannot be transcoded to UTF-8 to be parsed.
            throw ProblemException.Invalid(what, "is not valid text (a lone UTF-16 surrogate)");
        }
    }

    /// <summary>
    /// Refuses what JSON's grammar lets through but no field should carry: a name given twice in one object (the last
    /// would silently win), a lone UTF-16 surrogate ("\ud800") in a name or a string, which no store or hash can keep,
    /// and a NUL character (PostgreSQL's text cannot hold one).
    /// </summary>
    private void CheckText()
    {
        switch (Element.ValueKind)
        {
            case JsonValueKind.String:
                if (!IsWellFormed(Element)) throw Error("is not valid text (a lone UTF-16 surrogate)");
                if (Element.GetString()!.Contains('\0', StringComparison.Ordinal)) throw Error("contains a NUL character (U+0000), which no field may hold");
                break;
            case JsonValueKind.Array:
                foreach (var item in Items()) item.CheckText();
                break;
            case JsonValueKind.Object:
                HashSet<string>? names = null;
                foreach (var property in Element.EnumerateObject())
                {
                    string name;
                    try { name = property.Name; }
                    catch (InvalidOperationException)
                    {
                        throw new JsonNode(property.Value, Child(RawName(property))).Error("is not valid text (a lone UTF-16 surrogate in the name)");
                    }
                    var child = new JsonNode(property.Value, Child(name));
                    if (name.Contains('\0', StringComparison.Ordinal)) throw child.Error("the name contains a NUL character (U+0000)");
                    if (!(names ??= new HashSet<string>(StringComparer.Ordinal)).Add(name)) throw child.Error("appears twice in one object");
                    child.CheckText();
                }
                break;
        }
    }

    /// <summary>
    /// True when <see cref="CheckText"/> cannot fail, read from the raw UTF-8 without making a string: no string and no
    /// name holds an escape, and no object repeats a name. Without an escape no text can carry a lone surrogate or a NUL
    /// (the parser refused malformed UTF-8 and raw control characters), and two names are the same text only if their
    /// bytes are. False sends the document through <see cref="CheckText"/>, which says what is wrong, if anything is.
    /// </summary>
    private static bool Plain(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return !System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element).Contains((byte)'\\');
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!Plain(item)) return false;
                }
                return true;
            case JsonValueKind.Object:
                // Each name's hash, to find a repeated name; a rare collision only costs the full check.
                Span<int> hashes = stackalloc int[32];
                var count = 0;
                foreach (var property in element.EnumerateObject())
                {
                    var name = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property);
                    if (count == hashes.Length || name.Contains((byte)'\\') || !Plain(property.Value)) return false;
                    var hash = new HashCode();
                    hash.AddBytes(name);
                    var h = hash.ToHashCode();
                    if (hashes[..count].Contains(h)) return false;
                    hashes[count++] = h;
                }
                return true;
            default:
                return true;
        }
    }

    private static bool IsWellFormed(JsonElement text)
    {
        try
        {
            _ = text.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A property's name as written, escapes and all (for a name that cannot be read as text).</summary>
    private static string RawName(JsonProperty property)
    {
        var raw = property.ToString();
        for (var i = 1; i < raw.Length; i++)
        {
            if (raw[i] == '\\') i++;
            else if (raw[i] == '"') return raw[1..i];
        }
        return "(a name)";
    }

    public bool IsNull => Element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    private JsonPath Child(string name) => new(_path, name, -1);

    public ProblemException Error(string detail) => ProblemException.Invalid(Path.Length == 0 ? "(root)" : Path, detail);

    public JsonNode Required(string name)
    {
        var node = Optional(name);
        return node is { IsNull: false } n ? n : throw new JsonNode(default, Child(name)).Error("is required");
    }

    public JsonNode? Optional(string name)
    {
        if (Element.ValueKind != JsonValueKind.Object) throw Error("must be an object");
        return Element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? new JsonNode(value, Child(name)) : null;
    }

    public void AllowOnly(params string[] names)
    {
        if (Element.ValueKind != JsonValueKind.Object) throw Error("must be an object");
        foreach (var property in Element.EnumerateObject())
        {
            if (Array.IndexOf(names, property.Name) < 0) throw new JsonNode(property.Value, Child(property.Name)).Error("is not a known field");
        }
    }

    public string AsString()
    {
        if (Element.ValueKind != JsonValueKind.String) throw Error("must be a string");
        var s = Element.GetString()!;
        return s.Length == 0 ? throw Error("must not be empty") : s;
    }

    public decimal AsDecimal()
    {
        var text = Element.ValueKind switch
        {
            JsonValueKind.String => Element.GetString(),
            JsonValueKind.Number => Element.GetRawText(),
            _ => null,
        };
        if (!Decimals.TryParse(text, out var value)) throw Error("not a decimal");
        // decimal.Parse rounds what does not fit in 28-29 digits: a value must arrive as it was sent, or not at all.
        var point = text!.IndexOf('.', StringComparison.Ordinal);
        var decimals = point < 0 ? 0 : text.AsSpan(point + 1).TrimEnd('0').Length;
        return decimals <= value.Scale ? value : throw Error("has more digits than a decimal holds (28)");
    }

    public int AsInt()
    {
        if (Element.ValueKind == JsonValueKind.Number && Element.TryGetInt32(out var value)) return value;
        throw Error("not an integer");
    }

    public bool AsBool() => Element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error("must be true or false"),
    };

    /// <summary>An ISO 8601 time ("2026-02-01T10:00:00Z") or date ("2024-04-04", midnight UTC), as UTC.</summary>
    public DateTimeOffset AsTime() =>
        Element.ValueKind == JsonValueKind.String && Times.TryParse(Element.GetString(), out var time) ? time
            : throw Error(Times.Expected);

    public IEnumerable<JsonNode> Items()
    {
        if (Element.ValueKind != JsonValueKind.Array) throw Error("must be an array");
        var i = 0;
        foreach (var item in Element.EnumerateArray()) yield return new JsonNode(item, new JsonPath(_path, null, i++));
    }

    public IEnumerable<(string Name, JsonNode Value)> Properties()
    {
        if (Element.ValueKind != JsonValueKind.Object) throw Error("must be an object");
        foreach (var property in Element.EnumerateObject()) yield return (property.Name, new JsonNode(property.Value, Child(property.Name)));
    }

    /// <summary>A non-empty string of at most <paramref name="maxLength"/> characters (an id must fit an index entry on every store).</summary>
    public string AsString(int maxLength)
    {
        var s = AsString();
        return s.Length <= maxLength ? s : throw Error($"is longer than {maxLength} characters");
    }

    public IReadOnlyList<string> AsStrings() => Items().Select(i => i.AsString()).ToList();

    public string? OptionalString(string name, int maxLength) => Optional(name)?.AsString(maxLength);

    public string? OptionalString(string name) => Optional(name)?.AsString();
    public decimal? OptionalDecimal(string name) => Optional(name)?.AsDecimal();
    public DateTimeOffset? OptionalTime(string name) => Optional(name)?.AsTime();
}
