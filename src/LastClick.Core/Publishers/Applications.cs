using System.Security.Cryptography;
using System.Text.Json;
using LastClick.Access;
using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;

namespace LastClick.Publishers;

/// <summary>A place the publisher sends traffic from (E1): a site, a social account or an app, with its URL.</summary>
public sealed record Channel(string Kind, string Url);

/// <summary>What a publisher tells the program about itself (E1), and the time zone its days are counted in (IANA id; UTC when none).</summary>
public sealed record PublisherProfile(
    string ContactName, string Email, string Country, IReadOnlyList<Channel> Channels, string Niche,
    string MainTrafficSource, IReadOnlyList<string> TrafficSources, IReadOnlyList<string> TargetGeos, string? TimeZone = null)
{
    /// <summary>The zone the publisher's reports and charts count days in.</summary>
    public TimeZoneInfo Zone() => TimeZone is { Length: > 0 } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}

/// <summary>
/// Where the money goes (D3): a bank transfer, SEPA (IBAN, EUR) or international wire (<see cref="Account"/>: an IBAN or
/// account number; <see cref="Bic"/> is the SWIFT/BIC). <see cref="Currency"/> is what the bank pays in (EUR for SEPA;
/// null for a wire in the program's own currency). Checked by <see cref="Payouts.PayoutDetailsRules"/>.
/// </summary>
public sealed record PayoutDetails(string Method, string AccountHolder, string Iban, string? Bic, string? BankName,
    string? Account = null, string? BankAddress = null, string? Currency = null, PostalAddress? Address = null, string? VatId = null)
{
    /// <summary>The last four characters of the account, all a screen or a notice shows of it.</summary>
    public string AccountTail => (Iban.Length > 0 ? Iban : Account ?? "") is { Length: >= 4 } a ? a[^4..] : "";
}

/// <summary>A postal address: the wire's beneficiary, the self-billing invoice's supplier.</summary>
public sealed record PostalAddress(string Street, string? PostalCode, string City, string Country);

public sealed record ApplicationView(
    string PublisherId, string ProgramId, string Status, string? ReasonCode, string? Message, string? DecidedBy, DateTimeOffset? DecidedAt, DateTimeOffset AppliedAt);

/// <summary>A publisher as the moderation queue and the operator see it.</summary>
public sealed record PublisherRecord(string Id, string Status, string TrafficType, int? Ranking, bool PayoutDetailsComplete, PublisherProfile? Profile,
    PayoutDetails? Payout, DateTimeOffset CreatedAt);

/// <summary>Reason codes of a moderation decision (E3), and those the platform gives by itself.</summary>
public static class DecisionReasons
{
    public const string NoVisibleChannel = "no_visible_channel";
    public const string UnclearTrafficSource = "unclear_traffic_source";
    public const string ThinOrCopiedContent = "thin_or_copied_content";
    public const string ProhibitedSource = "prohibited_source";
    public const string Other = "other";

    /// <summary>What a moderator may reject with.</summary>
    public static readonly IReadOnlyList<string> Rejections = [NoVisibleChannel, UnclearTrafficSource, ThinOrCopiedContent, ProhibitedSource, Other];

    /// <summary>An approval needs no reason; the platform's own acceptance of a Top-N publisher (E2) says so.</summary>
    public const string TopRanked = "top_ranked";
    public const string Moderated = "moderated";
}

public static class ApplicationStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
}

/// <summary>
/// Applications and moderation (E1–E4). A sign-up makes a pending publisher, its account and one application per
/// program asked for. Each application is decided at once when it can be — declined when it names a source the program
/// prohibits (E4), accepted when the publisher is in the program's Top N of the Affiliate Ranking (E2) — and otherwise
/// waits for a moderator, who approves or rejects it with a reason code and a message the applicant sees (E3).
/// Publishers made before applications existed (operator API, replays) have none and count as members of every program.
/// </summary>
public sealed class Applications(Store store, ProgramCatalog programs, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly IReadOnlyList<string> ChannelKinds = ["site", "social", "app"];

    /// <summary>Checks a profile; the error names the field as the form calls it.</summary>
    public static PublisherProfile Validate(PublisherProfile p)
    {
        if (string.IsNullOrWhiteSpace(p.ContactName) || p.ContactName.Length > 200) throw ProblemException.Invalid("contactName", "is required (at most 200 characters)");
        var email = Accounts.ValidEmail(p.Email);
        var country = (p.Country ?? "").Trim().ToUpperInvariant();
        if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)) throw ProblemException.Invalid("country", "must be a two-letter country code (DE)");
        if (p.Channels.Count == 0) throw ProblemException.Invalid("channels[0].url", "name at least one site, social account or app");
        if (p.Channels.Count > 20) throw ProblemException.Invalid("channels", "at most 20 channels");
        var channels = p.Channels.Select((c, i) =>
        {
            if (!ChannelKinds.Contains(c.Kind)) throw ProblemException.Invalid($"channels[{i}].kind", $"one of {string.Join(", ", ChannelKinds)}");
            if (!Uri.TryCreate(c.Url?.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0 || c.Url!.Length > 500)
            {
                throw ProblemException.Invalid($"channels[{i}].url", "must be an http(s) address like https://example.com/blog");
            }
            return new Channel(c.Kind, url.ToString());
        }).ToList();
        if (string.IsNullOrWhiteSpace(p.Niche) || p.Niche.Length > 200) throw ProblemException.Invalid("niche", "is required (at most 200 characters)");
        if (!TrafficTypes.All.Contains(p.MainTrafficSource)) throw ProblemException.Invalid("mainTrafficSource", $"one of {string.Join(", ", TrafficTypes.All)}");
        foreach (var (source, i) in p.TrafficSources.Select((s, i) => (s, i)))
        {
            if (!TrafficTypes.All.Contains(source)) throw ProblemException.Invalid($"trafficSources[{i}]", $"unknown traffic source '{source}' (one of {string.Join(", ", TrafficTypes.All)})");
        }
        var geos = p.TargetGeos.Select(g => g.Trim().ToUpperInvariant()).Where(g => g.Length > 0).Distinct().ToList();
        if (geos.Count == 0) throw ProblemException.Invalid("targetGeos", "name at least one country (DE, FR, …)");
        foreach (var (g, i) in geos.Select((g, i) => (g, i)))
        {
            if (g.Length != 2 || !g.All(char.IsAsciiLetterUpper)) throw ProblemException.Invalid($"targetGeos[{i}]", $"'{g}' is not a two-letter country code");
        }
        var sources = p.TrafficSources.Append(p.MainTrafficSource).Distinct().ToList();
        var zone = string.IsNullOrWhiteSpace(p.TimeZone) ? "UTC" : p.TimeZone.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found)) throw ProblemException.Invalid("timeZone", $"unknown time zone '{zone}' (an IANA name like Europe/Berlin)");
        return new PublisherProfile(p.ContactName.Trim(), email, country, channels, p.Niche.Trim(), p.MainTrafficSource, sources, geos, found.Id);
    }

    public static PayoutDetails? ValidatePayout(PayoutDetails? d) => d is null ? null : Payouts.PayoutDetailsRules.Validate(d);

    /// <summary>
    /// A sign-up (E1): the publisher, its account (password hashed by the caller) and its applications, in one
    /// transaction; nothing is written when any part is wrong. Returns the new publisher's id.
    /// </summary>
    public string Apply(PublisherProfile profile, PayoutDetails? payout, IReadOnlyList<string> programIds, string passwordHash, Accounts accounts) => store.InSession(s =>
    {
        var p = Validate(profile);
        var details = ValidatePayout(payout);
        var chosen = Programs(programIds);
        var id = $"pub_{RandomNumberGenerator.GetHexString(10, lowercase: true)}";
        var now = clock.GetUtcNow();
        s.Execute("""
            INSERT INTO publishers (id, traffic_type, ranking, payout_details_complete, created_at, status, profile, payout_details)
            VALUES (@id, @traffic, NULL, @complete, @at, 'pending', @profile, @payout)
            """, new { id, traffic = p.MainTrafficSource, complete = Payouts.PayoutDetailsRules.IsComplete(details), at = Times.ToMicros(now),
                profile = JsonSerializer.Serialize(p, Json), payout = details is null ? null : JsonSerializer.Serialize(details, Json) });
        accounts.Create(s, p.Email, p.ContactName, passwordHash, AccountRoles.Publisher, id, actor: p.Email);
        foreach (var program in chosen) Open(s, id, p, ranking: null, program, now, p.Email);
        AuditLog.Append(s, now, p.Email, "application.submitted", $"publisher:{id}", $"programs {string.Join(", ", chosen.Select(c => c.Id))}");
        foreach (var program in chosen) Applied(s, now, id, program.Id, p);
        return id;
    });

    /// <summary>An existing publisher asks to join another program: decided at once by E4 and E2 when it can be.</summary>
    public ApplicationView ApplyTo(string publisherId, string programId, string actor) => store.InSession(s =>
    {
        var program = programs.Get(programId, "program");
        LockPublisher(s, publisherId);
        var publisher = Find(s, publisherId) ?? throw new ProblemException(Problem.NotFound("publisher", $"unknown publisher '{publisherId}'"));
        if (publisher.Profile is null) throw ProblemException.Invalid("profile", "complete the profile (channels, traffic sources, target GEOs) before applying");
        var existing = For(s, publisherId).FirstOrDefault(a => a.ProgramId == programId);
        if (existing is { Status: not ApplicationStatus.Rejected })
        {
            throw new ProblemException(Problem.Conflict("program", $"there is already an application to {programId}"));
        }
        var now = clock.GetUtcNow();
        // A rejected publisher may apply again (with its profile as it stands now): the rejection stays in the audit
        // trail, the application is pending again.
        if (existing is not null)
        {
            s.Execute("DELETE FROM applications WHERE publisher_id = @publisherId AND program_id = @programId AND status = @Rejected",
                new { publisherId, programId, ApplicationStatus.Rejected });
        }
        Open(s, publisherId, publisher.Profile, publisher.Ranking, program, now, actor);
        AuditLog.Append(s, now, actor, existing is null ? "application.submitted" : "application.resubmitted", $"publisher:{publisherId}", $"program {programId}");
        Applied(s, now, publisherId, programId, publisher.Profile);
        return For(s, publisherId).Single(a => a.ProgramId == programId);
    });

    /// <summary>E4 then E2: the decision the platform makes by itself, or null (a moderator decides).</summary>
    public static (string Status, string Reason, string Message)? Automatic(PublisherProfile profile, int? ranking, ProgramDefinition program)
    {
        if (Prohibited(profile, program) is { } prohibited) return (ApplicationStatus.Rejected, DecisionReasons.ProhibitedSource, prohibited.Message);
        if (ranking is { } r && r <= program.AutoAcceptRanking)
        {
            return (ApplicationStatus.Approved, DecisionReasons.TopRanked, $"Accepted at once: #{r} of the Affiliate Ranking (the Top {program.AutoAcceptRanking} join without moderation).");
        }
        return null;
    }

    /// <summary>E4: the first declared traffic source or channel the program prohibits, with the form's field name.</summary>
    public static (string Field, string Message)? Prohibited(PublisherProfile profile, ProgramDefinition program)
    {
        for (var i = 0; i < profile.TrafficSources.Count; i++)
        {
            if (program.Prohibited.TrafficSources.Contains(profile.TrafficSources[i]))
            {
                return ($"trafficSources[{i}]", $"{program.Name} does not accept {profile.TrafficSources[i].Replace('_', ' ')} traffic.");
            }
        }
        for (var i = 0; i < profile.Channels.Count; i++)
        {
            if (program.Prohibited.RuleFor(new Uri(profile.Channels[i].Url)) is { } rule) return ($"channels[{i}].url", $"{profile.Channels[i].Url}: {rule.Reason}.");
        }
        return null;
    }

    private static void Open(DbSession s, string publisherId, PublisherProfile profile, int? ranking, ProgramDefinition program, DateTimeOffset now, string actor)
    {
        var decided = Automatic(profile, ranking, program);
        var inserted = s.Execute("""
            INSERT INTO applications (publisher_id, program_id, status, reason_code, message, decided_by, decided_at, applied_at)
            VALUES (@publisherId, @program, @status, @reason, @message, @by, @decidedAt, @at)
            ON CONFLICT (publisher_id, program_id) DO NOTHING
            """, new
        {
            publisherId, program = program.Id, status = decided?.Status ?? ApplicationStatus.Pending, reason = decided?.Reason, message = decided?.Message,
            by = decided is null ? null : "system", decidedAt = decided is null ? (long?)null : Times.ToMicros(now), at = Times.ToMicros(now),
        });
        if (inserted == 0) throw new ProblemException(Problem.Conflict("program", $"there is already an application to {program.Id}"));
        if (decided is { } d)
        {
            AuditLog.Append(s, now, "system", $"application.{d.Status}", $"publisher:{publisherId}", $"{program.Id}: {d.Reason} — {d.Message}");
            Decided(s, now, publisherId, program.Id, d.Status, d.Reason, d.Message);
        }
        Settle(s, publisherId);
    }

    /// <summary>
    /// A moderator's decision on a pending application (E3). A rejection needs a reason code and a message the applicant
    /// reads; an approval may carry a message. Deciding an application that is not pending is a conflict.
    /// </summary>
    public ApplicationView Decide(string publisherId, string programId, bool approve, string? reason, string? message, string actor) => store.InSession(s =>
    {
        // The publisher's row first: two decisions on two programs of one publisher settle its status one after the other.
        LockPublisher(s, publisherId);
        var status = s.QuerySingleOrDefault<string>(
            "SELECT status FROM applications WHERE publisher_id = @publisherId AND program_id = @programId", new { publisherId, programId })
            ?? throw new ProblemException(Problem.NotFound("application", $"no application of '{publisherId}' to '{programId}'"));
        if (status != ApplicationStatus.Pending) throw new ProblemException(Problem.Conflict("application", $"the application was already {status}"));
        message = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        if (message is { Length: > 2000 }) throw ProblemException.Invalid("message", "at most 2000 characters");
        if (approve)
        {
            if (reason is not null && reason != DecisionReasons.Moderated) throw ProblemException.Invalid("reason", "an approval takes no reason code");
            reason = DecisionReasons.Moderated;
        }
        else
        {
            if (reason is null || !DecisionReasons.Rejections.Contains(reason))
            {
                throw ProblemException.Invalid("reason", $"a rejection needs a reason code (one of {string.Join(", ", DecisionReasons.Rejections)})");
            }
            if (message is null) throw ProblemException.Invalid("message", "tell the applicant why (they read this message)");
        }
        var now = clock.GetUtcNow();
        var decided = approve ? ApplicationStatus.Approved : ApplicationStatus.Rejected;
        s.Execute("""
            UPDATE applications SET status = @decided, reason_code = @reason, message = @message, decided_by = @actor, decided_at = @at
            WHERE publisher_id = @publisherId AND program_id = @programId
            """, new { decided, reason, message, actor, at = Times.ToMicros(now), publisherId, programId });
        AuditLog.Append(s, now, actor, $"application.{decided}", $"publisher:{publisherId}", $"{programId}: {reason}{(message is null ? "" : $" — {message}")}");
        Decided(s, now, publisherId, programId, decided, reason, message);
        Settle(s, publisherId);
        return For(s, publisherId).Single(a => a.ProgramId == programId);
    });

    /// <summary>On PostgreSQL, holds the publisher's row for the transaction (SQLite's writer holds the whole store already).</summary>
    private static void LockPublisher(DbSession s, string publisherId)
    {
        if (s.Provider == StoreProvider.Postgres) s.Query<string>("SELECT id FROM publishers WHERE id = @publisherId FOR UPDATE", new { publisherId });
    }

    /// <summary>The publisher's own status follows its applications: approved when one is, pending while one waits.</summary>
    private static void Settle(DbSession s, string publisherId)
    {
        var statuses = s.Query<string>("SELECT status FROM applications WHERE publisher_id = @publisherId", new { publisherId });
        var status = statuses.Contains(ApplicationStatus.Approved) ? ApplicationStatus.Approved
            : statuses.Contains(ApplicationStatus.Pending) ? ApplicationStatus.Pending : ApplicationStatus.Rejected;
        s.Execute("UPDATE publishers SET status = @status WHERE id = @publisherId", new { status, publisherId });
    }

    /// <summary>
    /// Whether the publisher may build links to the program: an approved application to it, or — for a publisher
    /// that never applied (made by the operator API or a replay) — membership of every program.
    /// </summary>
    public static string? MembershipProblem(DbSession s, string publisherId, string programId)
    {
        var rows = For(s, publisherId);
        if (rows.Count == 0) return null;
        return rows.FirstOrDefault(r => r.ProgramId == programId)?.Status switch
        {
            ApplicationStatus.Approved => null,
            ApplicationStatus.Pending => $"your application to {programId} is waiting for moderation",
            ApplicationStatus.Rejected => $"your application to {programId} was rejected",
            _ => $"you are not a member of {programId}: apply to it first",
        };
    }

    public IReadOnlyList<ApplicationView> For(string publisherId) => store.Read(s => For(s, publisherId));

    public static IReadOnlyList<ApplicationView> For(DbSession s, string publisherId) => s.Query<Row>(
        $"{SelectApplications} WHERE publisher_id = @publisherId ORDER BY program_id", new { publisherId }).Select(Map).ToList();

    /// <summary>The moderation queue: pending applications, oldest first.</summary>
    public IReadOnlyList<(ApplicationView Application, PublisherRecord Publisher)> Queue(int limit = 200) => store.Read(s =>
    {
        var waiting = s.Query<Row>($"{SelectApplications} WHERE status = 'pending' ORDER BY applied_at, publisher_id, program_id LIMIT @limit", new { limit });
        // Their publishers in one query.
        var publishers = s.Query<PublisherRow>($"{SelectPublishers} WHERE id IN (SELECT publisher_id FROM applications WHERE status = 'pending' ORDER BY applied_at, publisher_id, program_id LIMIT @limit)", new { limit })
            .Select(Map).ToDictionary(p => p.Id, StringComparer.Ordinal);
        return (IReadOnlyList<(ApplicationView, PublisherRecord)>)waiting.Select(r => (Map(r), publishers[r.PublisherId])).ToList();
    });

    /// <summary>How many applications wait for a moderator.</summary>
    public long Pending() => store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM applications WHERE status = 'pending'"));

    public PublisherRecord? Find(string publisherId) => store.Read(s => Find(s, publisherId));

    public static PublisherRecord? Find(DbSession s, string publisherId) =>
        s.QuerySingleOrDefault<PublisherRow>($"{SelectPublishers} WHERE id = @publisherId", new { publisherId }) is { } r ? Map(r) : null;

    public IReadOnlyList<PublisherRecord> Publishers(string? status, int limit, int offset) => store.Read(s => (IReadOnlyList<PublisherRecord>)s.Query<PublisherRow>(
        status is null ? $"{SelectPublishers} ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset"
            : $"{SelectPublishers} WHERE status = @status ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset", new { status, limit, offset })
        .Select(Map).ToList());

    /// <summary>The publisher changes its profile and payout details (from the dashboard).</summary>
    public void UpdateProfile(string publisherId, PublisherProfile profile, PayoutDetails? payout, string actor) => store.InSession(s =>
    {
        var p = Validate(profile);
        var details = ValidatePayout(payout);
        LockPublisher(s, publisherId);
        var before = Find(s, publisherId) ?? throw new ProblemException(Problem.NotFound("publisher", $"unknown publisher '{publisherId}'"));
        if (p.Email != before.Profile?.Email && before.Profile is not null) throw ProblemException.Invalid("email", "the contact email is the sign-in email and cannot be changed here");
        // E4 holds after acceptance too: a channel or source a program of the publisher prohibits is refused here.
        foreach (var application in For(s, publisherId).Where(a => a.Status != ApplicationStatus.Rejected))
        {
            // (A program no longer loaded has no rules to check.)
            if (programs.All.FirstOrDefault(x => x.Id == application.ProgramId) is { } program && Prohibited(p, program) is { } refused)
            {
                throw ProblemException.Invalid(refused.Field, refused.Message);
            }
        }
        s.Execute("UPDATE publishers SET traffic_type = @traffic, profile = @profile WHERE id = @publisherId",
            new { publisherId, traffic = p.MainTrafficSource, profile = JsonSerializer.Serialize(p, Json) });
        var now = clock.GetUtcNow();
        AuditLog.Append(s, now, actor, "publisher.profile_changed", $"publisher:{publisherId}", "profile");
        // Payout details: complete derived from them, a change after the first ones holds the next payout (D3).
        Payouts.PayoutService.SetDetails(s, publisherId, details, actor, now);
    });

    /// <summary>The news of a decision for the applicant (the acceptance or rejection email, the notification centre).</summary>
    private static void Decided(DbSession s, DateTimeOffset now, string publisherId, string programId, string status, string? reason, string? message) =>
        Outbox.Write(s, now, "application_decided", $"publisher:{publisherId}",
            new { publisher = publisherId, program = programId, status, reason, message, eventTime = now }, programId, publisherId);

    /// <summary>The news of an application for the operator's webhooks, with the application's status as decided at once (or pending).</summary>
    private static void Applied(DbSession s, DateTimeOffset now, string publisherId, string programId, PublisherProfile profile)
    {
        var status = s.Query<string>("SELECT status FROM applications WHERE publisher_id = @publisherId AND program_id = @programId", new { publisherId, programId }).FirstOrDefault();
        Outbox.Write(s, now, "publisher_applied", $"publisher:{publisherId}", new { publisher = publisherId, program = programId, status, country = profile.Country,
            trafficSource = profile.MainTrafficSource, eventTime = now }, programId, publisherId);
    }

    private List<ProgramDefinition> Programs(IReadOnlyList<string> programIds)
    {
        if (programIds.Count == 0) throw ProblemException.Invalid("programs", "choose at least one program");
        return programIds.Distinct().Select(id => programs.Get(id, "programs")).ToList();
    }

    private const string SelectApplications = "SELECT publisher_id, program_id, status, reason_code, message, decided_by, decided_at, applied_at FROM applications";
    private const string SelectPublishers = "SELECT id, status, traffic_type, ranking, payout_details_complete, profile, payout_details, created_at FROM publishers";

    private static ApplicationView Map(Row r) => new(r.PublisherId, r.ProgramId, r.Status, r.ReasonCode, r.Message, r.DecidedBy,
        r.DecidedAt is { } d ? Times.FromMicros(d) : null, Times.FromMicros(r.AppliedAt));

    private static PublisherRecord Map(PublisherRow r) => new(r.Id, r.Status, r.TrafficType, r.Ranking, r.PayoutDetailsComplete,
        r.Profile is null ? null : JsonSerializer.Deserialize<PublisherProfile>(r.Profile, Json),
        r.PayoutDetails is null ? null : JsonSerializer.Deserialize<PayoutDetails>(r.PayoutDetails, Json), Times.FromMicros(r.CreatedAt));

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Row
    {
        public string PublisherId { get; set; } = "";
        public string ProgramId { get; set; } = "";
        public string Status { get; set; } = "";
        public string? ReasonCode { get; set; }
        public string? Message { get; set; }
        public string? DecidedBy { get; set; }
        public long? DecidedAt { get; set; }
        public long AppliedAt { get; set; }
    }

    private sealed class PublisherRow
    {
        public string Id { get; set; } = "";
        public string Status { get; set; } = "";
        public string TrafficType { get; set; } = "";
        public int? Ranking { get; set; }
        public bool PayoutDetailsComplete { get; set; }
        public string? Profile { get; set; }
        public string? PayoutDetails { get; set; }
        public long CreatedAt { get; set; }
    }
#pragma warning restore CA1812
}
