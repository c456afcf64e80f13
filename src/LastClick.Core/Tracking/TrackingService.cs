using LastClick.Common;
using LastClick.Data;

namespace LastClick.Tracking;

public sealed record Click(
    string Id, string ProgramId, string PublisherId, string? VisitorId, DateTimeOffset At,
    string? Ip, string? UserAgent, string? Referrer, string? LinkId = null,
    string? Sub1 = null, string? Sub2 = null, string? Sub3 = null, string? Sub4 = null, string? Sub5 = null,
    string? FlaggedAs = null, bool Duplicate = false, bool NewVisitor = false,
    string? Evidence = null, string? SignalKind = null, string? SignalDetail = null);

/// <summary>A paid touch from the marketplace's own channels (A1).</summary>
public sealed record MarketplaceTouch(string Id, string VisitorId, DateTimeOffset At, string? Channel);

/// <summary>Stores classified clicks and marketplace touches. Idempotent by id.</summary>
public sealed class TrackingService(Store store, ClickClassifier classifier)
{
    public ClickClass RecordClick(Click click) => store.InSession(s => RecordClick(s, click));

    public ClickClass RecordClick(DbSession s, Click click)
    {
        if (click.FlaggedAs is { } flag && !InvalidReasons.All.Contains(flag))
        {
            throw ProblemException.Invalid("click.invalid", $"unknown invalid traffic kind '{flag}' (one of {string.Join(", ", InvalidReasons.All)})");
        }
        var cls = classifier.Classify(click.Ip, click.UserAgent, click.FlaggedAs, click.Evidence);
        if (!Publishers.PublisherService.Exists(s, click.PublisherId)) throw new ProblemException(Problem.NotFound("click.publisher", $"unknown publisher '{click.PublisherId}'"));
        Store(s, click, cls);
        return cls;
    }

    /// <summary>The columns every click insert writes (one at a time, the PostgreSQL batch, the SQLite writer's positional insert).</summary>
    internal const string Columns = """
        id, program_id, publisher_id, link_id, visitor_id, at, ip, country, asn, anonymizer, invalid_reason,
        user_agent, referrer, sub1, sub2, sub3, sub4, sub5, duplicate, device, invalid_evidence, signal_kind, signal_detail, traffic_source
        """;

    /// <summary>
    /// Writes a classified click and adds it to the rollups in the same transaction (on SQLite: to the journal the
    /// rollups are folded from, <see cref="ClickJournal"/>); a click already stored (same id) is left as it is and counted once.
    /// </summary>
    internal static void Store(DbSession s, Click click, ClickClass cls)
    {
        // SQLite: the click writer's positional insert, prepared once for the session (binding 24 values by name cost the
        // replay about half of each click's insert; docs/performance.md). Its rollups wait in the journal.
        // (A transaction SQLite rolled back by itself, a full disk say, is left to Microsoft.Data.Sqlite to report.)
        if (s.Provider == StoreProvider.Sqlite)
        {
            _ = s.Transaction; // the session's transaction is still open (a committed session throws, as any statement would)
            var sqlite = (Microsoft.Data.Sqlite.SqliteConnection)s.Connection;
            if (SQLitePCL.raw.sqlite3_get_autocommit(sqlite.Handle) == 0)
            {
                if (s.Resource(static session => new SqliteClickInsert((Microsoft.Data.Sqlite.SqliteConnection)session.Connection)).Insert(click, cls) && !s.RollupsAtEnd) ClickJournal.Stored(s);
                return;
            }
        }
        var stored = s.Query<(long Seq, string? Source)>($"""
            INSERT INTO clicks ({Columns})
            VALUES (@Id, @ProgramId, @PublisherId, @LinkId, @VisitorId, @at, @Ip, @country, @asn, @anonymizer, @invalid,
                    @UserAgent, @Referrer, @Sub1, @Sub2, @Sub3, @Sub4, @Sub5, @Duplicate, @device, @evidence, @SignalKind, @SignalDetail,
                    (SELECT traffic_type FROM publishers WHERE id = @PublisherId))
            ON CONFLICT {(s.Provider == StoreProvider.Postgres ? "(id, at)" : "(id)")} DO NOTHING
            RETURNING seq, traffic_source
            """,
            new
            {
                click.Id, click.ProgramId, click.PublisherId, click.LinkId, click.VisitorId, at = Times.ToMicros(click.At), click.Ip,
                country = cls.Country, asn = (long)cls.Asn, anonymizer = cls.Anonymizer, invalid = cls.InvalidReason,
                click.UserAgent, click.Referrer, click.Sub1, click.Sub2, click.Sub3, click.Sub4, click.Sub5, click.Duplicate, device = cls.Device,
                evidence = cls.Evidence, click.SignalKind, click.SignalDetail,
            });
        // A click stored before is not counted again; the replay sums its rollups at its end (RollupsAtEnd).
        if (stored.Count == 0 || s.RollupsAtEnd) return;
        // SQLite: the rollups are folded from the clicks in batches (ClickJournal).
        if (ClickJournal.On(s))
        {
            ClickJournal.Stored(s);
            return;
        }
        var (from, to) = ClickRollup.Day(click.At);
        var unique = !ClickRollup.MayBeRepeat(click) ||
                     s.Query<long>(ClickRollup.PriorSql, new { visitor = click.VisitorId, from, to, link = click.LinkId ?? "", seq = stored[0].Seq }).Count == 0;
        var rollups = new Reports.RollupBatch();
        ClickRollup.Add(rollups, click, cls, stored[0].Source, unique);
        Reports.RollupWriter.Write(s, rollups);
    }

    /// <summary>
    /// PostgreSQL: a batch of clicks in one statement (one array per column, unnested), inside the session's
    /// transaction, then their rollups. Like <see cref="Store"/>, a click already stored is left as it is.
    /// </summary>
    internal static void StoreMany(DbSession s, IReadOnlyList<Click> clicks, IReadOnlyList<ClickClass> classes)
    {
        var connection = (Npgsql.NpgsqlConnection)s.Connection;
        var transaction = (Npgsql.NpgsqlTransaction)s.Transaction;
        using var command = new Npgsql.NpgsqlCommand($"""
            INSERT INTO clicks ({Columns})
            SELECT u.*, (SELECT p.traffic_type FROM publishers p WHERE p.id = u.publisher)
            FROM unnest(@id, @program, @publisher, @link, @visitor, @at, @ip, @country, @asn, @anonymizer, @invalid,
                        @agent, @referrer, @sub1, @sub2, @sub3, @sub4, @sub5, @duplicate, @device, @evidence, @signal_kind, @signal_detail)
                 AS u(id, program, publisher, link, visitor, at, ip, country, asn, anonymizer, invalid, agent, referrer,
                      sub1, sub2, sub3, sub4, sub5, duplicate, device, evidence, signal_kind, signal_detail)
            ON CONFLICT (id, at) DO NOTHING
            RETURNING id, seq, traffic_source
            """, connection, transaction);
        void Column<T>(string name, Func<int, T> value) =>
            command.Parameters.Add(new Npgsql.NpgsqlParameter<T[]>(name, Enumerable.Range(0, clicks.Count).Select(value).ToArray()));
        Column("id", i => clicks[i].Id);
        Column("program", i => clicks[i].ProgramId);
        Column("publisher", i => clicks[i].PublisherId);
        Column("link", i => clicks[i].LinkId);
        Column("visitor", i => clicks[i].VisitorId);
        Column("at", i => Times.ToMicros(clicks[i].At));
        Column("ip", i => clicks[i].Ip);
        Column("country", i => classes[i].Country);
        Column("asn", i => (long)classes[i].Asn);
        Column("anonymizer", i => classes[i].Anonymizer);
        Column("invalid", i => classes[i].InvalidReason);
        Column("agent", i => clicks[i].UserAgent);
        Column("referrer", i => clicks[i].Referrer);
        Column("sub1", i => clicks[i].Sub1);
        Column("sub2", i => clicks[i].Sub2);
        Column("sub3", i => clicks[i].Sub3);
        Column("sub4", i => clicks[i].Sub4);
        Column("sub5", i => clicks[i].Sub5);
        Column("duplicate", i => clicks[i].Duplicate);
        Column("device", i => classes[i].Device);
        Column("evidence", i => classes[i].Evidence);
        Column("signal_kind", i => clicks[i].SignalKind);
        Column("signal_detail", i => clicks[i].SignalDetail);
        var stored = new Dictionary<string, (long Seq, string? Source)>(StringComparer.Ordinal);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read()) stored[reader.GetString(0)] = (reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }
        if (stored.Count == 0) return;

        // Which of the stored clicks had one of the same visitor, link and UTC day stored before them (earlier in
        // this batch included): one query for the batch.
        var repeats = new HashSet<long>();
        var probe = Enumerable.Range(0, clicks.Count).Where(i => stored.ContainsKey(clicks[i].Id) && ClickRollup.MayBeRepeat(clicks[i])).ToList();
        if (probe.Count > 0)
        {
            using var prior = new Npgsql.NpgsqlCommand("""
                SELECT u.seq FROM unnest(@seq, @visitor, @link, @from) AS u(seq, visitor, link, day_from)
                WHERE EXISTS (SELECT 1 FROM clicks c WHERE c.visitor_id = u.visitor AND c.at >= u.day_from AND c.at < u.day_from + @day
                                                     AND COALESCE(c.link_id, '') = u.link AND c.seq < u.seq)
                """, connection, transaction);
            prior.Parameters.Add(new Npgsql.NpgsqlParameter<long[]>("seq", [.. probe.Select(i => stored[clicks[i].Id].Seq)]));
            prior.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>("visitor", [.. probe.Select(i => clicks[i].VisitorId!)]));
            prior.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>("link", [.. probe.Select(i => clicks[i].LinkId ?? "")]));
            prior.Parameters.Add(new Npgsql.NpgsqlParameter<long[]>("from", [.. probe.Select(i => ClickRollup.Day(clicks[i].At).From)]));
            prior.Parameters.Add(new Npgsql.NpgsqlParameter<long>("day", Reports.Cubes.Day));
            using var reader = prior.ExecuteReader();
            while (reader.Read()) repeats.Add(reader.GetInt64(0));
        }
        var rollups = new Reports.RollupBatch();
        for (var i = 0; i < clicks.Count; i++)
        {
            // The same id twice in one batch is stored once: count it once.
            if (!stored.Remove(clicks[i].Id, out var row)) continue;
            ClickRollup.Add(rollups, clicks[i], classes[i], row.Source, !repeats.Contains(row.Seq));
        }
        // Into the tables with the clicks (a batch of the redirect's already sums its rows; the journal is for the rest).
        Reports.RollupWriter.WriteNow(s, rollups);
    }

    public void RecordTouch(MarketplaceTouch touch) => store.InSession(s => RecordTouch(s, touch));

    /// <summary>Stores a touch; the same id again with the same body changes nothing, with another body it is a conflict.</summary>
    public static void RecordTouch(DbSession s, MarketplaceTouch touch)
    {
        var hash = Fingerprint.Of(touch);
        var inserted = s.Execute("INSERT INTO touches (id, visitor_id, at, channel, body_hash) VALUES (@Id, @VisitorId, @at, @Channel, @hash) ON CONFLICT (id) DO NOTHING",
            new { touch.Id, touch.VisitorId, at = Times.ToMicros(touch.At), touch.Channel, hash });
        // (A touch stored before fingerprints were kept has none: a repeat of it is taken as the same.)
        if (inserted == 0 && s.Query<string?>("SELECT body_hash FROM touches WHERE id = @Id", new { touch.Id }).FirstOrDefault() is { } existing && existing != hash)
        {
            throw new ProblemException(Problem.Conflict("touch.id", $"touch '{touch.Id}' was already received with a different body"));
        }
    }
}
