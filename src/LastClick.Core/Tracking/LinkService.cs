using System.Security.Cryptography;
using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;

namespace LastClick.Tracking;

/// <summary>A publisher's tracking link: a short code that redirects to a destination on the program's hosts.</summary>
public sealed record Link(
    string Code, string ProgramId, string PublisherId, string Destination,
    string? Sub1 = null, string? Sub2 = null, string? Sub3 = null, string? Sub4 = null, string? Sub5 = null);

/// <summary>Creates and finds tracking links (F1). Destinations are checked by <see cref="LinkTargets"/>.</summary>
public sealed class LinkService(Store store, ProgramCatalog programs, TimeProvider clock)
{
    private const string Alphabet = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

    public Link Create(string publisherId, string programId, string destination, params string?[] subs) =>
        store.InSession(s => Create(s, publisherId, programId, destination, subs));

    public Link Create(DbSession s, string publisherId, string programId, string destination, params string?[] subs)
    {
        var program = programs.Get(programId, "program");
        var normalized = LinkTargets.Validate(destination, program.AllowedHosts);
        if (subs.Length > 5) throw ProblemException.Invalid("sub6", "at most five sub ids (sub1…sub5)");
        for (var i = 0; i < subs.Length; i++)
        {
            if (subs[i] is { Length: > 255 }) throw ProblemException.Invalid($"sub{i + 1}", "is longer than 255 characters");
        }
        if (!Publishers.PublisherService.Exists(s, publisherId))
        {
            throw new ProblemException(Problem.NotFound("publisher", $"unknown publisher '{publisherId}'"));
        }
        string? Sub(int i) => i < subs.Length ? subs[i] : null;
        var now = Times.ToMicros(clock.GetUtcNow());
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var link = new Link(NewCode(), programId, publisherId, normalized, Sub(0), Sub(1), Sub(2), Sub(3), Sub(4));
            var inserted = s.Execute("""
                INSERT INTO links (code, program_id, publisher_id, destination, sub1, sub2, sub3, sub4, sub5, created_at, updated_at)
                VALUES (@Code, @ProgramId, @PublisherId, @Destination, @Sub1, @Sub2, @Sub3, @Sub4, @Sub5, @now, @now)
                ON CONFLICT (code) DO NOTHING
                """, new { link.Code, link.ProgramId, link.PublisherId, link.Destination, link.Sub1, link.Sub2, link.Sub3, link.Sub4, link.Sub5, now });
            if (inserted == 1) return link;
        }
        throw new InvalidOperationException("could not find a free link code in five tries");
    }

    public Link? Find(string code) => store.InSession(s => Find(s, code));

    public static Link? Find(DbSession s, string code) =>
        s.QuerySingleOrDefault<LinkRow>(
            "SELECT code, program_id, publisher_id, destination, sub1, sub2, sub3, sub4, sub5 FROM links WHERE code = @code", new { code })
        is { } r ? new Link(r.Code, r.ProgramId, r.PublisherId, r.Destination, r.Sub1, r.Sub2, r.Sub3, r.Sub4, r.Sub5) : null;

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
    }
#pragma warning restore CA1812
}
