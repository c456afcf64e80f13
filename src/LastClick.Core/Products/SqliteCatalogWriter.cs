using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LastClick.Products;

/// <summary>
/// The catalog push's statements on SQLite, prepared once per session and bound by position through SQLitePCLRaw, as
/// the click writer's insert is: an import writes a million products and four million texts, and Microsoft.Data.Sqlite's
/// binding by name cost more than the inserts themselves (docs/performance.md).
/// </summary>
internal sealed class SqliteCatalogWriter : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _find;
    private readonly sqlite3_stmt _insert;
    private readonly sqlite3_stmt _update;
    private readonly sqlite3_stmt _deleteTexts;
    private readonly Dictionary<int, sqlite3_stmt> _insertTexts = [];

    public SqliteCatalogWriter(SqliteConnection connection)
    {
        _db = connection.Handle!;
        _find = Prepare("SELECT body_hash, gone_at FROM products WHERE id = ?1");
        _insert = Prepare($"""
            INSERT INTO products ({CatalogService.Columns}, created_at, updated_at, gone_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, NULL)
            """);
        _update = Prepare("""
            UPDATE products SET category = ?2, store = ?3, price_minor = ?4, currency = ?5, stock = ?6, affiliated = ?7, seller_rate = ?8, is_virtual = ?9,
                section = ?10, seller_origin = ?11, markets = ?12, images = ?13, url = ?14, body_hash = ?15, updated_at = ?16, gone_at = NULL
            WHERE id = ?1
            """);
        _deleteTexts = Prepare("DELETE FROM product_texts WHERE product_id = ?1");
    }

    private sqlite3_stmt Prepare(string sql)
    {
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, sql, out var statement), _db);
        return statement;
    }

    /// <summary>The stored product's hash and whether it is gone, or null.</summary>
    public (string Hash, bool Gone)? Find(string id)
    {
        var s = _find;
        try
        {
            Text(s, 1, id);
            var rc = raw.sqlite3_step(s);
            if (rc == raw.SQLITE_DONE) return null;
            if (rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, _db);
            return (raw.sqlite3_column_text(s, 0).utf8_to_string(), raw.sqlite3_column_type(s, 1) != raw.SQLITE_NULL);
        }
        finally
        {
            raw.sqlite3_reset(s);
        }
    }

    /// <summary>Inserts (<paramref name="created"/>) or updates the product row, then writes its texts afresh.</summary>
    public void Write(CatalogService.WriteRow row, IReadOnlyList<ProductText> texts, bool created)
    {
        var s = created ? _insert : _update;
        try
        {
            Text(s, 1, row.Id);
            Text(s, 2, row.Category);
            Text(s, 3, row.Store);
            raw.sqlite3_bind_int64(s, 4, row.PriceMinor);
            Text(s, 5, row.Currency);
            raw.sqlite3_bind_int64(s, 6, row.Stock);
            raw.sqlite3_bind_int(s, 7, row.Affiliated ? 1 : 0);
            Text(s, 8, row.SellerRate);
            raw.sqlite3_bind_int(s, 9, row.IsVirtual ? 1 : 0);
            Text(s, 10, row.Section);
            Text(s, 11, row.SellerOrigin);
            Text(s, 12, row.Markets);
            Text(s, 13, row.Images);
            Text(s, 14, row.Url);
            Text(s, 15, row.BodyHash);
            raw.sqlite3_bind_int64(s, 16, row.At);
            Step(s);
        }
        finally
        {
            raw.sqlite3_reset(s);
            raw.sqlite3_clear_bindings(s);
        }
        if (!created)
        {
            try
            {
                Text(_deleteTexts, 1, row.Id);
                Step(_deleteTexts);
            }
            finally
            {
                raw.sqlite3_reset(_deleteTexts);
            }
        }
        if (texts.Count == 0) return;
        // All of a product's texts in one statement (prepared once per count of languages).
        if (!_insertTexts.TryGetValue(texts.Count, out var t))
        {
            var rows = string.Join(", ", Enumerable.Range(0, texts.Count).Select(i => $"(?{(i * 4) + 1}, ?{(i * 4) + 2}, ?{(i * 4) + 3}, ?{(i * 4) + 4})"));
            _insertTexts[texts.Count] = t = Prepare($"INSERT INTO product_texts (product_id, language, title, description) VALUES {rows}");
        }
        try
        {
            for (var i = 0; i < texts.Count; i++)
            {
                Text(t, (i * 4) + 1, row.Id);
                Text(t, (i * 4) + 2, texts[i].Language);
                Text(t, (i * 4) + 3, texts[i].Title);
                Text(t, (i * 4) + 4, texts[i].Description);
            }
            Step(t);
        }
        finally
        {
            raw.sqlite3_reset(t);
            raw.sqlite3_clear_bindings(t);
        }
    }

    private void Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    private void Text(sqlite3_stmt statement, int index, string? value)
    {
        var rc = value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, value);
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose()
    {
        _find.Dispose();
        _insert.Dispose();
        _update.Dispose();
        _deleteTexts.Dispose();
        foreach (var statement in _insertTexts.Values) statement.Dispose();
    }
}
