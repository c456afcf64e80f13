using System.Text;
using LastClick.Access;
using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LastClick.Server;

/// <summary>
/// `lastclick serve`: the tracking redirect (F2), the marketplace, publisher and operator APIs (I1) over the same
/// services the replay uses. Endpoints live in the partial files next to this one, one per audience.
/// </summary>
public static partial class LastClickServer
{
    /// <summary>
    /// Builds the app on a store. Configuration is ASP.NET Core's: `--urls`, `--TrustedProxies a,b`,
    /// `--Logging:Console:FormatterName json` (or the same through environment variables: `Logging__Console__FormatterName=json`).
    /// </summary>
    public static WebApplication Build(Store store, ProgramCatalog programs, string[] args, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        // The slim builder fixes the simple console format; the usual setting still chooses JSON lines.
        if (string.Equals(builder.Configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.ClearProviders().AddJsonConsole(o => o.UseUtcTimestamp = true);
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("LastClick", LogLevel.Information);
        var time = clock ?? TimeProvider.System;
        // Settings are checked before the store is touched.
        var replica = ConfigureReplica(builder.Configuration, store);
        store.Migrate(time);
        if (replica is not null)
        {
            builder.Services.AddSingleton(replica);
            builder.Services.AddHostedService<ReplicaMonitor>();
        }
        var platform = new Platform(store, programs, time);
        platform.Payouts.Debtor = DebtorFrom(builder.Configuration);
        platform.Postbacks.Policy = Notifications.OutboundPolicy.Parse(builder.Configuration["Outbound:AllowNetworks"]);
        if (Seconds(builder.Configuration, "Postbacks:RetrySeconds", 0, inclusive: false) is { } retry) platform.Postbacks.RetryBase = retry;
        if (Seconds(builder.Configuration, "Postbacks:LeaseSeconds", 5, inclusive: true) is { } lease) platform.Postbacks.Lease = lease;
        platform.ProgramEditor.Deployed();
        platform.ProgramEditor.Load();
        builder.Services.AddSingleton(platform);
        builder.Services.AddSingleton(new LinkCache(platform.Links));
        builder.Services.AddSingleton(new DuplicateClicks(TimeSpan.FromSeconds(30)));
        builder.Services.AddSingleton(new Fraud.ClickSpam());
        builder.Services.AddHostedService<ServerLoops>();
        builder.Services.AddHostedService<PostbackWorker>();
        var smtp = Notifications.SmtpSettings.Read(key => builder.Configuration[key]);
        builder.Services.AddSingleton(new MailSettings(smtp));
        builder.Services.AddHostedService(services => new MailWorker(platform, smtp, services.GetRequiredService<GroupCommit>(), services.GetRequiredService<ILogger<MailWorker>>()));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(ApiDocument.Configure);
        // Money and rates as decimal strings in every answer (docs/api.md).
        // Whole numbers are JSON numbers only (the document says integer, not "number or string").
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new DecimalText());
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        var trusted = (builder.Configuration["TrustedProxies"]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
            .Select(p => System.Net.IPAddress.TryParse(p, out var address) ? address : throw ProblemException.Invalid("trusted-proxies", $"'{p}' is not an IP address"))
            .ToArray();
        var publicUrl = builder.Configuration["PublicUrl"];
        if (publicUrl is { Length: > 0 } && !(Uri.TryCreate(publicUrl, UriKind.Absolute, out var origin) && origin.Scheme is "https" or "http"
            && origin.PathAndQuery == "/" && origin.Fragment.Length == 0 && origin.UserInfo.Length == 0))
        {
            throw ProblemException.Invalid("public-url", "must be an http(s) address without a path, query, fragment or user, like https://go.example.com");
        }
        if (publicUrl is { Length: > 0 }) SetPublicUrl(platform, publicUrl);
        var unknownLink = builder.Configuration["UnknownLinkUrl"] is { Length: > 0 } url ? url : null;
        if (unknownLink is not null
            && !(Uri.TryCreate(unknownLink, UriKind.Absolute, out var fallback) && fallback.Scheme is "https" or "http" && unknownLink.All(c => c is > ' ' and <= '~')))
        {
            throw ProblemException.Invalid("UnknownLinkUrl", "must be an http(s) address in printable ASCII (percent-encode the rest), where a browser following an unknown link is sent");
        }
        builder.Services.AddSingleton(new UnknownLinkFallback(unknownLink));
        builder.Services.AddSingleton(KeyRateLimits.From(key => builder.Configuration[key]));
        // The writers start threads: made once the settings above are known to be good.
        // (The log exists once the app is built, before any click can come.)
        ILogger? foldLog = null;
        builder.Services.AddSingleton(new ClickWriter(store, ClickClassifier.Default, foldFailed: e => { if (foldLog is not null) Log.FoldFailed(foldLog, e); }));
        store.FoldFailed = e => { if (foldLog is not null) Log.RollupFoldFailed(foldLog, e); };
        builder.Services.AddSingleton(new GroupCommit(store));
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // The client's address comes from the connection; X-Forwarded-For only counts when a configured proxy sent it.
            // (With both lists empty the middleware would trust every sender: it is only added when proxies are named.)
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the obsolete list still defaults to loopback and is still consulted
            o.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var proxy in trusted) o.KnownProxies.Add(proxy);
        });
        Web.WebSetup.AddDashboard(builder, platform);
        var app = builder.Build();
        Web.WebSetup.PrepareKeys(app, store);
        // An unexpected failure (a click that could not be committed, a store that is down) is logged and answered
        // with a 500 problem: never a 302 for a click that is not stored.
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LastClick.Server");
        foldLog = log;
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A request Kestrel refuses (a body over the limit, a malformed request) keeps its own status.
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            ExceptionHandler = async http =>
            {
                var error = http.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
                if (error is BadHttpRequestException bad)
                {
                    await Problem(new Problem("bad_request", "body", bad.Message), bad.StatusCode).ExecuteAsync(http).ConfigureAwait(false);
                    return;
                }
                if (error is not null) Log.Unhandled(log, error, http.Request.Method, http.Request.Path);
                await Problem(new Problem("internal", "", "the request could not be completed; nothing was recorded that was not stored"),
                    StatusCodes.Status500InternalServerError).ExecuteAsync(http).ConfigureAwait(false);
            },
        });
        // An unknown route or method answers with a problem too, not an empty body.
        app.UseStatusCodePages();
        app.Use(RefuseNul);
        if (replica is not null) app.Use(new ReplicaRouting(replica).InvokeAsync);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // Links in mail need an absolute address: without a configured public one, the first the server listens on.
            if (publicUrl is not { Length: > 0 } && app.Urls.FirstOrDefault() is { } listening) SetPublicUrl(platform, listening.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal));
            var urls = string.Join(", ", app.Urls);
            var provider = store.Provider.ToString();
            var ids = string.Join(", ", programs.All.Select(p => p.Id).Order(StringComparer.Ordinal));
            Log.Started(log, urls, provider, ids);
        });
        if (trusted.Length > 0) app.UseForwardedHeaders();
        app.MapOpenApi("/openapi/{documentName}.json");
        // The interactive reference of that document (Scalar): try any call with a key. Self-hosted means nothing leaves
        // for a third party: no telemetry, no CDN fonts, no AI agent, no MCP — the page and its script come from this binary.
        // Its page runs one inline script: allowed by a nonce made for each request, which the CSP header names.
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/docs"), docs => docs.Use(async (http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var nonce = http.Items[Scalar.AspNetCore.ScalarOptions.NonceHttpContextItemKey] as string;
                Web.WebSetup.SetPageHeaders(http.Response.Headers, nonce is null ? "'self'" : $"'self' 'nonce-{nonce}'", formAction: "'none'");
                return Task.CompletedTask;
            });
            await next(http).ConfigureAwait(false);
        }));
        Scalar.AspNetCore.ScalarEndpointRouteBuilderExtensions.MapScalarApiReference(app, "/docs", o =>
        {
            o.Title = "LastClick API";
            Scalar.AspNetCore.ScalarOptionsExtensions.WithNonce(o);
            Scalar.AspNetCore.ScalarOptionsExtensions.DisableTelemetry(o);
            Scalar.AspNetCore.ScalarOptionsExtensions.DisableDefaultFonts(o);
            Scalar.AspNetCore.ScalarOptionsExtensions.DisableAgent(o);
            Scalar.AspNetCore.ScalarOptionsExtensions.DisableMcp(o);
        });
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            // After Kestrel has finished the requests in flight (so none meets a closed writer), whatever was accepted
            // is written before the process ends.
            app.Services.GetRequiredService<ClickWriter>().DisposeAsync().AsTask().GetAwaiter().GetResult();
            app.Services.GetRequiredService<GroupCommit>().DisposeAsync().AsTask().GetAwaiter().GetResult();
        });

        Web.WebSetup.UseDashboard(app);
        app.MapGet("/healthz", (Platform p) =>
        {
            p.Store.Read(s => s.Scalar<long>("SELECT 1"));
            return Results.Text("ok\n");
        }).WithTags("health").Produces<string>(StatusCodes.Status200OK, "text/plain").ProducesProblem(StatusCodes.Status500InternalServerError);
        MapRedirect(app);
        MapMarketplace(app);
        MapPublisher(app);
        MapOperator(app);
        MapReports(app);
        MapQuality(app);
        MapForecast(app);
        MapCatalog(app);
        MapFraud(app);
        MapSupport(app);
        MapPayouts(app);
        MapPostbacks(app);
        MapWebhooks(app);
        MapProductRedirect(app);
        return app;
    }

    /// <summary>
    /// A setting in seconds, more than (or, <paramref name="inclusive"/>, at least) <paramref name="min"/> and at most an
    /// hour; null when it is not set; refused naming the setting when it is not such a number.
    /// </summary>
    private static TimeSpan? Seconds(ConfigurationManager configuration, string key, double min, bool inclusive)
    {
        if (configuration[key] is not { Length: > 0 } text) return null;
        return double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && (inclusive ? seconds >= min : seconds > min) && seconds <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw ProblemException.Invalid(key, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"seconds, {(inclusive ? "at least" : "more than")} {min} and at most 3600"));
    }

    /// <summary>
    /// <c>ConnectionStrings:LastClickReplica</c>: a PostgreSQL hot standby of the (PostgreSQL) store that serves reads
    /// (<see cref="ReplicaRouting"/>), within <c>Replica:MaxLagSeconds</c> (5 by default) of the primary.
    /// </summary>
    private static ReadReplica? ConfigureReplica(ConfigurationManager configuration, Store store)
    {
        const string Setting = "ConnectionStrings:LastClickReplica";
        if (configuration.GetConnectionString("LastClickReplica") is not { Length: > 0 } spec) return null;
        if (store is not PostgresStore primary) throw ProblemException.Invalid(Setting, "a read replica is a hot standby of a PostgreSQL store; this store is SQLite");
        if (!PostgresStore.Names(spec)) throw ProblemException.Invalid(Setting, "a PostgreSQL URL (postgres://user:pass@host:port/db) or connection string (Host=…)");
        string connectionString;
        try
        {
            // A standby that does not answer must not hold a read up for long: the primary answers instead.
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(PostgresStore.ConnectionStringOf(spec));
            builder.Timeout = Math.Min(builder.Timeout, 3);
            connectionString = builder.ConnectionString;
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw ProblemException.Invalid(Setting, e.Message);
        }
        var maxLag = Seconds(configuration, "Replica:MaxLagSeconds", 0, inclusive: false) ?? TimeSpan.FromSeconds(5);
        var replica = new ReadReplica(primary, new PostgresStore(connectionString), maxLag, TimeProvider.System);
        store.Replica = replica;
        return replica;
    }

    /// <summary>
    /// A NUL character (U+0000) reaches no store — PostgreSQL's text cannot hold one, and it would fail there as a 500 —:
    /// a path, a query parameter or a form field holding one is a 400 naming it. (JSON bodies: <see cref="JsonNode"/>.)
    /// </summary>
    private static async Task RefuseNul(HttpContext http, Func<Task> next)
    {
        static bool Nul(string? text) => text?.Contains('\0', StringComparison.Ordinal) == true;
        string? field = Nul(http.Request.Path.Value) ? "path" : null;
        // A NUL reaches a query string only percent-encoded (Kestrel refuses a raw one): the query is parsed to name the
        // parameter only when it holds "%00", so the redirect's hot path does not parse every click's query twice.
        if (field is null && http.Request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true)
        {
            foreach (var (name, values) in http.Request.Query)
            {
                if (field is null && (Nul(name) || values.Any(Nul))) field = name;
            }
        }
        // Forms are the dashboard's: the API reads its bodies itself (JSON, CSV), whatever content type a client sends.
        if (field is null && Web.WebSetup.IsDashboard(http.Request.Path) && http.Request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                // A malformed form (no boundary, too many fields, cut short) is the sender's error, not ours.
                await Problem(new Problem("bad_request", "body", $"not a valid form: {e.Message}")).ExecuteAsync(http).ConfigureAwait(false);
                return;
            }
            foreach (var (name, values) in form)
            {
                if (field is null && (Nul(name) || values.Any(Nul))) field = name;
            }
        }
        if (field is null)
        {
            await next().ConfigureAwait(false);
            return;
        }
        await Problem(new Problem("invalid", field, "contains a NUL character (U+0000), which no field may hold")).ExecuteAsync(http).ConfigureAwait(false);
    }

    /// <summary>Where links in mail point (the mail composers and the unsubscribe header).</summary>
    private static void SetPublicUrl(Platform platform, string url)
    {
        platform.News.PublicUrl = url;
        platform.Mail.PublicUrl = url;
        platform.AccountMail.PublicUrl = url;
    }

    /// <summary>Every endpoint of the group needs a key of the role; the caller is kept for the handlers.</summary>
    private static RouteGroupBuilder RequireKey(RouteGroupBuilder group, KeyRole role) => group.WithMetadata(new KeyRoleRequired(role))
        .ProducesProblem(StatusCodes.Status429TooManyRequests).AddEndpointFilter(async (context, next) =>
    {
        var http = context.HttpContext;
        var caller = http.RequestServices.GetRequiredService<Platform>().Keys.Verify(Bearer(http));
        if (caller?.Role != role)
        {
            return Problem(new Problem("unauthorized", "Authorization", $"a {ApiKeys.Name(role)} key is required (Authorization: Bearer lc_…)"),
                StatusCodes.Status401Unauthorized);
        }
        var limits = http.RequestServices.GetRequiredService<KeyRateLimits>();
        using var lease = limits.Acquire(caller);
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(new Problem("rate_limited", "Authorization",
                $"this key made more than {limits.PerSecond[role]} requests a second (a burst of {limits.PerSecond[role] * 2}); retry after {seconds} s"),
                StatusCodes.Status429TooManyRequests);
        }
        http.Items[nameof(Caller)] = caller;
        return await next(context).ConfigureAwait(false);
    });

    /// <summary>The account SEPA files pay from: <c>Payouts:Debtor:Name</c>, <c>:Iban</c>, <c>:Bic</c> (none: SEPA exports are refused).</summary>
    private static Payouts.DebtorAccount? DebtorFrom(ConfigurationManager configuration)
    {
        var section = configuration.GetSection("Payouts:Debtor");
        if (section["Iban"] is not { Length: > 0 } iban) return null;
        iban = iban.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (!Payouts.PayoutDetailsRules.IsValidIban(iban)) throw ProblemException.Invalid("Payouts:Debtor:Iban", "is not a valid IBAN");
        var bic = section["Bic"] is { Length: > 0 } b ? b.Trim().ToUpperInvariant() : null;
        if (bic is not null && !Payouts.PayoutDetailsRules.IsValidBic(bic)) throw ProblemException.Invalid("Payouts:Debtor:Bic", "is not a BIC");
        var name = section["Name"] is { Length: > 0 } n ? n.Trim() : throw ProblemException.Invalid("Payouts:Debtor:Name", "is required with Payouts:Debtor:Iban");
        return new Payouts.DebtorAccount(name, iban, bic);
    }

    private static Caller CallerOf(HttpContext http) => (Caller)http.Items[nameof(Caller)]!;

    /// <summary>Reads the body as JSON and runs the work; a <see cref="ProblemException"/> becomes its problem details.</summary>
    private static async Task<IResult> Handle(HttpContext http, Func<JsonNode, IResult> work)
    {
        var text = await Body(http).ConfigureAwait(false);
        return Guard(() => work(JsonNode.Parse(text, "body")));
    }

    /// <summary>As <see cref="Handle"/>, for work that completes later (a group commit).</summary>
    private static async Task<IResult> HandleAsync(HttpContext http, Func<JsonNode, Task<IResult>> work)
    {
        var text = await Body(http).ConfigureAwait(false);
        try
        {
            return await work(JsonNode.Parse(text, "body")).ConfigureAwait(false);
        }
        catch (ProblemException e)
        {
            return Problem(e.Problem);
        }
    }

    private static async Task<string> Body(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
    }

    private static IResult Guard(Func<IResult> work)
    {
        try
        {
            return work();
        }
        catch (ProblemException e)
        {
            return Problem(e.Problem);
        }
    }

    /// <summary>`limit` (1…1000, default 100 unless the list says) and `offset` (0 or more) of a list request.</summary>
    private static (int Limit, int Offset) Page(HttpContext http, int defaultLimit = 100)
    {
        var q = http.Request.Query;
        var limit = q["limit"].FirstOrDefault() is { } l ? (int.TryParse(l, System.Globalization.CultureInfo.InvariantCulture, out var v) && v is > 0 and <= 1000 ? v
            : throw ProblemException.Invalid("limit", "must be a whole number from 1 to 1000")) : defaultLimit;
        var offset = q["offset"].FirstOrDefault() is { } o ? (int.TryParse(o, System.Globalization.CultureInfo.InvariantCulture, out var w) && w >= 0 ? w
            : throw ProblemException.Invalid("offset", "must be a whole number, 0 or more")) : 0;
        return (limit, offset);
    }

    private static string? Bearer(HttpContext http) =>
        http.Request.Headers.Authorization.ToString() is { } h && h.StartsWith("Bearer ", StringComparison.Ordinal) ? h["Bearer ".Length..].Trim() : null;

    /// <summary>RFC 9457 problem details with a stable type and the offending field.</summary>
    private static IResult Problem(Problem problem, int? status = null) => Results.Problem(
        type: $"https://lastclick.dev/problems/{problem.Type}",
        title: problem.Type.Replace('_', ' '),
        detail: problem.Detail,
        statusCode: status ?? StatusOf(problem),
        extensions: new Dictionary<string, object?> { ["field"] = problem.Field });

    /// <summary>A problem's HTTP status, for the API and the dashboard's forms alike.</summary>
    internal static int StatusOf(Problem problem) => problem.Type switch
    {
        "not_found" => StatusCodes.Status404NotFound,
        "conflict" => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };
}

/// <summary>The SMTP server mail goes through, or null: mail then stays queued, readable in the dashboard.</summary>
public sealed record MailSettings(Notifications.SmtpSettings? Smtp);
