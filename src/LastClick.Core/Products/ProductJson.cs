using System.Text;
using System.Text.Json;
using LastClick.Common;

namespace LastClick.Products;

/// <summary>
/// A product from one line of JSON (a catalog file's JSON Lines), read forward with <see cref="Utf8JsonReader"/>: the
/// same fields, the same rules and the same field names in errors as <see cref="CatalogService.FromJson"/>, without
/// building a document first. An import reads every line twice (checked whole, then written), so this is its hot path.
/// </summary>
public static class ProductJson
{
    public static Product Parse(ReadOnlySpan<byte> utf8, string where)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            return Read(ref reader, where);
        }
        catch (JsonException e)
        {
            throw ProblemException.Invalid(where, $"not valid JSON (byte {e.BytePositionInLine + 1})");
        }
    }

    private static Product Read(ref Utf8JsonReader reader, string where)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw ProblemException.Invalid(where, "must be an object");
        string? id = null, category = null, store = null, currency = null, section = null, sellerOrigin = null, url = null;
        decimal? price = null, sellerRate = null;
        long stock = 0;
        bool affiliated = false, isVirtual = false;
        IReadOnlyList<string> markets = [], images = [];
        List<ProductText>? texts = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            string F() => $"{where}.{name}";
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null) continue; // null is absent, as in the API
            switch (name)
            {
                case "id": id = String(ref reader, F()); break;
                case "category": category = String(ref reader, F()); break;
                case "store": store = String(ref reader, F()); break;
                case "price": price = Decimal(ref reader, F()); break;
                case "currency": currency = String(ref reader, F()); break;
                case "stock":
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var units)) throw ProblemException.Invalid(F(), "not an integer");
                    stock = units;
                    break;
                case "affiliated": affiliated = Bool(ref reader, F()); break;
                case "sellerRate": sellerRate = Decimal(ref reader, F()); break;
                case "virtual": isVirtual = Bool(ref reader, F()); break;
                case "section": section = String(ref reader, F()); break;
                case "sellerOrigin": sellerOrigin = String(ref reader, F()); break;
                case "markets": markets = Strings(ref reader, F()); break;
                case "images": images = Strings(ref reader, F()); break;
                case "url": url = String(ref reader, F()); break;
                case "texts": texts = Texts(ref reader, F()); break;
                default: throw ProblemException.Invalid(F(), "is not a known field");
            }
        }
        string Required(string? value, string field) => value ?? throw ProblemException.Invalid($"{where}.{field}", "is required");
        return CatalogService.Canonical(new Product(Required(id, "id"), Required(category, "category"), store,
            price ?? throw ProblemException.Invalid($"{where}.price", "is required"), Required(currency, "currency"), stock, affiliated, sellerRate, isVirtual,
            section, sellerOrigin, markets, images, Required(url, "url"), texts ?? throw ProblemException.Invalid($"{where}.texts", "is required")));
    }

    private static string String(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.String) throw ProblemException.Invalid(field, "must be a string");
        var s = reader.GetString()!;
        return s.Length == 0 ? throw ProblemException.Invalid(field, "must not be empty") : s;
    }

    private static decimal Decimal(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return Decimals.TryParse(reader.GetString(), out var d) ? d : throw ProblemException.Invalid(field, "not a decimal");
        }
        if (reader.TokenType == JsonTokenType.Number)
        {
            var raw = reader.HasValueSequence ? Encoding.UTF8.GetString(reader.ValueSequence) : Encoding.UTF8.GetString(reader.ValueSpan);
            return Decimals.TryParse(raw, out var d) ? d : throw ProblemException.Invalid(field, "not a decimal");
        }
        throw ProblemException.Invalid(field, "not a decimal");
    }

    private static bool Bool(ref Utf8JsonReader reader, string field) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw ProblemException.Invalid(field, "must be true or false"),
    };

    private static List<string> Strings(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw ProblemException.Invalid(field, "must be an array");
        var list = new List<string>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) list.Add(String(ref reader, $"{field}[{list.Count}]"));
        return list;
    }

    private static List<ProductText> Texts(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw ProblemException.Invalid(field, "must be an object");
        var texts = new List<ProductText>(4);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var language = reader.GetString()!;
            var at = $"{field}.{language}";
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject) throw ProblemException.Invalid(at, "must be an object");
            string? title = null, description = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                switch (name)
                {
                    case "title": title = String(ref reader, $"{at}.title"); break;
                    case "description": description = String(ref reader, $"{at}.description"); break;
                    default: throw ProblemException.Invalid($"{at}.{name}", "is not a known field");
                }
            }
            texts.Add(new ProductText(language, title ?? throw ProblemException.Invalid($"{at}.title", "is required"), description));
        }
        return texts;
    }
}
