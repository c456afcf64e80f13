using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using LastClick.Common;
using LastClick.Products;

namespace LastClick.Cli;

/// <summary>
/// A catalog file for `lastclick catalog import` (G1): JSON Lines (`.jsonl`, `.ndjson`: one product per line, as the
/// API's), JSON (`.json`: an array, or an object with `products`) or CSV (`.csv`: id, category, store, price,
/// currency, stock, affiliated, seller_rate, virtual, section, seller_origin, markets and images separated by `|`,
/// url, then title_xx and description_xx per language). Read as a stream; each product with where it came from.
/// </summary>
public static class CatalogFile
{
    public static IEnumerable<(Product Product, string Where)> Read(FileInfo file, Action<long>? position = null)
    {
        var extension = file.Extension.ToLowerInvariant();
        return extension switch
        {
            ".jsonl" or ".ndjson" => Lines(file, position),
            ".json" => Json(file),
            ".csv" => Csv(file, position),
            _ => throw ProblemException.Invalid("file", $"'{file.Name}' is not .jsonl, .ndjson, .json or .csv"),
        };
    }

    private static IEnumerable<(Product, string)> Lines(FileInfo file, Action<long>? position)
    {
        using var stream = file.OpenRead();
        using var reader = new StreamReader(stream);
        var n = 0;
        while (reader.ReadLine() is { } line)
        {
            n++;
            position?.Invoke(stream.Position);
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return (CatalogService.FromJson(JsonNode.Parse(line, $"line {n}")), $"line {n}");
        }
    }

    private static IEnumerable<(Product, string)> Json(FileInfo file)
    {
        var root = JsonNode.Parse(File.ReadAllText(file.FullName), "");
        var items = root.Element.ValueKind == System.Text.Json.JsonValueKind.Array ? root : root.Required("products");
        foreach (var item in items.Items()) yield return (CatalogService.FromJson(item), item.Path);
    }

    private static IEnumerable<(Product, string)> Csv(FileInfo file, Action<long>? position)
    {
        using var stream = file.OpenRead();
        using var reader = new StreamReader(stream);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { DetectDelimiter = true });
        if (!csv.Read() || !csv.ReadHeader()) throw ProblemException.Invalid("file", "the CSV has no header row");
        var header = csv.HeaderRecord!;
        string[] required = ["id", "category", "price", "currency", "url"];
        if (required.FirstOrDefault(c => !header.Contains(c)) is { } missing) throw ProblemException.Invalid("file", $"the CSV has no '{missing}' column");
        var languages = header.Where(h => h.StartsWith("title_", StringComparison.Ordinal)).Select(h => h[6..]).ToList();
        while (csv.Read())
        {
            position?.Invoke(stream.Position);
            var where = $"line {csv.Parser.RawRow}";
            string? Field(string name) => header.Contains(name) && csv.GetField(name) is { Length: > 0 } v ? v : null;
            decimal Decimal(string name, string value) => decimal.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d)
                ? d : throw ProblemException.Invalid($"{where}.{name}", $"'{value}' is not a decimal");
            bool Flag(string name) => Field(name) is { } v && (v is "1" or "true" or "yes" ? true : v is "0" or "false" or "no" ? false
                : throw ProblemException.Invalid($"{where}.{name}", $"'{v}' is not true or false"));
            IReadOnlyList<string> List(string name) => Field(name)?.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
            var product = new Product(Field("id") ?? "", Field("category") ?? "", Field("store"), Decimal("price", Field("price") ?? ""), Field("currency") ?? "",
                Field("stock") is { } stock ? (long.TryParse(stock, NumberStyles.None, CultureInfo.InvariantCulture, out var units) ? units
                    : throw ProblemException.Invalid($"{where}.stock", $"'{stock}' is not a whole number")) : 0, Flag("affiliated"), Field("seller_rate") is { } rate ? Decimal("seller_rate", rate) : null,
                Flag("virtual"), Field("section"), Field("seller_origin"), List("markets"), List("images"), Field("url") ?? "",
                [.. languages.Where(l => Field($"title_{l}") is not null).Select(l => new ProductText(l, Field($"title_{l}")!, Field($"description_{l}")))]);
            yield return (CatalogService.Canonical(product), where);
        }
    }
}
