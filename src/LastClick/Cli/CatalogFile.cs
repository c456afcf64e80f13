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
    public static IEnumerable<(Product Product, string Where)> Read(FileInfo file, Action<long>? position = null) =>
        Read(file, position, static (product, where) => (product, where));

    /// <summary>
    /// The file's products, each passed through <paramref name="map"/> (a check, a hash) in file order. JSON Lines are
    /// parsed and mapped on every core (an import reads a million lines twice); the first failure in file order is thrown.
    /// </summary>
    public static IEnumerable<T> Read<T>(FileInfo file, Action<long>? position, Func<Product, string, T> map)
    {
        var extension = file.Extension.ToLowerInvariant();
        return extension switch
        {
            ".jsonl" or ".ndjson" => Parallel(Lines(file, position), map),
            ".json" => Json(file).Select(p => map(p.Item1, p.Item2)),
            ".csv" => Csv(file, position).Select(p => map(p.Item1, p.Item2)),
            _ => throw ProblemException.Invalid("file", $"'{file.Name}' is not .jsonl, .ndjson, .json or .csv"),
        };
    }

    /// <summary>
    /// Lines in chunks of 1,000 (one buffer each), each chunk parsed and mapped by a task of its own on the thread pool,
    /// handed back in file order. A bounded queue of those tasks (two per core) keeps memory flat however slow the
    /// consumer (the store) is, and lets parsing run ahead of it.
    /// </summary>
    private static IEnumerable<T> Parallel<T>(IEnumerable<LineChunk> chunks, Func<Product, string, T> map)
    {
        foreach (var task in ReadAhead.Of(chunks.Select(chunk => Task.Run(() => Map(chunk, map))), Environment.ProcessorCount * 2))
        {
            var (values, error) = task.GetAwaiter().GetResult();
            foreach (var value in values) yield return value;
            if (error is not null) throw error;
        }
    }

    private static (T[] Values, ProblemException? Error) Map<T>(LineChunk chunk, Func<Product, string, T> map)
    {
        var values = new T[chunk.Count];
        try
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                var where = $"line {chunk.Numbers[i]}";
                try
                {
                    values[i] = map(ProductJson.Parse(chunk.Line(i), where), where);
                }
                catch (ProblemException e)
                {
                    return (values[..i], e);
                }
            }
            return (values, null);
        }
        finally
        {
            chunk.Release();
        }
    }

    /// <summary>A thousand lines in one pooled buffer (a fresh megabyte per chunk would be a large-object allocation each time).</summary>
    private sealed class LineChunk(int capacity)
    {
        private byte[] _data = System.Buffers.ArrayPool<byte>.Shared.Rent(capacity * 1536);
        private int _used;
        public readonly int[] Starts = new int[capacity];
        public readonly int[] Lengths = new int[capacity];
        public readonly int[] Numbers = new int[capacity];

        public int Count { get; private set; }
        public bool Full => Count == Starts.Length;

        public void Add(ReadOnlySpan<byte> line, int number)
        {
            if (_used + line.Length > _data.Length)
            {
                var larger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(_data.Length * 2, _used + line.Length));
                _data.AsSpan(0, _used).CopyTo(larger);
                System.Buffers.ArrayPool<byte>.Shared.Return(_data);
                _data = larger;
            }
            line.CopyTo(_data.AsSpan(_used));
            (Starts[Count], Lengths[Count], Numbers[Count]) = (_used, line.Length, number);
            _used += line.Length;
            Count++;
        }

        public ReadOnlySpan<byte> Line(int i) => _data.AsSpan(Starts[i], Lengths[i]);

        /// <summary>Gives the buffer back once the chunk is parsed.</summary>
        public void Release()
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_data);
            _data = [];
        }
    }

    /// <summary>JSON Lines read as bytes in chunks (no string per line; parsed by <see cref="ProductJson"/>, not as a document).</summary>
    private static IEnumerable<LineChunk> Lines(FileInfo file, Action<long>? position)
    {
        const int ChunkSize = 1_000;
        using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 20];
        int start = 0, end = 0, n = 0;
        long consumed = 0;
        var done = false;
        var chunk = new LineChunk(ChunkSize);
        while (!done || start < end)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline < 0 && !done)
            {
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    (end, start) = (end - start, 0);
                }
                if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2); // a line longer than the buffer
                var read = stream.Read(buffer, end, buffer.Length - end);
                if (read == 0) done = true;
                end += read;
                continue;
            }
            var length = newline < 0 ? end - start : newline;
            var line = buffer.AsSpan(start, length);
            start += newline < 0 ? length : length + 1;
            consumed += newline < 0 ? length : length + 1;
            n++;
            if (n == 1 && line.StartsWith("\uFEFF"u8)) line = line[3..];
            if (line.Trim(" \t\r"u8).Length == 0) continue;
            chunk.Add(line, n);
            if (chunk.Full)
            {
                position?.Invoke(consumed);
                yield return chunk;
                chunk = new LineChunk(ChunkSize);
            }
        }
        position?.Invoke(consumed);
        if (chunk.Count > 0) yield return chunk;
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
