using System.Globalization;
using System.Text;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Reports;

/// <summary>A report asked for: one dimension, local days [Start, End] in a zone, filters, one payout currency, order and page.</summary>
public sealed record ReportQuery(
    string Dimension, DateOnly Start, DateOnly End, TimeZoneInfo Zone, IReadOnlyDictionary<Dimension, string> Filters,
    string? Currency, string OrderBy, int Limit, int Offset);

/// <summary>
/// One row: the dimension's value and every metric (H1). Money is in the report's currency; orders and clicks count
/// every currency. Ratios: CR and approval rate in percent, EPC in currency per click.
/// </summary>
public sealed record ReportRow(
    string Key, long Clicks, long UniqueClicks, long InvalidClicks, long Orders, long OrdersApproved, long OrdersDeclined,
    decimal Sales, decimal CommissionPending, decimal CommissionConfirmed, decimal CommissionPayable, decimal CommissionPaid,
    decimal CommissionDeclined, decimal Commission, decimal? Cr, decimal? Epc, decimal? ApprovalRate);

public sealed record ReportResult(
    string Dimension, IReadOnlyList<ReportRow> Rows, ReportRow Totals, int Count, int Limit, int Offset,
    string? Currency, IReadOnlyList<string> Currencies, string TimeZone, DateOnly Start, DateOnly End, IReadOnlyList<string> Tables);

/// <summary>
/// Reports over the rollups (never the raw clicks). A report reads the smallest rollup that has what it groups and
/// filters by: whole UTC days inside the range from a daily rollup, the quarter hours at its local edges (and every
/// time series) from a quarter-hour rollup — so a day is the publisher's local day in every time zone.
/// </summary>
public static class Reports
{
    public static readonly IReadOnlyList<string> TimeDimensions = ["day", "week", "month"];

    public static readonly IReadOnlyDictionary<string, Dimension> KeyDimensions = new Dictionary<string, Dimension>(StringComparer.Ordinal)
    {
        ["program"] = Dimension.Program, ["publisher"] = Dimension.Publisher, ["link"] = Dimension.Link,
        ["sub1"] = Dimension.Sub1, ["sub2"] = Dimension.Sub2, ["sub3"] = Dimension.Sub3, ["sub4"] = Dimension.Sub4, ["sub5"] = Dimension.Sub5,
        ["country"] = Dimension.Country, ["device"] = Dimension.Device, ["source"] = Dimension.Source,
    };

    /// <summary>The columns of a row, in API and CSV order (after the dimension's own column).</summary>
    public static readonly IReadOnlyList<string> Metrics =
    [
        "clicks", "unique_clicks", "invalid_clicks", "orders", "orders_approved", "orders_declined", "cr", "sales",
        "commission_pending", "commission_confirmed", "commission_payable", "commission_paid", "commission_declined", "commission", "epc", "approval_rate",
    ];

    public const int MaxLimit = 500;
    public const int MaxDays = 3660;

    public static ReportResult Run(Store store, ReportQuery q)
    {
        var (from, to) = UtcRange(q.Start, q.End, q.Zone);
        var time = TimeDimensions.Contains(q.Dimension);
        var plan = Plan(q, from, to, time);
        var group = time ? null : Cube.Column(KeyDimensions[q.Dimension]);

        // Rows are summed here, not in SQL: a GROUP BY over rows that are nearly all distinct costs SQLite several
        // times the scan (an aggregate context per group and column); reading them is cheap.
        var grain = time ? plan[0].Cube.Grain : null;
        // Made inside the read: a read the standby fails partway through is made again on the primary, from nothing.
        var cells = store.Read(s =>
        {
            var read = new Dictionary<(string Key, string Currency), long[]>();
            // The clicks (SQLite) and the other changes (both stores) not folded into the rollups yet (Tracking.ClickJournal,
            // RollupJournal), read in the same snapshot (PostgreSQL: a read session is REPEATABLE READ).
            var waiting = RollupJournal.Waiting(s, Tracking.ClickJournal.Waiting(s));
            Func<long, string?>? period = grain is null ? null : bucket => Period(q, grain.StartOf(bucket));
            foreach (var (cube, fromBucket, toBucket) in plan)
            {
                Read(s, cube, group, fromBucket, toBucket, q.Filters, read, period);
                if (waiting is not null) Add(waiting, cube, time ? null : KeyDimensions[q.Dimension], fromBucket, toBucket, q.Filters, read, period);
            }
            return read;
        });

        var currencies = cells.Where(c => c.Key.Currency.Length > 0).GroupBy(c => c.Key.Currency)
            .OrderByDescending(g => g.Sum(c => c.Value[Measure.Orders])).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToList();
        var currency = q.Currency ?? currencies.FirstOrDefault();
        var unit = currency is null ? null : Common.Currency.Of(currency);

        var sums = new Dictionary<string, long[]>(StringComparer.Ordinal);
        if (time) foreach (var period in Periods(q)) sums[period] = new long[Measure.Count];
        foreach (var ((label, rowCurrency), m) in cells)
        {
            if (!sums.TryGetValue(label, out var total)) sums[label] = total = new long[Measure.Count];
            var money = rowCurrency.Length == 0 || rowCurrency == currency;
            // Checked: with amounts held to Limits.MaxAmount a sum needs millions of the largest orders to overflow,
            // and then it is an error, never a figure that wrapped around.
            for (var i = 0; i < Measure.Count; i++) if (money || i < Measure.Sales) total[i] = checked(total[i] + m[i]);
        }

        var rows = sums.Select(kv => Row(kv.Key, kv.Value, unit)).ToList();
        var all = new long[Measure.Count];
        foreach (var m in sums.Values) for (var i = 0; i < Measure.Count; i++) all[i] = checked(all[i] + m[i]);
        var sorted = Sort(rows, q.OrderBy, q.Dimension).Skip(q.Offset).Take(q.Limit).ToList();
        return new ReportResult(q.Dimension, sorted, Row("total", all, unit), rows.Count, q.Limit, q.Offset, currency, currencies, q.Zone.Id, q.Start, q.End,
            [.. plan.Select(p => p.Cube.Table).Distinct()]);
    }

    /// <summary>
    /// Which rollup rows a report reads. A time series reads the coarsest grain the zone's local midnights fall on
    /// (UTC days for UTC, hours for whole-hour offsets, quarter hours for Kolkata or Kathmandu); any other report
    /// covers its range with whole weeks, then whole days, hours and quarter hours at the edges, each from the
    /// smallest table that has the columns. A publisher's report only reads tables led by the publisher.
    /// </summary>
    internal static List<(Cube Cube, long From, long To)> Plan(ReportQuery q, long from, long to, bool time)
    {
        var needed = new HashSet<Dimension>(q.Filters.Keys) { Dimension.Currency };
        if (!time) needed.Add(KeyDimensions[q.Dimension]);
        var byPublisher = q.Filters.ContainsKey(Dimension.Publisher);
        // A publisher's report never reads a table led by time (it would scan every publisher's rows); the operator's
        // prefer one, and fall back on the full rollups (all of their rows in the range) for unusual filters.
        Cube? Pick(Grain grain) => Cubes.All.Where(c => c.Grain == grain && needed.All(c.Has) && (!byPublisher || c.PublisherLeads))
            .OrderBy(c => c.PublisherLeads == byPublisher ? 0 : 1).FirstOrDefault();
        if (Pick(Cubes.Quarters) is null)
        {
            var sub = needed.First(d => d is Dimension.Sub2 or Dimension.Sub3 or Dimension.Sub4 or Dimension.Sub5);
            var other = needed.First(d => d is not (Dimension.Program or Dimension.Publisher or Dimension.Link or Dimension.Currency
                or Dimension.Sub2 or Dimension.Sub3 or Dimension.Sub4 or Dimension.Sub5));
            throw ProblemException.Invalid(other == KeyDimensions.GetValueOrDefault(q.Dimension) ? "dimension" : Name(other),
                $"{Name(sub)} is reported with program, link and the other sub ids only, not with {Name(other)}");
        }

        var plan = new List<(Cube, long, long)>();
        if (time)
        {
            var midnights = Enumerable.Range(0, q.End.DayNumber - q.Start.DayNumber + 2)
                .Select(i => Times.ToMicros(LocalMidnight(q.Start.AddDays(i), q.Zone))).ToList();
            var grain = new[] { Cubes.Days, Cubes.Hours, Cubes.Quarters }.First(g => Pick(g) is not null && midnights.All(g.Aligned));
            plan.Add((Pick(grain)!, grain.BucketOf(from), grain.BucketOf(to)));
            return plan;
        }
        // A coarser grain is worth it only with a table as narrow as a finer one's (weeks of every publisher are
        // more rows than days of every program).
        var picks = Cubes.Grains.Select(Pick).ToList();
        bool Worth(int i) => picks[i] is { } cube && !picks.Skip(i + 1).Any(finer => finer is not null && finer.Dims.Count < cube.Dims.Count);
        void Cover(long a, long b, int level)
        {
            if (a >= b) return;
            for (var i = level; i < Cubes.Grains.Count; i++)
            {
                var grain = Cubes.Grains[i];
                if (!Worth(i) && i < Cubes.Grains.Count - 1) continue;
                if (picks[i] is not { } cube) continue;
                var lo = grain.StartOf(grain.BucketOf(a + grain.Size - 1));
                var hi = grain.StartOf(grain.BucketOf(b));
                if (lo >= hi) continue;
                plan.Add((cube, grain.BucketOf(lo), grain.BucketOf(hi)));
                Cover(a, lo, i + 1);
                Cover(hi, b, i + 1);
                return;
            }
        }
        Cover(from, to, 0);
        return plan;
    }

    private static string Name(Dimension dim) => ReportRequest.ParameterOf(dim);

    private static void Read(DbSession s, Cube cube, string? group, long fromBucket, long toBucket, IReadOnlyDictionary<Dimension, string> filters,
        Dictionary<(string, string), long[]> into, Func<long, string?>? period)
    {
        if (fromBucket >= toBucket) return;
        var where = new StringBuilder();
        var args = new Dapper.DynamicParameters();
        args.Add("a", fromBucket);
        args.Add("b", toBucket);
        var i = 0;
        // Publisher first: it leads the primary key of the tables a publisher's reports read.
        foreach (var (dim, value) in filters.OrderBy(f => f.Key == Dimension.Publisher ? 0 : 1))
        {
            where.Append(" AND ").Append(Cube.Column(dim)).Append(" = @f").Append(i);
            args.Add($"f{i++}", value);
        }
        var sql = $"SELECT {group ?? "bucket"}, currency, {string.Join(", ", Measure.Columns)} FROM {cube.Table} WHERE bucket >= @a AND bucket < @b{where}";
        using var reader = Dapper.SqlMapper.ExecuteReader(s.Connection, sql, args, s.Transaction);
        while (reader.Read())
        {
            var key = period is null ? reader.GetString(0) : period(reader.GetInt64(0));
            if (key is null) continue;
            var cell = (key, reader.GetString(1));
            if (!into.TryGetValue(cell, out var m)) into[cell] = m = new long[Measure.Count];
            for (var c = 0; c < Measure.Count; c++) m[c] += reader.GetInt64(c + 2);
        }
    }

    /// <summary>What <see cref="Read"/> reads from the cube's table, from rollup rows not written yet (clicks and other changes waiting in the journals).</summary>
    private static void Add(RollupBatch waiting, Cube cube, Dimension? group, long fromBucket, long toBucket, IReadOnlyDictionary<Dimension, string> filters,
        Dictionary<(string, string), long[]> into, Func<long, string?>? period)
    {
        // Where the currency, the filters' dimensions and the grouped one are among the cube's key values.
        var dims = cube.Dims.ToList();
        var currency = dims.IndexOf(Dimension.Currency);
        var filtered = filters.Select(f => (At: dims.IndexOf(f.Key), f.Value)).ToArray();
        var grouped = group is { } by ? dims.IndexOf(by) : -1;
        foreach (var cell in waiting.CellsOf(Cubes.All.ToList().IndexOf(cube)).Values)
        {
            if (cell.Bucket < fromBucket || cell.Bucket >= toBucket || filtered.Any(f => cell.Values[f.At] != f.Value)) continue;
            var key = period is null ? cell.Values[grouped] : period(cell.Bucket);
            if (key is null) continue;
            var at = (key, cell.Values[currency]);
            if (!into.TryGetValue(at, out var m)) into[at] = m = new long[Measure.Count];
            for (var c = 0; c < Measure.Count; c++) m[c] += cell.Measures[c];
        }
    }

    private static ReportRow Row(string key, long[] m, Currency? unit)
    {
        decimal Money(int measure) => unit is null ? 0m : unit.FromMinor(m[measure]);
        var commission = Money(Measure.Pending) + Money(Measure.Confirmed) + Money(Measure.Payable) + Money(Measure.Paid);
        var decided = m[Measure.OrdersApproved] + m[Measure.OrdersDeclined];
        return new ReportRow(key, m[Measure.Clicks], m[Measure.UniqueClicks], m[Measure.InvalidClicks], m[Measure.Orders],
            m[Measure.OrdersApproved], m[Measure.OrdersDeclined], Money(Measure.Sales), Money(Measure.Pending), Money(Measure.Confirmed),
            Money(Measure.Payable), Money(Measure.Paid), Money(Measure.Declined), commission,
            m[Measure.Clicks] == 0 ? null : Math.Round(100m * m[Measure.Orders] / m[Measure.Clicks], 2, MidpointRounding.AwayFromZero),
            m[Measure.Clicks] == 0 ? null : Math.Round(commission / m[Measure.Clicks], 4, MidpointRounding.AwayFromZero),
            decided == 0 ? null : Math.Round(100m * m[Measure.OrdersApproved] / decided, 2, MidpointRounding.AwayFromZero));
    }

    /// <summary>A row's value by column name (the dimension's own name for its key), for sorting and CSV.</summary>
    public static object? Value(ReportRow r, string column) => column switch
    {
        "clicks" => r.Clicks, "unique_clicks" => r.UniqueClicks, "invalid_clicks" => r.InvalidClicks, "orders" => r.Orders,
        "orders_approved" => r.OrdersApproved, "orders_declined" => r.OrdersDeclined, "cr" => r.Cr, "sales" => r.Sales,
        "commission_pending" => r.CommissionPending, "commission_confirmed" => r.CommissionConfirmed, "commission_payable" => r.CommissionPayable,
        "commission_paid" => r.CommissionPaid, "commission_declined" => r.CommissionDeclined, "commission" => r.Commission, "epc" => r.Epc,
        "approval_rate" => r.ApprovalRate,
        _ => r.Key,
    };

    private static IEnumerable<ReportRow> Sort(List<ReportRow> rows, string orderBy, string dimension)
    {
        var descending = orderBy.StartsWith('-');
        var column = orderBy.TrimStart('-');
        if (column == dimension)
        {
            return descending ? rows.OrderByDescending(r => r.Key, StringComparer.Ordinal) : rows.OrderBy(r => r.Key, StringComparer.Ordinal);
        }
        // Ties (and empty ratios, last) keep a stable order by key.
        decimal? Number(ReportRow r) => Value(r, column) is { } v ? Convert.ToDecimal(v, CultureInfo.InvariantCulture) : null;
        var ordered = descending
            ? rows.OrderBy(r => Number(r) is null).ThenByDescending(Number)
            : rows.OrderBy(r => Number(r) is null).ThenBy(Number);
        return ordered.ThenBy(r => r.Key, StringComparer.Ordinal);
    }

    /// <summary>The local day it is at <paramref name="now"/> in <paramref name="zone"/>.</summary>
    public static DateOnly Today(DateTimeOffset now, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

    /// <summary>The UTC µs range of local days [start, end] in a zone (a midnight the zone skips starts at its first valid quarter hour).</summary>
    public static (long From, long To) UtcRange(DateOnly start, DateOnly end, TimeZoneInfo zone) =>
        (Times.ToMicros(LocalMidnight(start, zone)), Times.ToMicros(LocalMidnight(end.AddDays(1), zone)));

    private static DateTimeOffset LocalMidnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static IEnumerable<string> Periods(ReportQuery q)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var day = q.Start; day <= q.End; day = day.AddDays(1)) if (seen.Add(Label(q.Dimension, day))) yield return Label(q.Dimension, day);
    }

    // A bucket's start (µs) → the local day, week or month it falls in (null outside the range).
    private static string? Period(ReportQuery q, long micros)
    {
        var day = Today(Times.FromMicros(micros), q.Zone);
        return day < q.Start || day > q.End ? null : Label(q.Dimension, day);
    }

    /// <summary>day: 2026-11-21; week: its Monday (ISO weeks), 2026-11-16; month: 2026-11.</summary>
    public static string Label(string dimension, DateOnly day) => dimension switch
    {
        "week" => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "month" => day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// A report's query string, Admitad's statistics API where it fits (decision 0009 maps it): date_start / date_end
/// (2026-11-01 or 01.11.2026, local days of the time zone, both included), subid1…subid5, order_by=-clicks,
/// limit / offset. Any bad parameter is a problem naming it; nothing is read.
/// </summary>
public static class ReportRequest
{
    private static readonly IReadOnlyDictionary<string, Dimension> FilterParameters = new Dictionary<string, Dimension>(StringComparer.Ordinal)
    {
        ["program"] = Dimension.Program, ["publisher"] = Dimension.Publisher, ["link"] = Dimension.Link,
        ["subid1"] = Dimension.Sub1, ["subid2"] = Dimension.Sub2, ["subid3"] = Dimension.Sub3, ["subid4"] = Dimension.Sub4, ["subid5"] = Dimension.Sub5,
        ["country"] = Dimension.Country, ["device"] = Dimension.Device, ["source"] = Dimension.Source,
    };

    /// <summary>The query parameter that filters by a dimension (subid1 for sub1, as Admitad names it).</summary>
    public static string ParameterOf(Dimension dim) => FilterParameters.First(kv => kv.Value == dim).Key;

    public static readonly IReadOnlySet<string> Parameters = new HashSet<string>(
        [.. FilterParameters.Keys, "date_start", "date_end", "time_zone", "currency", "order_by", "limit", "offset", "format"], StringComparer.Ordinal);

    /// <summary>The dimensions a publisher's reports offer, or the operator's (by publisher too).</summary>
    public static IReadOnlyList<string> Dimensions(bool operatorScope) =>
        [.. Reports.TimeDimensions.Concat(Reports.KeyDimensions.Keys).Where(d => operatorScope || d != "publisher")];

    /// <summary>
    /// A report's query string as the API and the pages get it: every parameter <paramref name="names"/> lists must be
    /// one of <see cref="Parameters"/>; dates default to the 30 local days to <paramref name="now"/> in the zone.
    /// </summary>
    public static ReportQuery Parse(string dimension, IEnumerable<string> names, Func<string, string?> get, string? publisherId, TimeZoneInfo zone,
        DateTimeOffset now, bool csv = false)
    {
        ProblemException.RefuseUnknown(names, Parameters);
        return Parse(dimension, get, publisherId, zone, Reports.Today(now, zone), csv);
    }

    /// <param name="publisherId">The caller's publisher (its reports only), or null for the operator's reports over all publishers.</param>
    public static ReportQuery Parse(string dimension, Func<string, string?> get, string? publisherId, TimeZoneInfo zone, DateOnly today, bool csv = false)
    {
        var dimensions = Dimensions(publisherId is null);
        if (!dimensions.Contains(dimension)) throw ProblemException.Invalid("dimension", $"unknown report '{dimension}' (one of {string.Join(", ", dimensions)})");
        if (get("time_zone") is { } zoneId)
        {
            zone = TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found) ? found
                : throw ProblemException.Invalid("time_zone", $"unknown time zone '{zoneId}' (an IANA name such as Europe/Berlin)");
        }
        var localToday = today;
        var end = Date(get, "date_end") ?? localToday;
        var start = Date(get, "date_start") ?? end.AddDays(-29);
        if (start > end) throw ProblemException.Invalid("date_start", "is after date_end");
        if (end.DayNumber - start.DayNumber >= Reports.MaxDays) throw ProblemException.Invalid("date_start", $"the range is longer than {Reports.MaxDays} days");

        var filters = new Dictionary<Dimension, string>();
        foreach (var (name, dim) in FilterParameters)
        {
            if (get(name) is not { } value) continue;
            if (publisherId is not null && dim == Dimension.Publisher) throw ProblemException.Invalid(name, "is not a filter of a publisher's reports");
            if (value.Length == 0 || value.Length > 256) throw ProblemException.Invalid(name, "must be 1 to 256 characters");
            filters[dim] = value;
        }
        if (publisherId is not null) filters[Dimension.Publisher] = publisherId;
        if (publisherId is null && !filters.ContainsKey(Dimension.Publisher) && dimension is "link" or "sub1" or "sub2" or "sub3" or "sub4" or "sub5")
        {
            throw ProblemException.Invalid("publisher", $"a report by {dimension} is per publisher: links and sub ids are each publisher's own");
        }

        var currency = get("currency") is { } c
            ? (Common.Currency.TryFind(c, out _) ? c : throw ProblemException.Invalid("currency", $"'{c}' is not a currency LastClick knows (an ISO 4217 code such as USD)"))
            : null;
        var time = Reports.TimeDimensions.Contains(dimension);
        var orderBy = get("order_by") ?? (time ? dimension : "-clicks");
        if (orderBy.TrimStart('-') is var column && column != dimension && !Reports.Metrics.Contains(column))
        {
            throw ProblemException.Invalid("order_by", $"unknown column '{column}' (the dimension '{dimension}' or one of {string.Join(", ", Reports.Metrics)}, '-' first for descending)");
        }
        var limit = Number(get, "limit", 1, csv ? 100_000 : Reports.MaxLimit) ?? (csv ? 100_000 : 20);
        var offset = Number(get, "offset", 0, int.MaxValue) ?? 0;
        return new ReportQuery(dimension, start, end, zone, filters, currency, orderBy, limit, offset);
    }

    private static DateOnly? Date(Func<string, string?> get, string name)
    {
        if (get(name) is not { } text) return null;
        return DateOnly.TryParseExact(text, ["yyyy-MM-dd", "dd.MM.yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year >= Limits.Earliest.Year && date < Limits.LatestDate
            ? date
            : throw ProblemException.Invalid(name, $"'{text}' is not a date (2026-11-01 or 01.11.2026)");
    }

    private static int? Number(Func<string, string?> get, string name, int min, int max) =>
        get(name) is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
                : throw ProblemException.Invalid(name, $"must be a whole number from {min} to {max}")
            : null;
}
