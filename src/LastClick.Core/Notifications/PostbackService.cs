using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LastClick.Common;
using LastClick.Data;
using LastClick.Orders;
using LastClick.Programs;

namespace LastClick.Notifications;

public sealed record PostbackAttemptView(DateTimeOffset At, string Url, int? HttpStatus, long LatencyMs, string? Error, string? Excerpt);

public sealed record PostbackDeliveryView(long Id, long MessageId, string Event, string? OrderId, string ProgramId, string Status, int Attempts,
    DateTimeOffset? NextAt, DateTimeOffset CreatedAt, IReadOnlyList<PostbackAttemptView> Log);

/// <summary>
/// Publisher postbacks (I2) from the outbox: settings and secrets; a dispatcher that turns each order message into a
/// job per matching setting (a cursor over the outbox, in one transaction with the jobs); a sender that claims due jobs
/// with a lease (so a crash mid-delivery delivers again later, with the same event id), sends them through
/// <see cref="OutboundPolicy"/>, logs every attempt, retries with exponential backoff and jitter for 72 hours, then
/// gives up (dead). At least once: receivers deduplicate by <c>event_id</c>.
/// </summary>
public sealed class PostbackService(Store store, ProgramCatalog programs, TimeProvider clock)
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(72);
    /// <summary>How long a sender holds the jobs it claimed: a sender that dies, its jobs are sent again after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    public const int ResponseExcerpt = 500;
    public const int MaxResponseBytes = 64 * 1024;

    public OutboundPolicy Policy { get; set; } = OutboundPolicy.PublicOnly;

    /// <summary>The operator's webhooks (integrations) are settings of this "publisher".</summary>
    public const string Operator = "*";

    /// <summary>What the operator's webhooks may ask for, and the outbox kind each comes from.</summary>
    public static readonly IReadOnlyDictionary<string, string> OperatorEvents = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["order_attributed"] = OrderService.News.Created, ["claim_filed"] = "claim_filed", ["publisher_applied"] = "publisher_applied", ["payout_planned"] = "payout_planned",
    };

    /// <summary>The first retry's delay; each next one doubles (capped at six hours), ±20% jitter.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(30);

    public static TimeSpan Backoff(int attempts, TimeSpan first, double jitter) =>
        TimeSpan.FromTicks((long)(Math.Min(first.Ticks * Math.Pow(2, Math.Max(0, attempts - 1)), TimeSpan.FromHours(6).Ticks) * (0.8 + 0.4 * jitter)));

    // ---- Settings -----------------------------------------------------------------------------------------------

    public async Task<PostbackSetting> SaveAsync(string publisherId, string url, string? method, IReadOnlyList<string>? events, string? programId, CancellationToken cancel = default)
    {
        var program = programId is null ? "" : programs.Get(programId, "program").Id;
        var webhook = publisherId == Operator;
        var verb = (method ?? (webhook ? "POST" : "GET")).ToUpperInvariant();
        if (!Postbacks.Methods.Contains(verb) || webhook && verb != "POST") throw ProblemException.Invalid("method", webhook ? "a webhook is a POST" : "GET or POST");
        var known = webhook ? [.. OperatorEvents.Keys] : OrderService.News.Events;
        var chosen = events is null || events.Count == 0 ? known : events;
        if (chosen.FirstOrDefault(e => !known.Contains(e)) is { } unknown)
        {
            throw ProblemException.Invalid("events", $"'{unknown}' is not one of {string.Join(", ", known)}");
        }
        await Policy.CheckAsync(url, "url", cancel).ConfigureAwait(false);
        var setting = new PostbackSetting(publisherId, program, url, verb, [.. chosen.Distinct()]);
        store.InSession(s =>
        {
            s.Execute("""
                INSERT INTO postback_settings (publisher_id, program_id, url, method, events, updated_at) VALUES (@PublisherId, @ProgramId, @Url, @Method, @events, @now)
                ON CONFLICT (publisher_id, program_id) DO UPDATE SET url = excluded.url, method = excluded.method, events = excluded.events, updated_at = excluded.updated_at
                """, new { setting.PublisherId, setting.ProgramId, setting.Url, setting.Method, events = string.Join(',', setting.Events), now = Times.ToMicros(clock.GetUtcNow()) });
            Secret(s, publisherId);
            AuditLog.Append(s, clock.GetUtcNow(), publisherId, "postback.saved", $"publisher:{publisherId}",
                $"{setting.Method} {Redact(setting.Url)} for {(program.Length == 0 ? "every program" : program)}: {string.Join(", ", setting.Events)}");
        });
        return setting;
    }

    public IReadOnlyList<PostbackSetting> Settings(string publisherId) => store.Read(s => Settings(s, publisherId));

    private static List<PostbackSetting> Settings(DbSession s, string publisherId) =>
        s.Query<SettingRow>("SELECT publisher_id, program_id, url, method, events FROM postback_settings WHERE publisher_id = @publisherId ORDER BY program_id", new { publisherId })
            .Select(r => new PostbackSetting(r.PublisherId, r.ProgramId, r.Url, r.Method, r.Events.Split(',', StringSplitOptions.RemoveEmptyEntries))).ToList();

    public bool Remove(string publisherId, string? programId) => store.InSession(s =>
        s.Execute("DELETE FROM postback_settings WHERE publisher_id = @publisherId AND program_id = @program", new { publisherId, program = programId ?? "" }) > 0);

    /// <summary>The publisher's signing secrets: the current one, and the previous while a rotation is under way.</summary>
    public (string Secret, string? Previous) Secrets(string publisherId) => store.InSession(s => Secret(s, publisherId));

    private (string Secret, string? Previous) Secret(DbSession s, string publisherId)
    {
        if (s.QuerySingleOrDefault<SecretRow>("SELECT secret, previous_secret FROM postback_secrets WHERE publisher_id = @publisherId", new { publisherId }) is { } row)
        {
            return (row.Secret, row.PreviousSecret);
        }
        var secret = Postbacks.NewSecret();
        s.Execute("INSERT INTO postback_secrets (publisher_id, secret, previous_secret, rotated_at) VALUES (@publisherId, @secret, NULL, @now) ON CONFLICT (publisher_id) DO NOTHING",
            new { publisherId, secret, now = Times.ToMicros(clock.GetUtcNow()) });
        return (s.Query<string>("SELECT secret FROM postback_secrets WHERE publisher_id = @publisherId", new { publisherId }).Single(), null);
    }

    /// <summary>A new secret; the old one stays valid (as the previous) until the next rotation.</summary>
    public (string Secret, string? Previous) Rotate(string publisherId) => store.InSession(s =>
    {
        var (current, _) = Secret(s, publisherId);
        var secret = Postbacks.NewSecret();
        s.Execute("UPDATE postback_secrets SET secret = @secret, previous_secret = @current, rotated_at = @now WHERE publisher_id = @publisherId",
            new { publisherId, secret, current, now = Times.ToMicros(clock.GetUtcNow()) });
        AuditLog.Append(s, clock.GetUtcNow(), publisherId, "postback.secret_rotated", $"publisher:{publisherId}", "the previous secret stays valid until the next rotation");
        return (secret, current);
    });

    /// <summary>A test postback: a message like an order's (order_id "test-…") queued to every setting of the publisher.</summary>
    public IReadOnlyList<long> Test(string publisherId) => store.InSession(s =>
    {
        var settings = Settings(s, publisherId);
        if (settings.Count == 0) throw ProblemException.Invalid("url", "set a postback URL first (PUT /api/v1/postbacks)");
        var now = clock.GetUtcNow();
        var jobs = new List<long>();
        foreach (var setting in settings)
        {
            var program = setting.ProgramId.Length > 0 ? setting.ProgramId : programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).First().Id;
            // Its own id: another test of the publisher's at the same moment writes a message of the same kind.
            var message = Outbox.WriteReturningId(s, now, "postback_test", $"publisher:{publisherId}", new
            {
                @event = "test", orderId = $"test-{now.ToUnixTimeMilliseconds()}", clickId = "test-click", sub1 = "test", status = "pending",
                commission = "1.00", currency = "USD", amount = "10.00", program, publisher = publisherId, eventTime = now,
            }, program, publisherId);
            jobs.Add(s.Scalar<long>("""
                INSERT INTO postback_jobs (message_id, publisher_id, program_id, status, attempts, next_at, created_at)
                VALUES (@message, @publisherId, @ProgramId, 'pending', 0, @now, @now) RETURNING id
                """, new { message, publisherId, setting.ProgramId, now = Times.ToMicros(now) }));
        }
        AuditLog.Append(s, now, publisherId, "postback.test_sent", $"publisher:{publisherId}", $"deliveries {string.Join(", ", jobs)}");
        return jobs;
    });

    // ---- Dispatch: outbox → jobs ------------------------------------------------------------------------------------

    /// <summary>Queues a job for each order message past the cursor that a publisher's setting asks for; moves the cursor. Returns the jobs queued.</summary>
    public int Dispatch(int batch = 1000) => DispatchInSession(batch).Queued;

    /// <summary>What dispatching did: messages read past the cursor, and jobs queued for them.</summary>
    public readonly record struct Dispatched(int Read, int Queued);

    /// <summary>
    /// What a node that takes orders runs: rounds of <paramref name="batch"/> messages until one reads fewer. A round
    /// that queued nothing may still have read a full batch, so the rounds go on; a round short of a batch has caught
    /// up, so a steady flow of orders cannot hold the worker here while deliveries wait. On SQLite a round's messages and
    /// settings are read from a snapshot, and its jobs and the cursor's move are a piece of the orders' group commit
    /// (messages another dispatcher took meanwhile are skipped), so the dispatcher never holds the file's one write lock
    /// between two of the orders' batches (as <see cref="NewsService.RouteAllAsync"/>). On PostgreSQL each round is a
    /// transaction of its own, as <see cref="Dispatch"/>. Returns the totals.
    /// </summary>
    public async Task<Dispatched> DispatchAllAsync(GroupCommit commits, int batch = 1000)
    {
        ArgumentNullException.ThrowIfNull(commits);
        var (read, queued) = (0, 0);
        Dispatched round;
        do
        {
            round = store.Provider == StoreProvider.Sqlite ? await DispatchInBatchAsync(commits, batch).ConfigureAwait(false) : DispatchInSession(batch);
            (read, queued) = (read + round.Read, queued + round.Queued);
        }
        while (round.Read == batch);
        return new Dispatched(read, queued);
    }

    private async Task<Dispatched> DispatchInBatchAsync(GroupCommit commits, int batch)
    {
        var plan = store.Read(s => Plan(s, batch));
        if (plan.Read == 0) return default;
        return new Dispatched(plan.Read, await commits.RunAsync(s => Write(s, plan)).ConfigureAwait(false));
    }

    private Dispatched DispatchInSession(int batch) => store.InSession(s =>
    {
        if (s.Provider == StoreProvider.Postgres) s.Execute("SELECT pg_advisory_xact_lock(7142038)");
        var plan = Plan(s, batch);
        return new Dispatched(plan.Read, Write(s, plan));
    });

    /// <summary>The jobs the messages past the cursor call for, by their publishers' settings, and where the cursor goes.</summary>
    private static DispatchPlan Plan(DbSession s, int batch)
    {
        var messages = Outbox.Past<MessageRow>(s, "postbacks", "id, kind, program_id, publisher_id", batch);
        if (messages.Count == 0) return new DispatchPlan(0, default, []);
        var settings = new Dictionary<string, List<PostbackSetting>>(StringComparer.Ordinal);
        var jobs = new List<PlannedJob>();
        void Queue(MessageRow m, string audience, string eventName)
        {
            if (!settings.TryGetValue(audience, out var mine)) settings[audience] = mine = Settings(s, audience);
            var setting = mine.FirstOrDefault(x => x.ProgramId == m.ProgramId) ?? mine.FirstOrDefault(x => x.ProgramId.Length == 0);
            if (setting is not null && setting.Events.Contains(eventName)) jobs.Add(new PlannedJob(m.Position, m.Id, audience, setting.ProgramId));
        }
        foreach (var m in messages)
        {
            if (m.PublisherId is not null && m.Kind.StartsWith("order_", StringComparison.Ordinal)) Queue(m, m.PublisherId, m.Kind["order_".Length..]);
            if (OperatorEvents.FirstOrDefault(e => e.Value == m.Kind) is { Key: { } operatorEvent }) Queue(m, Operator, operatorEvent);
        }
        return new DispatchPlan(messages.Count, messages[^1].Position, jobs);
    }

    /// <summary>Queues the plan's jobs of messages still past the cursor and moves it; returns the jobs queued.</summary>
    private int Write(DbSession s, DispatchPlan plan)
    {
        if (plan.Read == 0) return 0;
        var current = Outbox.Cursor(s, "postbacks");
        var now = Times.ToMicros(clock.GetUtcNow());
        var queued = 0;
        foreach (var job in plan.Jobs.Where(j => j.Position > current))
        {
            queued += s.Execute("""
                INSERT INTO postback_jobs (message_id, publisher_id, program_id, status, attempts, next_at, created_at)
                VALUES (@MessageId, @Audience, @ProgramId, 'pending', 0, @now, @now) ON CONFLICT (message_id, publisher_id, program_id) DO NOTHING
                """, new { job.MessageId, job.Audience, job.ProgramId, now });
        }
        Outbox.MoveCursor(s, "postbacks", plan.Last);
        return queued;
    }

    private sealed record PlannedJob(Outbox.Position Position, long MessageId, string Audience, string ProgramId);

    private sealed record DispatchPlan(int Read, Outbox.Position Last, List<PlannedJob> Jobs);

    // ---- Delivery ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// The client deliveries go through: no automatic redirects (each is checked), and a connect step that resolves the
    /// host itself and connects only to an address the policy admits — what was checked is what is connected to (DNS
    /// rebinding between the check and the connection finds nothing to reach).
    /// </summary>
    public static HttpClient CreateClient(OutboundPolicy policy) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ConnectCallback = async (context, cancel) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancel).ConfigureAwait(false);
            var target = addresses.FirstOrDefault(policy.MayConnect)
                ?? throw new HttpRequestException($"refused: {host} resolves only to addresses outbound requests may not reach");
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), cancel).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    }) { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Claims up to <paramref name="batch"/> due jobs, sends them (at most four at a time per host), records each attempt. Returns how many were sent.</summary>
    public async Task<int> DeliverDueAsync(HttpClient http, int batch = 50, CancellationToken cancel = default)
    {
        var claimed = store.InSession(s => Claim(s, batch));
        if (claimed.Count == 0) return 0;
        var outcomes = await SendAllAsync(http, claimed, cancel).ConfigureAwait(false);
        // One transaction for the batch's results: the writer (SQLite has one) is taken once, not once per postback.
        store.InSession(s => Record(s, outcomes));
        return claimed.Count;
    }

    /// <summary>
    /// What a node that takes orders runs: batches of <paramref name="batch"/> due postbacks, claimed, sent and recorded
    /// as <see cref="DeliverDueAsync(HttpClient, int, CancellationToken)"/> does, until a claim finds none due; returns
    /// how many were sent. A batch's results and the next batch's claim are written together. On SQLite that write is a
    /// piece of the orders' group commit (as <see cref="DispatchAllAsync"/>), not a write session of its own waiting its
    /// turn at the file's write lock between two batches of orders, and a batch waits for one commit of theirs, not two.
    /// </summary>
    /// <remarks>
    /// A claim is answered only once its write has committed, so nothing is sent on a claim that could still roll back;
    /// when the write fails, the results are lost with it and the postbacks are sent again once their lease ends, with
    /// the same event id (at least once, as after a crash). So are those of a node stopped mid-batch.
    /// </remarks>
    public async Task<int> DeliverAllAsync(HttpClient http, GroupCommit commits, int batch = 50, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(commits);
        var sent = 0;
        var claimed = await commits.RunBesideAsync(s => Claim(s, batch)).ConfigureAwait(false);
        while (claimed.Count > 0)
        {
            var outcomes = await SendAllAsync(http, claimed, cancel).ConfigureAwait(false);
            sent += claimed.Count;
            claimed = await commits.RunBesideAsync(s =>
            {
                Record(s, outcomes);
                return Claim(s, batch);
            }).ConfigureAwait(false);
        }
        return sent;
    }

    /// <summary>Claims up to <paramref name="batch"/> due jobs for the lease (PostgreSQL: skipping those another node holds).</summary>
    private List<JobRow> Claim(DbSession s, int batch)
    {
        var now = clock.GetUtcNow();
        return s.Query<JobRow>($"""
            UPDATE postback_jobs SET next_at = @lease
            WHERE id IN (SELECT id FROM postback_jobs WHERE status = 'pending' AND next_at <= @now ORDER BY next_at, id LIMIT @batch
                         {(s.Provider == StoreProvider.Postgres ? "FOR UPDATE SKIP LOCKED" : "")})
            RETURNING id, message_id, publisher_id, program_id, attempts, created_at
            """, new { now = Times.ToMicros(now), lease = Times.ToMicros(now + Lease), batch });
    }

    /// <summary>Sends the claimed jobs, at most four at a time per host; answers each one's outcome.</summary>
    private async Task<IReadOnlyCollection<Outcome>> SendAllAsync(HttpClient http, List<JobRow> claimed, CancellationToken cancel)
    {
        var hosts = new Dictionary<string, SemaphoreSlim>(StringComparer.OrdinalIgnoreCase);
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<Outcome>();
        await Task.WhenAll(claimed.Select(async job =>
        {
            var (request, secretMissing) = Prepare(job);
            if (request is null)
            {
                outcomes.Add(new Outcome(job, null, 0, secretMissing ?? "the postback setting was removed", null, Final: true, null));
                return;
            }
            SemaphoreSlim gate;
            lock (hosts)
            {
                if (!hosts.TryGetValue(request.Url.Host, out gate!)) hosts[request.Url.Host] = gate = new SemaphoreSlim(4);
            }
            await gate.WaitAsync(cancel).ConfigureAwait(false);
            try
            {
                var (status, elapsed, error, excerpt) = await SendAsync(http, request, cancel).ConfigureAwait(false);
                outcomes.Add(new Outcome(job, status, elapsed, error, excerpt, Final: false, request.Url));
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        return outcomes;
    }

    private void Record(DbSession s, IEnumerable<Outcome> outcomes)
    {
        foreach (var o in outcomes) Record(s, o);
    }

    private sealed record Outcome(JobRow Job, int? Status, long Elapsed, string? Error, string? Excerpt, bool Final, Uri? Url);

    private (PostbackRequest? Request, string? Problem) Prepare(JobRow job) => store.Read(s =>
    {
        var setting = Settings(s, job.PublisherId).FirstOrDefault(x => x.ProgramId == job.ProgramId);
        if (setting is null) return ((PostbackRequest?)null, (string?)null);
        var payload = s.Query<string>("SELECT payload FROM outbox_messages WHERE id = @MessageId", new { job.MessageId }).Single();
        var secret = s.Query<string>("SELECT secret FROM postback_secrets WHERE publisher_id = @PublisherId", new { job.PublisherId }).FirstOrDefault();
        if (secret is null) return (null, "no signing secret");
        if (job.PublisherId == Operator)
        {
            var kind = s.Query<string>("SELECT kind FROM outbox_messages WHERE id = @MessageId", new { job.MessageId }).Single();
            var name = OperatorEvents.FirstOrDefault(e => e.Value == kind).Key ?? kind.Replace("webhook_", "", StringComparison.Ordinal).Replace("postback_", "", StringComparison.Ordinal);
            return (Postbacks.BuildWebhook(setting, name, job.MessageId, payload, secret, clock.GetUtcNow()), null);
        }
        return (Postbacks.Build(setting, Postbacks.Values(job.MessageId, payload), secret, clock.GetUtcNow()), null);
    });

    /// <summary>One attempt: 5 s timeout, at most three redirects each checked again, at most 64 KB of the answer read.</summary>
    private async Task<(int? Status, long Elapsed, string? Error, string? Excerpt)> SendAsync(HttpClient http, PostbackRequest request, CancellationToken cancel)
    {
        var watch = Stopwatch.StartNew();
        var url = request.Url;
        try
        {
            for (var hop = 0; ; hop++)
            {
                await Policy.CheckAsync(url.AbsoluteUri, "url", cancel).ConfigureAwait(false);
                using var message = new HttpRequestMessage(new HttpMethod(request.Method), url);
                message.Headers.TryAddWithoutValidation(Postbacks.SignatureHeader, request.Signature);
                message.Headers.UserAgent.ParseAdd("LastClick-Postback/1.0");
                if (request.Body is not null) message.Content = new StringContent(request.Body, Encoding.UTF8, request.ContentType!);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop == 3) return ((int)response.StatusCode, watch.ElapsedMilliseconds, "more than three redirects", null);
                    url = location.IsAbsoluteUri ? location : new Uri(url, location);
                    continue;
                }
                var buffer = new byte[MaxResponseBytes];
                var read = 0;
                await using (var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false))
                {
                    int n;
                    while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), timeout.Token).ConfigureAwait(false)) > 0) read += n;
                }
                var text = Encoding.UTF8.GetString(buffer, 0, Math.Min(read, ResponseExcerpt));
                return ((int)response.StatusCode, watch.ElapsedMilliseconds, null, text);
            }
        }
        catch (ProblemException e)
        {
            return (null, watch.ElapsedMilliseconds, $"refused: {e.Problem.Detail}", null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or SocketException)
        {
            return (null, watch.ElapsedMilliseconds, e is TaskCanceledException ? "timed out after 5 s" : e.Message, null);
        }
    }

    private void Record(DbSession s, Outcome o)
    {
        var now = clock.GetUtcNow();
        var attempts = o.Job.Attempts + 1;
        var delivered = o.Status is >= 200 and < 300;
        var dead = !delivered && (o.Final || now - Times.FromMicros(o.Job.CreatedAt) >= GiveUpAfter);
        var next = delivered || dead ? now : now + Backoff(attempts, RetryBase, Random.Shared.NextDouble());
        s.Execute("INSERT INTO postback_attempts (job_id, at, url, http_status, latency_ms, error, excerpt) VALUES (@Id, @at, @url, @Status, @Elapsed, @Error, @Excerpt)",
            new { o.Job.Id, at = Times.ToMicros(now), url = o.Url is null ? "" : Redact(o.Url.AbsoluteUri), o.Status, o.Elapsed, o.Error, o.Excerpt });
        s.Execute("UPDATE postback_jobs SET status = @state, attempts = @attempts, next_at = @next WHERE id = @Id",
            new { o.Job.Id, state = delivered ? "delivered" : dead ? "dead" : "pending", attempts, next = Times.ToMicros(next) });
    }

    /// <summary>A URL for a log: no user info, and query values of parameters that look like secrets replaced.</summary>
    public static string Redact(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return url;
        var query = string.Join("&", uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var name = p.Split('=', 2)[0];
            return name.Contains("key", StringComparison.OrdinalIgnoreCase) || name.Contains("token", StringComparison.OrdinalIgnoreCase)
                || name.Contains("secret", StringComparison.OrdinalIgnoreCase) || name.Contains("pass", StringComparison.OrdinalIgnoreCase)
                ? $"{name}=***" : p;
        }));
        return $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}{(query.Length > 0 ? "?" + query : "")}";
    }

    // ---- The log ----------------------------------------------------------------------------------------------------

    public IReadOnlyList<PostbackDeliveryView> Deliveries(string publisherId, int limit = 100, int offset = 0) => store.Read(s =>
    {
        var jobs = s.Query<JobView>("""
            SELECT j.id, j.message_id, m.kind, m.subject, j.program_id, j.status, j.attempts, j.next_at, j.created_at
            FROM postback_jobs j JOIN outbox_messages m ON m.id = j.message_id
            WHERE j.publisher_id = @publisherId ORDER BY j.id DESC LIMIT @limit OFFSET @offset
            """, new { publisherId, limit, offset });
        return (IReadOnlyList<PostbackDeliveryView>)jobs.Select(j => new PostbackDeliveryView(j.Id, j.MessageId, j.Kind.Replace("order_", "", StringComparison.Ordinal).Replace("postback_", "", StringComparison.Ordinal),
            j.Subject.StartsWith("order:", StringComparison.Ordinal) ? j.Subject["order:".Length..] : null, j.ProgramId, j.Status, (int)j.Attempts,
            j.Status == "pending" ? Times.FromMicros(j.NextAt) : null, Times.FromMicros(j.CreatedAt),
            s.Query<AttemptRow>("SELECT at, url, http_status, latency_ms, error, excerpt FROM postback_attempts WHERE job_id = @Id ORDER BY id", new { j.Id })
                .Select(a => new PostbackAttemptView(Times.FromMicros(a.At), a.Url, a.HttpStatus, a.LatencyMs, a.Error, a.Excerpt)).ToList())).ToList();
    });

    /// <summary>Sends a delivery again now (a dead one too); another publisher's is not found.</summary>
    public void Redeliver(string publisherId, long jobId) => store.InSession(s =>
    {
        if (s.Execute("UPDATE postback_jobs SET status = 'pending', next_at = @now WHERE id = @jobId AND publisher_id = @publisherId",
                new { jobId, publisherId, now = Times.ToMicros(clock.GetUtcNow()) }) == 0)
        {
            throw new ProblemException(Problem.NotFound("delivery", $"no delivery {jobId}"));
        }
        AuditLog.Append(s, clock.GetUtcNow(), publisherId, "postback.redelivered", $"publisher:{publisherId}", $"delivery {jobId}");
    });

#pragma warning disable CA1812 // instantiated by the row parser
    private sealed class SettingRow { public string PublisherId { get; set; } = ""; public string ProgramId { get; set; } = ""; public string Url { get; set; } = ""; public string Method { get; set; } = ""; public string Events { get; set; } = ""; }
    private sealed class SecretRow { public string Secret { get; set; } = ""; public string? PreviousSecret { get; set; } }
    private sealed class MessageRow { public long Id { get; set; } public string Kind { get; set; } = ""; public string? ProgramId { get; set; } public string? PublisherId { get; set; } public long Xact { get; set; } public Outbox.Position Position => new(Xact, Id); }
    private sealed class JobRow { public long Id { get; set; } public long MessageId { get; set; } public string PublisherId { get; set; } = ""; public string ProgramId { get; set; } = ""; public int Attempts { get; set; } public long CreatedAt { get; set; } }
    private sealed class JobView { public long Id { get; set; } public long MessageId { get; set; } public string Kind { get; set; } = ""; public string Subject { get; set; } = ""; public string ProgramId { get; set; } = ""; public string Status { get; set; } = ""; public long Attempts { get; set; } public long NextAt { get; set; } public long CreatedAt { get; set; } }
    private sealed class AttemptRow { public long At { get; set; } public string Url { get; set; } = ""; public int? HttpStatus { get; set; } public long LatencyMs { get; set; } public string? Error { get; set; } public string? Excerpt { get; set; } }
#pragma warning restore CA1812
}
