using System.Globalization;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Xml;
using CsvHelper;
using CsvHelper.Configuration;
using LastClick.Common;
using LastClick.Products;

namespace LastClick.Feeds;

/// <summary>
/// Writes a feed's items as they are read (G2, G3): CSV (CsvHelper), Google Merchant XML (RSS 2.0 with the <c>g:</c>
/// namespace) or JSON (Utf8JsonWriter) — one item in memory at a time. Every item names the language of its text
/// (CSV/JSON <c>language</c> and <c>translated</c>; XML <c>xml:lang</c> on title and description).
/// </summary>
public static class FeedWriter
{
    public const string GoogleNamespace = "http://base.google.com/ns/1.0";

    /// <summary>
    /// The items written to <paramref name="output"/> (left open); <paramref name="progress"/> hears the count every 1,000
    /// items. The items are read (the store, the rules) on a thread of their own, a few hundred ahead of the writing
    /// (the format, the compression): two cores make a feed nearly twice as fast.
    /// </summary>
    public static long Write(Feed feed, IEnumerable<FeedItem> items, Stream output, string origin, DateTimeOffset generated, Action<long>? progress = null)
    {
        var ahead = ReadAhead(items);
        return feed.Format switch
        {
            FeedFormat.Csv => WriteCsv(ahead, output, progress),
            FeedFormat.Xml => WriteXml(feed, ahead, output, origin, generated, progress),
            _ => WriteJson(feed, ahead, output, generated, progress),
        };
    }

    /// <summary><paramref name="items"/> read on a thread of their own in blocks of 256, at most eight blocks ahead, in order.</summary>
    private static IEnumerable<FeedItem> ReadAhead(IEnumerable<FeedItem> items) =>
        Common.ReadAhead.Of(items.Chunk(256), 8).SelectMany(block => block);

    public static string ContentType(FeedFormat format) => format switch
    {
        FeedFormat.Csv => "text/csv; charset=utf-8",
        FeedFormat.Xml => "application/rss+xml; charset=utf-8",
        _ => "application/json; charset=utf-8",
    };

    /// <summary>The CSV columns, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["id", "title", "description", "language", "translated", "link", "image", "additional_images", "price", "currency", "availability", "stock",
         "category", "store", "commission_rate", "rank"];

    private static long WriteCsv(IEnumerable<FeedItem> items, Stream output, Action<long>? progress)
    {
        using var text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        // Titles are the marketplace's text: a leading = + - @ is escaped so a spreadsheet never runs it as a formula.
        using var csv = new CsvWriter(text, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape });
        foreach (var column in Columns) csv.WriteField(column);
        csv.NextRecord();
        long count = 0;
        foreach (var item in items)
        {
            csv.WriteField(item.Id);
            csv.WriteField(item.Title);
            csv.WriteField(item.Description ?? "");
            csv.WriteField(item.Language);
            csv.WriteField(item.Translated ? "true" : "false");
            csv.WriteField(item.Link);
            csv.WriteField(item.Images.Count > 0 ? item.Images[0] : "");
            csv.WriteField(string.Join(' ', item.Images.Skip(1)));
            csv.WriteField(Price(item));
            csv.WriteField(item.Currency);
            csv.WriteField(Availability(item));
            csv.WriteField(item.Stock.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(item.Category);
            csv.WriteField(item.Store ?? "");
            csv.WriteField(Decimals.Canonical(item.Rate));
            csv.WriteField(item.Rank?.ToString(CultureInfo.InvariantCulture) ?? "");
            csv.NextRecord();
            if (++count % 1000 == 0) progress?.Invoke(count);
        }
        progress?.Invoke(count);
        return count;
    }

    private static long WriteXml(Feed feed, IEnumerable<FeedItem> items, Stream output, string origin, DateTimeOffset generated, Action<long>? progress)
    {
        using var xml = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), CloseOutput = false, Indent = false });
        xml.WriteStartDocument();
        xml.WriteStartElement("rss");
        xml.WriteAttributeString("version", "2.0");
        xml.WriteAttributeString("xmlns", "g", null, GoogleNamespace);
        xml.WriteStartElement("channel");
        xml.WriteElementString("title", feed.Name);
        xml.WriteElementString("link", origin);
        xml.WriteElementString("description", $"LastClick product feed: {feed.ProgramId}, market {feed.Market}, language {feed.Language} (English where a translation is missing)");
        xml.WriteElementString("language", feed.Language);
        xml.WriteElementString("lastBuildDate", generated.ToString("r", CultureInfo.InvariantCulture));
        long count = 0;
        foreach (var item in items)
        {
            xml.WriteStartElement("item");
            xml.WriteElementString("id", GoogleNamespace, item.Id);
            Text(xml, "title", item.Title, item.Language);
            if (item.Description is not null) Text(xml, "description", item.Description, item.Language);
            xml.WriteElementString("link", GoogleNamespace, item.Link);
            if (item.Images.Count > 0) xml.WriteElementString("image_link", GoogleNamespace, item.Images[0]);
            for (var i = 1; i < item.Images.Count && i <= 10; i++) xml.WriteElementString("additional_image_link", GoogleNamespace, item.Images[i]);
            xml.WriteElementString("price", GoogleNamespace, $"{Price(item)} {item.Currency}");
            xml.WriteElementString("availability", GoogleNamespace, Availability(item));
            xml.WriteElementString("condition", GoogleNamespace, "new");
            xml.WriteElementString("product_type", GoogleNamespace, item.Category);
            if (item.Store is not null) xml.WriteElementString("custom_label_0", GoogleNamespace, item.Store);
            xml.WriteElementString("custom_label_1", GoogleNamespace, Decimals.Canonical(item.Rate));
            if (item.Rank is { } rank) xml.WriteElementString("custom_label_2", GoogleNamespace, rank.ToString(CultureInfo.InvariantCulture));
            xml.WriteStartElement("shipping", GoogleNamespace);
            xml.WriteElementString("country", GoogleNamespace, feed.Market);
            xml.WriteEndElement();
            xml.WriteEndElement();
            if (++count % 1000 == 0) progress?.Invoke(count);
        }
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
        progress?.Invoke(count);
        return count;
    }

    private static void Text(XmlWriter xml, string name, string value, string language)
    {
        xml.WriteStartElement(name, GoogleNamespace);
        xml.WriteAttributeString("xml", "lang", null, language);
        xml.WriteString(value);
        xml.WriteEndElement();
    }

    private static long WriteJson(Feed feed, IEnumerable<FeedItem> items, Stream output, DateTimeOffset generated, Action<long>? progress)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteStartObject("feed");
        json.WriteString("code", feed.Code);
        json.WriteString("name", feed.Name);
        json.WriteString("program", feed.ProgramId);
        json.WriteString("market", feed.Market);
        json.WriteString("language", feed.Language);
        json.WriteString("fallbackLanguage", "en");
        json.WriteString("generatedAt", generated);
        json.WriteEndObject();
        json.WriteStartArray("items");
        long count = 0;
        foreach (var item in items)
        {
            json.WriteStartObject();
            json.WriteString("id", item.Id);
            json.WriteString("title", item.Title);
            if (item.Description is null) json.WriteNull("description");
            else json.WriteString("description", item.Description);
            json.WriteString("language", item.Language);
            json.WriteBoolean("translated", item.Translated);
            json.WriteString("link", item.Link);
            json.WriteStartArray("images");
            foreach (var image in item.Images) json.WriteStringValue(image);
            json.WriteEndArray();
            json.WriteString("price", Price(item));
            json.WriteString("currency", item.Currency);
            json.WriteString("availability", Availability(item));
            json.WriteNumber("stock", item.Stock);
            json.WriteString("category", item.Category);
            if (item.Store is null) json.WriteNull("store");
            else json.WriteString("store", item.Store);
            json.WriteString("commissionRate", Decimals.Canonical(item.Rate));
            if (item.Rank is { } rank) json.WriteNumber("rank", rank);
            json.WriteEndObject();
            if (++count % 1000 == 0)
            {
                progress?.Invoke(count);
                if (json.BytesPending > 1 << 16) json.Flush();
            }
            else if (json.BytesPending > 1 << 16)
            {
                json.Flush();
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        progress?.Invoke(count);
        return count;
    }

    /// <summary>The price with its currency's minor digits (9.50, 1200 for HUF with none).</summary>
    private static string Price(FeedItem item) => Currency.Of(item.Currency).Format(item.Price);

    private static string Availability(FeedItem item) => item.Stock > 0 ? "in_stock" : "out_of_stock";

    /// <summary>
    /// Writes the feed (gzip when <paramref name="gzip"/>) into <paramref name="destination"/> asynchronously: the
    /// synchronous writers run on a thread of their own into a pipe whose reader copies to the response, so a slow
    /// client holds back the writer (the pipe pauses at 1 MiB) instead of the feed piling up in memory.
    /// </summary>
    public static async Task StreamAsync(Feed feed, IEnumerable<FeedItem> items, Stream destination, bool gzip, string origin, DateTimeOffset generated,
        CancellationToken cancel)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
        var writing = Task.Factory.StartNew(() =>
        {
            try
            {
                using var sink = pipe.Writer.AsStream(leaveOpen: true);
                using (var body = gzip ? new GZipStream(sink, CompressionLevel.Fastest, leaveOpen: true) : (Stream)new BufferedStream(sink, 1 << 16))
                {
                    Write(feed, items, body, origin, generated);
                }
                pipe.Writer.Complete();
            }
#pragma warning disable CA1031 // handed to the reader, which rethrows it
            catch (Exception e)
            {
                pipe.Writer.Complete(e);
            }
#pragma warning restore CA1031
        }, cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await pipe.Reader.CopyToAsync(destination, cancel).ConfigureAwait(false);
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The client went away: the writer's next flush fails and it stops reading the catalog.
            await pipe.Reader.CompleteAsync(e).ConfigureAwait(false);
            throw;
        }
        finally
        {
            await writing.ConfigureAwait(false);
        }
    }
}
