using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;
using CsvHelper;
using LastClick.Cli;
using LastClick.Data;

namespace LastClick.Tests.Cli;

/// <summary>`lastclick catalog import` → `lastclick feed export` (G2): the same feed as the server's, into a file, gzip by name.</summary>
public sealed class FeedExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lastclick-feed-").FullName;

    public void Dispose()
    {
        foreach (var db in Directory.GetFiles(_folder, "*.db")) SqliteStore.ReleaseFile(db);
        Directory.Delete(_folder, recursive: true);
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = LastClickCli.Run(args, stdout, stderr);
        return (code, stdout.ToString().Trim(), stderr.ToString());
    }

    private const string Products = """
        id,category,store,price,currency,stock,affiliated,seller_rate,markets,images,url,title_en,description_en,title_fr
        1,Toys,Toy Store,3.50,EUR,10,true,,DE|FR,https://img.example/1.jpg,https://www.aliexpress.com/item/1.html,Yo-yo,"A yo-yo, wooden",Yoyo
        2,Toys,,12.00,EUR,0,true,,DE,,https://www.aliexpress.com/item/2.html,Kite,,
        3,Garden supplies,Garden Co,25.99,EUR,3,true,,PL,,https://www.aliexpress.com/item/3.html,Shovel,,Pelle
        """;

    [Fact]
    public void G2_an_imported_catalog_exports_as_gzip_Merchant_XML_and_CSV_for_the_same_stored_feed()
    {
        var db = Path.Combine(_folder, "lastclick.db");
        var csvPath = Path.Combine(_folder, "products.csv");
        File.WriteAllText(csvPath, Products);
        Assert.Equal(0, Run("catalog", "import", csvPath, "--store", db).Code);
        using (var store = new SqliteStore(db))
        {
            new LastClick.Publishers.PublisherService(store, TimeProvider.System).Upsert(new LastClick.Publishers.Publisher("p1", "content", null, true));
        }

        var xmlPath = Path.Combine(_folder, "feed.xml.gz");
        var (code, output, err) = Run("feed", "export", "--store", db, "--publisher", "p1", "--program", "aliexpress-ww", "--market", "de", "--language", "fr",
            "--sub-id", "cli", "--out", xmlPath, "--public-url", "https://go.example");
        Assert.True(code == 0, err);
        Assert.Matches(@"^feed \w+: 2 items \(xml, gzip\); its URL: https://go\.example/feeds/[0-9a-f]{32}\.xml$", output);
        XDocument rss;
        using (var unzip = new GZipStream(File.OpenRead(xmlPath), CompressionMode.Decompress)) rss = XDocument.Load(unzip);
        XNamespace g = "http://base.google.com/ns/1.0";
        var items = rss.Root!.Element("channel")!.Elements("item").ToList();
        Assert.Equal(["1", "2"], items.Select(i => i.Element(g + "id")!.Value));
        Assert.Equal(("Yoyo", "fr"), (items[0].Element(g + "title")!.Value, items[0].Element(g + "title")!.Attribute(XNamespace.Xml + "lang")!.Value));
        Assert.Equal(("Kite", "en"), (items[1].Element(g + "title")!.Value, items[1].Element(g + "title")!.Attribute(XNamespace.Xml + "lang")!.Value));
        var code1 = output.Split(' ')[1].TrimEnd(':');
        Assert.Equal($"https://go.example/go/{code1}/1", items[0].Element(g + "link")!.Value);

        // The same definition again, as CSV: the same stored feed (one link), the same items.
        var csvOut = Path.Combine(_folder, "feed.csv");
        var again = Run("feed", "export", "--store", db, "--publisher", "p1", "--program", "aliexpress-ww", "--market", "DE", "--language", "fr",
            "--sub-id", "cli", "--out", csvOut, "--public-url", "https://go.example");
        Assert.Equal(0, again.Code);
        Assert.StartsWith($"feed {code1}: 2 items (csv)", again.Out, StringComparison.Ordinal);
        using var reader = new CsvReader(new StreamReader(csvOut), CultureInfo.InvariantCulture);
        Assert.Equal(["1", "2"], reader.GetRecords<dynamic>().Cast<IDictionary<string, object>>().Select(r => (string)r["id"]));
        using (var store = new SqliteStore(db))
        {
            Assert.Single(new LastClick.Products.Feeds(store, LastClick.Programs.ProgramCatalog.BuiltIn(), new LastClick.Tracking.LinkService(store,
                LastClick.Programs.ProgramCatalog.BuiltIn(), TimeProvider.System), TimeProvider.System).ForPublisher("p1"));
        }

        // A bad option is one line naming it, and nothing is stored.
        var bad = Run("feed", "export", "--store", db, "--publisher", "p1", "--program", "aliexpress-ww", "--market", "US", "--language", "fr");
        Assert.Equal((2, "error: market: aliexpress-ww serves RO, BG, PL, SI, SK, CZ, HU, DE, FR, ES, PT, GB"), (bad.Code, bad.Err.Trim()));
        var unknown = Run("feed", "export", "--store", db, "--feed", "nope");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("feed", unknown.Err, StringComparison.Ordinal);
    }
}
