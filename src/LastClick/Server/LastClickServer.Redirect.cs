using LastClick.Common;
using LastClick.Fraud;
using LastClick.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LastClick.Server;

public static partial class LastClickServer
{
    /// <summary>
    /// F2: link from memory → click classified and committed (group commit) → 302 with `lc_click` and the visitor
    /// cookie for the program's window. The 302 is only written once the click's batch is committed.
    /// </summary>
    private static void MapRedirect(WebApplication app)
    {
        // A link checker's HEAD learns where a link goes without making a click: no click stored, no cookie, no lc_click.
        app.MapMethods("/go/{code}", ["HEAD"], (string code, HttpContext http, LinkCache links) =>
        {
            // Dead is dead to a link checker: no fallback page, no redirect.
            if (links.Get(code) is not { } link) return NoLink(code);
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers["Referrer-Policy"] = RedirectReferrerPolicy;
            return Results.Redirect(link.Destination);
        }).Produces(StatusCodes.Status302Found).ProducesProblem(StatusCodes.Status404NotFound).WithTags("tracking")
          .WithSummary("Where a link goes, for link checkers: 302 to its destination; no click is stored");
        app.MapGet("/go/{code}", (string code, HttpContext http, Platform platform, ClickWriter writer, LinkCache links, DuplicateClicks repeats, ClickSpam spam,
                UnknownLinkFallback fallback) =>
            links.Get(code) is { } link
                ? Redirect(http, platform, writer, link, repeats, spam)
                : Task.FromResult(UnknownLink(http, code, fallback)))
          .Produces(StatusCodes.Status302Found).ProducesProblem(StatusCodes.Status404NotFound).WithTags("tracking")
          .WithSummary("The tracking redirect (F2): stores the click, then 302 with lc_click and the lc_vid cookie");
    }

    /// <summary>
    /// A code no link has: a browser (it asks for text/html) is sent to the configured <c>UnknownLinkUrl</c> — the
    /// marketplace's home, say — or shown a small page that says so; an API client gets the problem. Nothing is stored.
    /// </summary>
    private static IResult UnknownLink(HttpContext http, string code, UnknownLinkFallback fallback)
    {
        var accept = http.Request.Headers.Accept.ToString();
        if (!accept.Contains("text/html", StringComparison.OrdinalIgnoreCase)) return NoLink(code);
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = RedirectReferrerPolicy;
        if (fallback.Url is { } url) return Results.Redirect(url);
        return Results.Content("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Link not found</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
            </head><body><h1>This link is not active</h1>
            <p>The link you followed does not exist or was removed by the site that published it. Nothing was recorded.</p>
            </body></html>
            """, "text/html; charset=utf-8", System.Text.Encoding.UTF8, StatusCodes.Status404NotFound);
    }

    private static IResult NoLink(string code) => Problem(new Problem("not_found", "code", $"no link '{code}'"));

    /// <summary>The destination learns the tracking origin at most, never the link's path (its code).</summary>
    private const string RedirectReferrerPolicy = "strict-origin-when-cross-origin";

    /// <summary>
    /// Stores the click on <paramref name="link"/> (group commit), sets the visitor cookie and answers 302 to its destination
    /// with lc_click. Invalid traffic (A6) is judged here from the request itself — its shape (<see cref="RequestShapes"/>),
    /// then repeats (<see cref="ClickSpam"/>); a suspended publisher's click is invalid too. An invalid click is stored and
    /// answered like any other (the visitor still reaches the page), and never attributed.
    /// </summary>
    private static async Task<IResult> Redirect(HttpContext http, Platform platform, ClickWriter writer, Link link, DuplicateClicks repeats, ClickSpam spam)
    {
        var program = platform.Programs.Get(link.ProgramId);
        var cookie = http.Request.Cookies["lc_vid"] is { Length: > 0 and <= 64 } v && v.All(char.IsAsciiLetterOrDigit) ? v : null;
        var now = platform.Clock.GetUtcNow();
        var visitor = cookie ?? ClickIds.New(now);
        // Made from the click's own instant: on PostgreSQL the id then says which day's partition holds the click.
        var clickId = ClickIds.New(now);
        var ip = http.Connection.RemoteIpAddress?.ToString();
        var headers = http.Request.Headers;
        var userAgent = headers.UserAgent.ToString();
        var referrer = headers.Referer.ToString();
        var shape = new RequestShape(userAgent, Header(headers, "Sec-Fetch-Dest"), Header(headers, "Sec-Fetch-Mode"), Header(headers, "Purpose"),
            Header(headers, "Sec-Purpose"), Header(headers, "X-Moz"), Header(headers, "X-Purpose"), referrer, http.Request.QueryString.Value);
        var (byShape, signal) = RequestShapes.Assess(shape, program.AllowedHosts);
        var verdict = link.Suspended
            ? new Verdict(InvalidReasons.Suspended, "the publisher's links are suspended")
            // By the visitor's cookie (a new visitor has none yet: its first click counts by address only, and keeping a
            // count for every fresh id cost the redirect a tenth of its throughput) and by address.
            : byShape ?? spam.Count(link.PublisherId, cookie, ip, now, program.ClickSpam);
        var duplicate = repeats.Repeat(link.Code, cookie, ip, userAgent, now, cookie is null ? visitor : null);
        await writer.WriteAsync(new Click(clickId, link.ProgramId, link.PublisherId, visitor, now, ip, userAgent, referrer,
            link.Code, link.Sub1, link.Sub2, link.Sub3, link.Sub4, link.Sub5, verdict?.Reason, duplicate, cookie is null,
            verdict?.Evidence, signal?.Kind, signal?.Detail), answerOnWriter: true).ConfigureAwait(false);
        http.Response.Cookies.Append("lc_vid", visitor, new CookieOptions
        {
            MaxAge = program.CookieWindow, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, Path = "/",
        });
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = RedirectReferrerPolicy;
        return Results.Redirect(LinkTargets.WithClickId(link.Destination, clickId));
    }

    private static string? Header(IHeaderDictionary headers, string name) => headers.TryGetValue(name, out var value) ? value.ToString() : null;
}

/// <summary>Where a browser following an unknown link is sent (setting <c>UnknownLinkUrl</c>, checked at start), or null: a page says the link is not active.</summary>
public sealed record UnknownLinkFallback(string? Url);
