using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LastClick.Bench;

/// <summary>
/// For bench/catalog.sh: a generated catalog as JSON Lines, like a marketplace export — four languages (a fifth of the
/// products lack French and Spanish, so feeds fall back to English), Germany and three more of the twelve markets (so a
/// German feed holds every product: the "a feed of all of them"), one to three images,
/// categories of the program's rate table, 5,000 stores, prices in EUR, PLN and USD. Deterministic for a given size.
/// </summary>
internal static class CatalogBench
{
    private static readonly string[] Categories =
        ["Mobile phones", "Mobile phone accessories", "Toys", "Lights", "Home appliances", "Women's clothing", "Computer peripherals", "Garden supplies",
         "Beauty and health", "Sports", "Jewelry", "Shoes", "Bags", "Tools", "Automotive"];

    private static readonly string[] Markets = ["RO", "BG", "PL", "SI", "SK", "CZ", "HU", "DE", "FR", "ES", "PT", "GB"];

    public static void Generate(int count, string path)
    {
        var random = new Random(6);
        using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        using var buffer = new MemoryStream();
        for (var i = 0; i < count; i++)
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer))
            {
                var id = (1005000000000L + i * 7L).ToString(CultureInfo.InvariantCulture);
                var currency = (i % 10) switch { 0 => "PLN", 1 => "USD", _ => "EUR" };
                json.WriteStartObject();
                json.WriteString("id", id);
                json.WriteString("category", Categories[random.Next(Categories.Length)]);
                json.WriteString("store", $"Store {random.Next(5000)}");
                json.WriteString("price", (random.Next(100, 50000) / 100m).ToString("F2", CultureInfo.InvariantCulture));
                json.WriteString("currency", currency);
                json.WriteNumber("stock", random.Next(10) == 0 ? 0 : random.Next(1, 500));
                json.WriteBoolean("affiliated", random.Next(20) != 0);
                json.WriteString("sellerRate", (random.Next(1, 20) / 100m).ToString("F2", CultureInfo.InvariantCulture));
                json.WriteString("sellerOrigin", "CN");
                json.WriteStartArray("markets");
                json.WriteStringValue("DE");
                var first = random.Next(Markets.Length);
                foreach (var market in Enumerable.Range(0, 4).Select(m => Markets[(first + m * 3) % Markets.Length]).Where(m => m != "DE").Take(3)) json.WriteStringValue(market);
                json.WriteEndArray();
                json.WriteStartArray("images");
                for (var m = random.Next(1, 4); m > 0; m--) json.WriteStringValue($"https://ae01.alicdn.com/kf/S{id}{m}.jpg");
                json.WriteEndArray();
                json.WriteString("url", $"https://www.aliexpress.com/item/{id}.html");
                json.WriteStartObject("texts");
                var words = $"{Categories[i % Categories.Length]} item {i}";
                Text(json, "en", $"Wireless {words} with fast charging and a two-year warranty", $"A well-made {words}. Ships from the EU warehouse in 3–5 days; free returns within 15 days.");
                if (i % 5 != 0)
                {
                    Text(json, "fr", $"{words} sans fil avec charge rapide et garantie de deux ans", $"Un {words} bien fait. Expédié depuis l'entrepôt UE en 3 à 5 jours.");
                    Text(json, "es", $"{words} inalámbrico con carga rápida y dos años de garantía", $"Un {words} bien hecho. Se envía desde el almacén de la UE en 3–5 días.");
                }
                Text(json, "pt", $"{words} sem fio com carregamento rápido e garantia de dois anos", null);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            file.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            file.Write('\n');
        }
    }

    private static void Text(Utf8JsonWriter json, string language, string title, string? description)
    {
        json.WriteStartObject(language);
        json.WriteString("title", title);
        if (description is not null) json.WriteString("description", description);
        json.WriteEndObject();
    }
}
