using System.Globalization;
using System.Security.Claims;
using LastClick.Common;
using Microsoft.AspNetCore.Localization;

namespace LastClick.Web;

/// <summary>
/// Which language a dashboard page speaks (H2): the signed-in account's choice, else the switcher's cookie (someone not
/// signed in), else the browser's <c>Accept-Language</c>, else the program's first language (the publisher's program;
/// for everyone else the programs' shared first language, or English when they differ). Numbers, money and dates follow the language's culture. Only dashboard
/// requests are localized: the API, the redirect and background work keep the invariant culture.
/// </summary>
public static class Language
{
    /// <summary>The switcher's choice for someone not signed in (an account keeps its choice in the store).</summary>
    public const string CookieName = "__Host-lastclick-lang";

    private static readonly System.Resources.ResourceManager Text = new("LastClick.Resources.Web.Text", typeof(Language).Assembly);

    /// <summary>A code's label in a language from the dashboard's resources (mail and notifications use it), or null.</summary>
    public static string? Label(string language, string code) => Text.GetString("code." + code, CultureInfo.GetCultureInfo(language));

    public static void Use(IApplicationBuilder dashboard, Platform platform)
    {
        platform.News.Labels = Label;
        var cultures = Languages.All.Select(l => Languages.Culture(l.Code)).ToList();
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Languages.Culture(Languages.Default), CultureInfo.GetCultureInfo(Languages.Default)),
            SupportedCultures = cultures,
            SupportedUICultures = Languages.All.Select(l => CultureInfo.GetCultureInfo(l.Code)).ToList(),
            FallBackToParentUICultures = true,
        };
        options.RequestCultureProviders = [new CustomRequestCultureProvider(http => Task.FromResult<ProviderCultureResult?>(Choose(http, platform)))];
        dashboard.UseRequestLocalization(options);
    }

    /// <summary>The language and the formatting culture of a request, in the order the type's summary gives.</summary>
    internal static ProviderCultureResult Choose(HttpContext http, Platform platform)
    {
        var language = Chosen(http, platform);
        string? requested = null;
        if (language is null)
        {
            foreach (var tag in AcceptLanguage(http))
            {
                if (Languages.Of(tag) is { } found)
                {
                    language = found;
                    requested = tag;
                    break;
                }
            }
        }
        language ??= ProgramLanguage(http, platform);
        return new ProviderCultureResult(Languages.Culture(language, requested).Name, language);
    }

    private static string? Chosen(HttpContext http, Platform platform)
    {
        if (http.User.Identity?.IsAuthenticated == true && http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id)
        {
            if (Account(http, platform, id)?.Language is { } chosen) return chosen;
        }
        return Languages.Of(http.Request.Cookies[CookieName]);
    }

    /// <summary>The signed-in account, read once a request (the layout asks for it too).</summary>
    internal static Access.Account? Account(HttpContext http, Platform platform, string id)
    {
        if (http.Items.TryGetValue(typeof(Access.Account), out var cached)) return cached as Access.Account;
        var account = platform.Accounts.Find(id);
        http.Items[typeof(Access.Account)] = account;
        return account;
    }

    private static IEnumerable<string> AcceptLanguage(HttpContext http) =>
        http.Request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Quality is null or > 0)
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value ?? "")
            .Take(10);

    private static string ProgramLanguage(HttpContext http, Platform platform)
    {
        var programs = platform.Programs.All;
        if (http.User.FindFirstValue(WebSetup.PublisherClaim) is { } publisherId
            && platform.Applications.For(publisherId) is [var application, ..]
            && programs.FirstOrDefault(p => p.Id == application.ProgramId) is { Languages: [var first, ..] })
        {
            return Languages.Of(first) ?? Languages.Default;
        }
        // No program of its own: the programs' first language when they share one, else English (the installation's
        // programs speak to different markets).
        var firsts = programs.Select(p => p.Languages is [var first, ..] ? Languages.Of(first) : null).Distinct().ToList();
        return firsts is [{ } only] ? only : Languages.Default;
    }
}
