using System.Security.Cryptography;
using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;

namespace LastClick.Tracking;

/// <summary>
/// A publisher's tracking link: a short code that redirects to a destination on the program's hosts. <see cref="Name"/>
/// is the publisher's own label for it ("Homepage banner"), shown in lists and reports instead of the code.
/// </summary>
public sealed record Link(
    string Code, string ProgramId, string PublisherId, string Destination,
    string? Sub1 = null, string? Sub2 = null, string? Sub3 = null, string? Sub4 = null, string? Sub5 = null, bool Suspended = false,
    string? Name = null);

/// <summary>A link to create: the program, the destination and up to five sub ids; optionally a name.</summary>
public sealed record LinkRequest(string ProgramId, string Destination, params string?[] Subs)
{
    public string? Name { get; init; }
}

/// <summary>
/// A change to a link: a new destination (null: keep) and the sub ids to set, by number (1…5; a null value clears);
/// <see cref="Name"/> null keeps the name, empty clears it.
/// </summary>
public sealed record LinkChange(string? Destination, IReadOnlyDictionary<int, string?> Subs)
{
    public string? Name { get; init; }
}

/// <summary>Creates and finds tracking links (F1). Destinations are checked by <see cref="LinkTargets"/>.</summary>
public sealed class LinkService(Store store, ProgramCatalog programs, TimeProvider clock)
{
    private const string Alphabet = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

    /// <summary>The longest link name.</summary>
    public const int MaxNameLength = 100;

    public Link Create(string publisherId, string programId, string destination, params string?[] subs) =>
        store.InSession(s => Create(s, publisherId, new LinkRequest(programId, destination, subs)));

    public Link Create(string publisherId, LinkRequest request) => store.InSession(s => Create(s, publisherId, request));

    public Link Create(DbSession s, string publisherId, string programId, string destination, params string?[] subs) =>
        Create(s, publisherId, new LinkRequest(programId, destination, subs));

    public Link Create(DbSession s, string publisherId, LinkRequest request)
    {
        var (programId, destination, subs) = (request.ProgramId, request.Destination, request.Subs);
        var name = Name(request.Name);
        var program = programs.Get(programId, "program");
        var normalized = LinkTargets.Validate(destination, program.AllowedHosts);
        if (subs.Length > 5) throw ProblemException.Invalid("sub6", "at most five sub ids (sub1…sub5)");
        for (var i = 0; i < subs.Length; i++) CheckSub(i + 1, subs[i]);
        if (!Publishers.PublisherService.Exists(s, publisherId))
        {
            throw new ProblemException(Problem.NotFound("publisher", $"unknown publisher '{publisherId}'"));
        }
        if (Publishers.Applications.MembershipProblem(s, publisherId, programId) is { } refused) throw ProblemException.Invalid("program", refused);
        string? Sub(int i) => i < subs.Length ? subs[i] : null;
        var now = Times.ToMicros(clock.GetUtcNow());
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var link = new Link(NewCode(), programId, publisherId, normalized, Sub(0), Sub(1), Sub(2), Sub(3), Sub(4), Name: name);
            var inserted = s.Execute("""
                INSERT INTO links (code, program_id, publisher_id, destination, sub1, sub2, sub3, sub4, sub5, name, created_at, updated_at)
                VALUES (@Code, @ProgramId, @PublisherId, @Destination, @Sub1, @Sub2, @Sub3, @Sub4, @Sub5, @Name, @now, @now)
                ON CONFLICT (code) DO NOTHING
                """, new { link.Code, link.ProgramId, link.PublisherId, link.Destination, link.Sub1, link.Sub2, link.Sub3, link.Sub4, link.Sub5, link.Name, now });
            if (inserted == 1) return link;
        }
        throw new InvalidOperationException("could not find a free link code in five tries");
    }

    /// <summary>
    /// Raised after a change to a link is committed (its code), so caches drop it. On PostgreSQL the same change is
    /// also announced to every node with NOTIFY on <see cref="ChangeChannel"/>, delivered when the transaction commits.
    /// </summary>
    public event Action<string>? Changed;

    public const string ChangeChannel = "lastclick_links";

    /// <summary>
    /// Changes a publisher's own link (F1): a new destination (checked like a new one) and/or sub ids; a sub id given
    /// as null is cleared, one not given is kept. Another publisher's link is "not found", never "forbidden".
    /// </summary>
    public Link Update(string publisherId, string code, LinkChange change)
    {
        var link = store.InSession(s =>
        {
            // PostgreSQL: two edits of one link at once apply one after the other, neither lost.
            if (s.Provider == StoreProvider.Postgres) s.Query<string>("SELECT code FROM links WHERE code = @code FOR UPDATE", new { code });
            var current = Find(s, code);
            if (current is null || current.PublisherId != publisherId) throw new ProblemException(Problem.NotFound("code", $"no link '{code}'"));
            var program = programs.Get(current.ProgramId, "program");
            var destination = change.Destination is null ? current.Destination : LinkTargets.Validate(change.Destination, program.AllowedHosts);
            var subs = new[] { current.Sub1, current.Sub2, current.Sub3, current.Sub4, current.Sub5 };
            foreach (var (index, value) in change.Subs)
            {
                if (index is < 1 or > 5) throw ProblemException.Invalid($"sub{index}", "at most five sub ids (sub1…sub5)");
                CheckSub(index, value);
                subs[index - 1] = value;
            }
            var name = change.Name is null ? current.Name : Name(change.Name);
            var updated = current with { Destination = destination, Sub1 = subs[0], Sub2 = subs[1], Sub3 = subs[2], Sub4 = subs[3], Sub5 = subs[4], Name = name };
            s.Execute("""
                UPDATE links SET destination = @Destination, sub1 = @Sub1, sub2 = @Sub2, sub3 = @Sub3, sub4 = @Sub4, sub5 = @Sub5, name = @Name, updated_at = @now
                WHERE code = @Code
                """, new { updated.Destination, updated.Sub1, updated.Sub2, updated.Sub3, updated.Sub4, updated.Sub5, updated.Name, now = Times.ToMicros(clock.GetUtcNow()), updated.Code });
            if (s.Provider == StoreProvider.Postgres) s.Execute($"SELECT pg_notify('{ChangeChannel}', @code)", new { code });
            return updated;
        });
        Changed?.Invoke(code);
        return link;
    }

    /// <summary>
    /// Creates many links at once (bulk creation from CSV): all or none. The first bad row fails the whole request,
    /// its error naming the row (`rows[i].field`).
    /// </summary>
    public IReadOnlyList<Link> CreateMany(string publisherId, IReadOnlyList<LinkRequest> requests) => store.InSession(s =>
    {
        var links = new List<Link>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            try
            {
                links.Add(Create(s, publisherId, r.ProgramId, r.Destination, r.Subs));
            }
            catch (ProblemException e) when (e.Problem.Field != "publisher")
            {
                throw new ProblemException(e.Problem with { Field = $"rows[{i}].{e.Problem.Field}" });
            }
        }
        return (IReadOnlyList<Link>)links;
    });

    /// <summary>
    /// A publisher's links, newest first, a page at a time; without its feeds' own links when <paramref name="withFeeds"/>
    /// is false (the dashboard lists those under feeds).
    /// </summary>
    public IReadOnlyList<Link> ForPublisher(string publisherId, int limit, int offset, bool withFeeds = true) => store.Read(s =>
        (IReadOnlyList<Link>)s.Query<LinkRow>($"""
            SELECT l.code, l.program_id, l.publisher_id, l.destination, l.sub1, l.sub2, l.sub3, l.sub4, l.sub5, l.name FROM links l
            WHERE l.publisher_id = @publisherId {(withFeeds ? "" : "AND NOT EXISTS (SELECT 1 FROM feeds f WHERE f.code = l.code)")}
            ORDER BY l.created_at DESC, l.code LIMIT @limit OFFSET @offset
            """, new { publisherId, limit, offset }).Select(ToLink).ToList());

    /// <summary>
    /// The names of a publisher's links among <paramref name="codes"/> (a feed's link is named after its feed): one
    /// prepared look-up per code, as a page shows at most a few hundred.
    /// </summary>
    public IReadOnlyDictionary<string, string> Names(string publisherId, IReadOnlyCollection<string> codes) => store.Read(s =>
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var code in codes.Distinct(StringComparer.Ordinal))
        {
            var name = s.QuerySingleOrDefault<string>("""
                SELECT COALESCE(l.name, f.name) FROM links l LEFT JOIN feeds f ON f.code = l.code
                WHERE l.code = @code AND l.publisher_id = @publisherId
                """, new { code, publisherId });
            if (name is not null) names[code] = name;
        }
        return (IReadOnlyDictionary<string, string>)names;
    });

    public Link? Find(string code) => store.Read(s => Find(s, code));

    /// <summary>A link, and whether its publisher's links are suspended (the redirect marks their clicks invalid).</summary>
    public static Link? Find(DbSession s, string code) =>
        s.QuerySingleOrDefault<LinkRow>("""
            SELECT l.code, l.program_id, l.publisher_id, l.destination, l.sub1, l.sub2, l.sub3, l.sub4, l.sub5, l.name,
                   (p.links_suspended_at IS NOT NULL) AS suspended
            FROM links l LEFT JOIN publishers p ON p.id = l.publisher_id WHERE l.code = @code
            """, new { code })
        is { } r ? ToLink(r) : null;

    /// <summary>
    /// Suspends or restores every link of a publisher (fraud review): the change reaches every node's link cache like an
    /// edit. Audited. Returns how many links it covers.
    /// </summary>
    public int SetSuspended(string publisherId, bool suspended, string actor, string? reason)
    {
        var codes = store.InSession(s =>
        {
            if (!Publishers.PublisherService.Exists(s, publisherId)) throw new ProblemException(Problem.NotFound("publisher", $"unknown publisher '{publisherId}'"));
            s.Execute("""
                UPDATE publishers SET links_suspended_at = @at, links_suspended_by = @by, links_suspended_reason = @reason WHERE id = @publisherId
                """, new { publisherId, at = suspended ? Times.ToMicros(clock.GetUtcNow()) : (long?)null, by = suspended ? actor : null, reason = suspended ? reason : null });
            var codes = s.Query<string>("SELECT code FROM links WHERE publisher_id = @publisherId", new { publisherId }).ToList();
            AuditLog.Append(s, clock.GetUtcNow(), actor, suspended ? "publisher.links_suspended" : "publisher.links_restored",
                $"publisher/{publisherId}", $"{codes.Count} link(s){(reason is null ? "" : $": {reason}")}");
            if (s.Provider == StoreProvider.Postgres)
            {
                foreach (var code in codes) s.Execute($"SELECT pg_notify('{ChangeChannel}', @code)", new { code });
            }
            return codes;
        });
        foreach (var code in codes) Changed?.Invoke(code);
        return codes.Count;
    }

    private static Link ToLink(LinkRow r) => new(r.Code, r.ProgramId, r.PublisherId, r.Destination, r.Sub1, r.Sub2, r.Sub3, r.Sub4, r.Sub5, r.Suspended, r.Name);

    /// <summary>A link's name as stored: trimmed, 1 to 100 characters without control characters; null or blank is no name.</summary>
    private static string? Name(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        name = name.Trim();
        if (name.Length > MaxNameLength) throw ProblemException.Invalid("name", $"is longer than {MaxNameLength} characters");
        if (name.Any(char.IsControl)) throw ProblemException.Invalid("name", "has a control character");
        return name;
    }

    private static void CheckSub(int index, string? value)
    {
        if (value is { Length: > 255 }) throw ProblemException.Invalid($"sub{index}", "is longer than 255 characters");
        if (value is not null && value.Any(char.IsControl)) throw ProblemException.Invalid($"sub{index}", "has a control character");
    }

    /// <summary>Ten characters from an alphabet without look-alikes (0/O, 1/l/I): about 57 bits.</summary>
    private static string NewCode() => RandomNumberGenerator.GetString(Alphabet, 10);

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class LinkRow
    {
        public string Code { get; set; } = "";
        public string ProgramId { get; set; } = "";
        public string PublisherId { get; set; } = "";
        public string Destination { get; set; } = "";
        public string? Sub1 { get; set; }
        public string? Sub2 { get; set; }
        public string? Sub3 { get; set; }
        public string? Sub4 { get; set; }
        public string? Sub5 { get; set; }
        public bool Suspended { get; set; }
        public string? Name { get; set; }
    }
#pragma warning restore CA1812
}
