using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LastClick.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LastClick.Server;

/// <summary>
/// Sends the reads of a GET or HEAD request to the hot standby (<c>ConnectionStrings:LastClickReplica</c>, see
/// <see cref="ReadReplica"/>): reports, feeds, best sellers, the dashboard's pages, the publisher and operator APIs'
/// reads. What stays on the primary: every write and what a write request reads (a GET that writes, such as reading a
/// support thread, reads from the primary after its write); the tracking redirect
/// (<c>/go/…</c>: a link made a moment ago on another node must work at once); <c>/healthz</c> (it checks the
/// primary); and any read of a caller whose last write the standby has not replayed yet — its position is kept in the
/// <c>lc_lsn</c> cookie (the dashboard) and, for an API key, on this node for a minute. Each answer says where its
/// reads went: <c>X-LastClick-Read: replica | primary | mixed</c>.
/// </summary>
internal sealed class ReplicaRouting(ReadReplica replica)
{
    public const string Header = "X-LastClick-Read";
    public const string Cookie = "lc_lsn";

    /// <summary>API callers' last writes (by a hash of their Authorization header): position and when.</summary>
    private readonly ConcurrentDictionary<string, (long Lsn, long At)> _writes = new(StringComparer.Ordinal);

    private static readonly TimeSpan Remembered = TimeSpan.FromMinutes(1);

    public async Task InvokeAsync(HttpContext http, Func<Task> next)
    {
        var request = http.Request;
        var reads = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        var caller = request.Headers.Authorization.ToString() is { Length: > 0 } authorization
            ? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(authorization))) : null;
        if (reads && !request.Path.StartsWithSegments("/go") && !request.Path.StartsWithSegments("/healthz"))
        {
            var intent = new ReadIntent(LastWrite(http, caller));
            ReadRouting.Current = intent;
            http.Response.OnStarting(() =>
            {
                if (intent.UsedReplica || intent.UsedPrimary)
                {
                    http.Response.Headers[Header] = intent.UsedReplica && intent.UsedPrimary ? "mixed" : intent.UsedReplica ? "replica" : "primary";
                }
                if (intent.Wrote) Wrote(http, caller);
                return Task.CompletedTask;
            });
        }
        else if (!reads)
        {
            http.Response.OnStarting(() =>
            {
                Wrote(http, caller);
                return Task.CompletedTask;
            });
        }
        await next().ConfigureAwait(false);
    }

    /// <summary>Before the answer leaves, where the primary is now: every write the request made is at or before it.</summary>
    private void Wrote(HttpContext http, string? caller)
    {
        var lsn = replica.PrimaryLsn();
        http.Response.Cookies.Append(Cookie, lsn.ToString(CultureInfo.InvariantCulture), new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = Remembered, Secure = http.Request.IsHttps,
        });
        if (caller is not null) Remember(caller, lsn);
    }

    private long? LastWrite(HttpContext http, string? caller)
    {
        long? lsn = http.Request.Cookies[Cookie] is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var cookie) ? cookie : null;
        if (caller is not null && _writes.TryGetValue(caller, out var write) && Environment.TickCount64 - write.At < Remembered.TotalMilliseconds)
        {
            lsn = Math.Max(lsn ?? 0, write.Lsn);
        }
        return lsn;
    }

    private void Remember(string caller, long lsn)
    {
        var now = Environment.TickCount64;
        _writes.AddOrUpdate(caller, (lsn, now), (_, old) => (Math.Max(old.Lsn, lsn), now));
        // Bounded: callers that wrote more than a minute ago are forgotten (the standby has long replayed them).
        if (_writes.Count > 10_000)
        {
            foreach (var (key, value) in _writes)
            {
                if (now - value.At >= Remembered.TotalMilliseconds) _writes.TryRemove(key, out _);
            }
        }
    }
}

/// <summary>Samples the standby four times a second and logs when it starts or stops serving reads.</summary>
internal sealed class ReplicaMonitor(ReadReplica replica, ILogger<ReplicaMonitor> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await replica.RunAsync(TimeSpan.FromMilliseconds(250), state =>
            {
                if (replica.Serves(null)) Log.ReplicaServing(log, replica.Standby.Name, state.Lag.TotalMilliseconds);
                else Log.ReplicaNotServing(log, replica.Standby.Name, state.Error ?? $"lag {state.Lag.TotalSeconds:0.0} s over {replica.MaxLag.TotalSeconds:0.0} s");
            }, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
