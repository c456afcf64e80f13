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
        var time = clock ?? TimeProvider.System;
        store.Migrate(time);
        var platform = new Platform(store, programs, time);
        builder.Services.AddSingleton(platform);
        builder.Services.AddSingleton(new ClickWriter(store, ClickClassifier.Default));
        builder.Services.AddSingleton(new ConcurrentDictionary<string, Link>(StringComparer.Ordinal));
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<ClickWriter>().DisposeAsync().AsTask().GetAwaiter().GetResult());

        app.MapGet("/healthz", (Platform p) =>
        {
            p.Store.InSession(s => s.Scalar<long>("SELECT 1"));
            return Results.Text("ok\n");
        });
        MapRedirect(app);
        MapMarketplace(app);
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
        var api = app.MapGroup("/api/v1/marketplace");
        api.AddEndpointFilter(async (context, next) =>
        {
            var caller = context.HttpContext.RequestServices.GetRequiredService<Platform>().Keys.Verify(Bearer(context.HttpContext));
            if (caller?.Role != KeyRole.Marketplace)
            {
                return Problem(new Problem("unauthorized", "Authorization", "a marketplace key is required (Authorization: Bearer lc_…)"), StatusCodes.Status401Unauthorized);
            }
            return await next(context).ConfigureAwait(false);
        });

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
