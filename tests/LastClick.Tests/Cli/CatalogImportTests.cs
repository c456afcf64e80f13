using System.Globalization;
using LastClick.Cli;
using LastClick.Data;

namespace LastClick.Tests.Cli;

/// <summary>`lastclick catalog import` (G1): CSV and JSON Lines, idempotent, `--full` marks the rest gone, a bad line named and nothing written.</summary>
public sealed class CatalogImportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lastclick-catalog-").FullName;

    public void Dispose()
    {
        foreach (var db in Directory.GetFiles(_folder, "*.db")) SqliteStore.ReleaseFile(db);
        Directory.Delete(_folder, recursive: true);
    }

    private string File(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out) Ok(params string[] args) => Run(args) is var r ? (r.Code, r.Out) : default;

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = LastClickCli.Run(args, stdout, stderr);
        return (code, stdout.ToString().Trim(), stderr.ToString());
    }

    private const string Csv = """
        id,category,store,price,currency,stock,affiliated,seller_rate,markets,images,url,title_en,description_en,title_fr
        1,Toys,Toy Store,3.50,EUR,10,true,0.05,DE|FR,https://img.example/1.jpg,https://www.aliexpress.com/item/1.html,Yo-yo,"A yo-yo, wooden",Yoyo
        2,Books,,12.00,EUR,0,false,,PL,,https://www.aliexpress.com/item/2.html,A book,,
        3,Garden supplies,Garden Co,25.99,EUR,3,true,0.1,DE,,https://www.aliexpress.com/item/3.html,Shovel,,Pelle
        """;

    [Fact]
    public void G1_a_CSV_is_imported_again_without_change_and_a_full_import_marks_the_rest_gone()
    {
        var db = Path.Combine(_folder, "catalog.db");
        Assert.Equal((0, "3 products: 3 created, 0 updated, 0 unchanged, 0 marked gone"), Ok("catalog", "import", File("products.csv", Csv), "--store", db));
        Assert.Equal((0, "3 products: 0 created, 0 updated, 3 unchanged, 0 marked gone"), Ok("catalog", "import", File("products.csv", Csv), "--store", db));

        var lines = File("update.jsonl", """
            {"id":"1","category":"Toys","store":"Toy Store","price":"2.99","currency":"EUR","stock":10,"affiliated":true,"sellerRate":"0.05","markets":["DE","FR"],"images":["https://img.example/1.jpg"],"url":"https://www.aliexpress.com/item/1.html","texts":{"en":{"title":"Yo-yo","description":"A yo-yo, wooden"},"fr":{"title":"Yoyo"}}}

            {"id":"2","category":"Books","price":"12.00","currency":"EUR","markets":["PL"],"url":"https://www.aliexpress.com/item/2.html","texts":{"en":{"title":"A book"}}}
            """);
        Assert.Equal((0, "2 products: 0 created, 1 updated, 1 unchanged, 1 marked gone"), Ok("catalog", "import", lines, "--full", "--store", db));

        using var store = new SqliteStore(db);
        var catalog = new LastClick.Products.CatalogService(store, TimeProvider.System);
        Assert.Equal(2.99m, catalog.Find("1")!.Product.Price);
        Assert.Equal("A yo-yo, wooden", catalog.Find("1")!.Product.Texts.Single(t => t.Language == "en").Description);
        Assert.NotNull(catalog.Find("3")!.GoneAt);
    }

    [Fact]
    public void A_bad_line_is_named_and_nothing_is_imported()
    {
        var db = Path.Combine(_folder, "bad.db");
        var (code, _, error) = Run("catalog", "import", File("bad.csv", Csv.Replace("25.99", "-1", StringComparison.Ordinal)), "--store", db);
        Assert.Equal(2, code);
        Assert.Contains("line 4.price", error, StringComparison.Ordinal);
        using var store = new SqliteStore(db);
        Assert.Equal(0L, store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM products")));
        Assert.Equal(2, Run("catalog", "import", File("products.txt", "x"), "--store", db).Code);
    }

    private static string Line(int i, string price = "\"3.50\"") => string.Create(CultureInfo.InvariantCulture,
        $"{{\"id\":\"{i}\",\"category\":\"Toys\",\"price\":{price},\"currency\":\"EUR\",\"markets\":[\"DE\"],\"url\":\"https://www.aliexpress.com/item/{i}.html\",\"texts\":{{\"en\":{{\"title\":\"Toy {i}\"}}}}}}");

    [Fact]
    public void G1_JSON_Lines_across_many_chunks_keep_their_order_and_the_first_bad_line_in_the_file_is_named()
    {
        // 2,500 lines are read in chunks of 1,000, parsed on every core; line 1,700 and line 2,400 are bad: the first is named.
        var lines = Enumerable.Range(1, 2_500).Select(i => i switch { 1_700 => Line(i, "\"1.001\""), 2_400 => Line(i, "true"), _ => Line(i) });
        var db = Path.Combine(_folder, "chunks.db");
        var (code, _, error) = Run("catalog", "import", File("bad.jsonl", string.Join("\n", lines)), "--store", db);
        Assert.Equal((2, "error: line 1700.price: has more than 2 decimals for EUR"), (code, error.Trim().Split('\n')[^1]));
        using (var store = new SqliteStore(db)) Assert.Equal(0L, store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM products")));

        // The same file mended (blank lines and a BOM allowed): every product, once, with the text of its own line.
        var good = "\uFEFF" + string.Join("\n\n", Enumerable.Range(1, 2_500).Select(i => Line(i))) + "\n";
        Assert.Equal((0, "2500 products: 2500 created, 0 updated, 0 unchanged, 0 marked gone"), Ok("catalog", "import", File("good.jsonl", good), "--store", db));
        using var again = new SqliteStore(db);
        var catalog = new LastClick.Products.CatalogService(again, TimeProvider.System);
        Assert.Equal("Toy 2345", catalog.Find("2345")!.Product.Texts.Single().Title);
        Assert.Equal(2_500L, again.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM product_texts")));
    }
}
