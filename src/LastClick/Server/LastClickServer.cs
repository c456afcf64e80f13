using System.Collections.Concurrent;
using System.Text;
using LastClick.Access;
using LastClick.Common;
using LastClick.Data;
using LastClick.Orders;
using LastClick.Programs;
using LastClick.Replay;
using LastClick.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LastClick.Server;

/// <summary>
/// `lastclick serve`: the tracking redirect and the marketplace API over the same services the replay uses.
/// Issue 3 work in progress: links, redirect with group-committed clicks, marketplace orders/events/touches.
/// </summary>
public static class LastClickServer
{
    public static WebApplication Build(Store store, ProgramCatalog programs, string[] args, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("LastClick", LogLevel.Information);
        var time = clock ?? TimeProvider.System;
        store.Migrate(time);
        var platform = new Platform(store, programs, time);
        builder.Services.AddSingleton(platform);
        builder.Services.AddSingleton(new ClickWriter(store, ClickClassifier.Default));
        builder.Services.AddSingleton(new ConcurrentDictionary<string, Link>(StringComparer.Ordinal));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        var trusted = (builder.Configuration["TrustedProxies"]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
            .Select(p => System.Net.IPAddress.TryParse(p, out var address) ? address : throw ProblemException.Invalid("trusted-proxies", $"'{p}' is not an IP address"))
            .ToArray();
        builder.Services.Configure<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>(o =>
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
        var app = builder.Build();
        // An unexpected failure (a click that could not be committed, a store that is down) is logged and answered
        // with a 500 problem: never a 302 for a click that is not stored.
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LastClick.Server");
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = _ => StatusCodes.Status500InternalServerError,
            ExceptionHandler = async http =>
            {
                var error = http.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
                if (error is not null) Log.Unhandled(log, error, http.Request.Method, http.Request.Path);
                await Problem(new Problem("internal", "", "the request could not be completed; nothing was recorded that was not stored"),
                    StatusCodes.Status500InternalServerError).ExecuteAsync(http).ConfigureAwait(false);
            },
        });
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = string.Join(", ", app.Urls);
            var provider = store.Provider.ToString();
            var ids = string.Join(", ", programs.All.Select(p => p.Id).Order(StringComparer.Ordinal));
            Log.Started(log, urls, provider, ids);
        });
        if (trusted.Length > 0) app.UseForwardedHeaders();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<ClickWriter>().DisposeAsync().AsTask().GetAwaiter().GetResult());

        app.MapGet("/healthz", (Platform p) =>
        {
            p.Store.InSession(s => s.Scalar<long>("SELECT 1"));
            return Results.Text("ok\n");
        });
        MapRedirect(app);
        MapMarketplace(app);
        MapPublisher(app);
        return app;
    }

    private static void MapRedirect(WebApplication app) =>
        app.MapGet("/go/{code}", async (string code, HttpContext http, Platform platform, ClickWriter writer, ConcurrentDictionary<string, Link> links) =>
        {
            // Links are cached in memory; invalidation on change (and across nodes) comes with link editing.
            if (!links.TryGetValue(code, out var link))
            {
                link = platform.Links.Find(code);
                if (link is null) return Problem(new Problem("not_found", "code", $"no link '{code}'"));
                links[code] = link;
            }
            var program = platform.Programs.Get(link.ProgramId);
            var visitor = http.Request.Cookies["lc_vid"] is { Length: > 0 and <= 64 } v && v.All(char.IsAsciiLetterOrDigit) ? v : Guid.CreateVersion7().ToString("N");
            var clickId = Guid.CreateVersion7().ToString("N");
            var now = platform.Clock.GetUtcNow();
            await writer.WriteAsync(new Click(clickId, link.ProgramId, link.PublisherId, visitor, now,
                http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString(), http.Request.Headers.Referer.ToString(),
                link.Code, link.Sub1, link.Sub2, link.Sub3, link.Sub4, link.Sub5)).ConfigureAwait(false);
            http.Response.Cookies.Append("lc_vid", visitor, new CookieOptions
            {
                MaxAge = program.CookieWindow, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, Path = "/",
            });
            http.Response.Headers.CacheControl = "no-store";
            return Results.Redirect(LinkTargets.WithClickId(link.Destination, clickId));
        });

    private static void MapMarketplace(WebApplication app)
    {
        var api = RequireKey(app.MapGroup("/api/v1/marketplace"), KeyRole.Marketplace);

        api.MapPost("/orders", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var order = Scenario.ParseOrder(body);
            var programId = http.Request.Query["program"].FirstOrDefault() ?? DefaultProgram(platform.Programs, order.DeliveryCountry);
            return Results.Json(platform.Orders.Ingest(order, programId), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false));

        api.MapPost("/events", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var e = Scenario.ParseEvent(body);
            var applied = platform.Orders.ApplyEvent(e);
            return Results.Json(new { @event = e.Id, applied, order = platform.Orders.Find(e.OrderId) });
        }).ConfigureAwait(false));

        api.MapPost("/touches", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            if (body.Optional("id") is null) throw ProblemException.Invalid("id", "is required");
            platform.Tracking.RecordTouch(Scenario.ParseTouch(body, 0));
            return Results.NoContent();
        }).ConfigureAwait(false));
    }

    /// <summary>Every endpoint of the group needs a key of the role; the caller is kept for the handlers.</summary>
    private static RouteGroupBuilder RequireKey(RouteGroupBuilder group, KeyRole role) => group.AddEndpointFilter(async (context, next) =>
    {
        var caller = context.HttpContext.RequestServices.GetRequiredService<Platform>().Keys.Verify(Bearer(context.HttpContext));
        if (caller?.Role != role)
        {
            return Problem(new Problem("unauthorized", "Authorization", $"a {ApiKeys.Name(role)} key is required (Authorization: Bearer lc_…)"),
                StatusCodes.Status401Unauthorized);
        }
        context.HttpContext.Items[nameof(Caller)] = caller;
        return await next(context).ConfigureAwait(false);
    });

    private static void MapPublisher(WebApplication app)
    {
        var api = RequireKey(app.MapGroup("/api/v1"), KeyRole.Publisher);
        static string Me(HttpContext http) => ((Caller)http.Items[nameof(Caller)]!).PublisherId!;

        api.MapPost("/links", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            body.AllowOnly("program", "destination", "sub1", "sub2", "sub3", "sub4", "sub5");
            var link = platform.Links.Create(Me(http), body.Required("program").AsString(), body.Required("destination").AsString(),
                body.OptionalString("sub1"), body.OptionalString("sub2"), body.OptionalString("sub3"), body.OptionalString("sub4"), body.OptionalString("sub5"));
            var request = http.Request;
            return Results.Json(new { link, trackingUrl = $"{request.Scheme}://{request.Host}/go/{link.Code}" }, statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false));

        api.MapGet("/commissions", (HttpContext http, Platform platform) =>
        {
            try
            {
                var q = http.Request.Query;
                DateTimeOffset? Date(string name) => q[name].FirstOrDefault() is not { } text ? null
                    : Times.TryParse(text, out var time) ? time : throw ProblemException.Invalid(name, Times.Expected);
                var limit = q["limit"].FirstOrDefault() is { } l ? (int.TryParse(l, System.Globalization.CultureInfo.InvariantCulture, out var v) && v is > 0 and <= 1000 ? v
                    : throw ProblemException.Invalid("limit", "must be a whole number from 1 to 1000")) : 100;
                var filter = new CommissionFilter(q["status"].FirstOrDefault(), q["program"].FirstOrDefault(), Date("date_start"), Date("date_end"),
                    q["subid1"].FirstOrDefault() ?? q["sub1"].FirstOrDefault(), q["subid2"].FirstOrDefault() ?? q["sub2"].FirstOrDefault(),
                    q["subid3"].FirstOrDefault() ?? q["sub3"].FirstOrDefault(), q["subid4"].FirstOrDefault() ?? q["sub4"].FirstOrDefault(),
                    q["subid5"].FirstOrDefault() ?? q["sub5"].FirstOrDefault(), limit);
                return Results.Json(platform.Store.InSession(s => OrderService.ForPublisher(s, Me(http), filter)));
            }
            catch (ProblemException e)
            {
                return Problem(e.Problem);
            }
        });

        api.MapGet("/commissions/{orderId}", (string orderId, HttpContext http, Platform platform) =>
            platform.Orders.Find(orderId) is { } order && order.Publisher == Me(http)
                ? Results.Json(order)
                : Problem(new Problem("not_found", "orderId", $"no commission for order '{orderId}'")));

        api.MapGet("/balance", (HttpContext http, Platform platform) =>
            Results.Json(platform.Ledger.Balances(Me(http)).Select(b => new { b.Currency, b.Pending, b.Confirmed, b.Payable, b.Paid, b.Balance })));

        api.MapGet("/balance/history", (HttpContext http, Platform platform) =>
            Results.Json(platform.Ledger.Transfers(Me(http)).Select(t => new { t.Id, t.Program, t.Order, t.PayoutRun, t.Kind, t.From, t.To, t.Currency, t.Amount, t.At })));
    }

    /// <summary>An unattributed order still belongs to a program: the first that pays for its delivery country.</summary>
    private static string DefaultProgram(ProgramCatalog programs, string country) =>
        programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(p => p.RuleFor(country) is { Rates: not RateSource.None })?.Id
        ?? programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).First().Id;

    private static async Task<IResult> Handle(HttpContext http, Func<JsonNode, IResult> work)
    {
        string text;
        using (var reader = new StreamReader(http.Request.Body, Encoding.UTF8))
        {
            text = await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
        }
        try
        {
            return work(JsonNode.Parse(text, "body"));
        }
        catch (ProblemException e)
        {
            return Problem(e.Problem);
        }
    }

    private static string? Bearer(HttpContext http) =>
        http.Request.Headers.Authorization.ToString() is { } h && h.StartsWith("Bearer ", StringComparison.Ordinal) ? h["Bearer ".Length..].Trim() : null;

    /// <summary>RFC 9457 problem details with a stable type and the offending field.</summary>
    private static IResult Problem(Problem problem, int? status = null) => Results.Problem(
        type: $"https://lastclick.dev/problems/{problem.Type}",
        title: problem.Type.Replace('_', ' '),
        detail: problem.Detail,
        statusCode: status ?? problem.Type switch
        {
            "not_found" => StatusCodes.Status404NotFound,
            "conflict" => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        },
        extensions: new Dictionary<string, object?> { ["field"] = problem.Field });
}
