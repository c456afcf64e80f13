using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;

namespace LastClick.Publishers;

/// <param name="PayoutDetailsComplete">Read only: derived from the publisher's payout details (<c>PayoutService.SetDetails</c>),
/// never written from here (D3).</param>
public sealed record Publisher(string Id, string TrafficType, int? Ranking, bool PayoutDetailsComplete = false);

public sealed class PublisherService(Store store, TimeProvider clock)
{
    public static void Validate(Publisher publisher, string path)
    {
        if (string.IsNullOrWhiteSpace(publisher.Id)) throw ProblemException.Invalid($"{path}.id", "is required");
        if (!TrafficTypes.All.Contains(publisher.TrafficType))
        {
            throw ProblemException.Invalid($"{path}.trafficType", $"unknown traffic type '{publisher.TrafficType}' (one of {string.Join(", ", TrafficTypes.All)})");
        }
        if (publisher.Ranking is < 1) throw ProblemException.Invalid($"{path}.ranking", "must be 1 or more");
    }

    /// <summary>Creates the publisher, or updates its traffic type and ranking. Payout details are set by <c>PayoutService.SetDetails</c>.</summary>
    public void Upsert(Publisher publisher) => store.InSession(s => Upsert(s, publisher));

    public void Upsert(DbSession s, Publisher publisher)
    {
        Validate(publisher, "publisher");
        s.Execute("""
            INSERT INTO publishers (id, traffic_type, ranking, payout_details_complete, created_at)
            VALUES (@Id, @TrafficType, @Ranking, @no, @at)
            ON CONFLICT (id) DO UPDATE SET traffic_type = excluded.traffic_type, ranking = excluded.ranking
            """, new { publisher.Id, publisher.TrafficType, publisher.Ranking, no = false, at = Times.ToMicros(clock.GetUtcNow()) });
    }

    /// <summary>Whether the publisher exists: the check clicks, links and publisher keys make before they name one.</summary>
    public static bool Exists(DbSession s, string id) => s.Scalar<long>("SELECT COUNT(*) FROM publishers WHERE id = @id", new { id }) > 0;

    public Publisher? Find(string id) => store.Read(s => Find(s, id));

    public static Publisher? Find(DbSession s, string id)
    {
        var row = s.QuerySingleOrDefault<PublisherRow>(
            "SELECT id, traffic_type, ranking, payout_details_complete FROM publishers WHERE id = @id", new { id });
        return row is null ? null : new Publisher(row.Id, row.TrafficType, row.Ranking, row.PayoutDetailsComplete);
    }

    /// <summary>Publishers in id order, a page at a time.</summary>
    public IReadOnlyList<Publisher> List(int limit, int offset) => store.Read(s => (IReadOnlyList<Publisher>)s.Query<PublisherRow>(
        "SELECT id, traffic_type, ranking, payout_details_complete FROM publishers ORDER BY id LIMIT @limit OFFSET @offset", new { limit, offset })
        .Select(r => new Publisher(r.Id, r.TrafficType, r.Ranking, r.PayoutDetailsComplete)).ToList());

    private sealed class PublisherRow
    {
        public string Id { get; set; } = "";
        public string TrafficType { get; set; } = "";
        public int? Ranking { get; set; }
        public bool PayoutDetailsComplete { get; set; }
    }
}
