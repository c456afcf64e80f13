using System.Globalization;
using LastClick.Common;
using LastClick.Products;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Server;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

public sealed class FeedForm
{
    public string? Program { get; set; }
    public string? Market { get; set; }
    public string? Language { get; set; }
    public string? Format { get; set; } = "xml";
    public string? Name { get; set; }
    public string? SubId { get; set; }
    public string? Category { get; set; }
    public string? Store { get; set; }
    public string? MinPrice { get; set; }
    public string? MaxPrice { get; set; }
    public string? PriceCurrency { get; set; }
    public string? MinRatePercent { get; set; }
    public bool InStock { get; set; }
    public bool BestSellers { get; set; }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static decimal? Number(string? text, string field) =>
        Blank(text) is not { } t ? null
        : decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? d
        : throw ProblemException.Invalid(field, $"'{t}' is not a number (use a point for decimals)");

    public FeedRequest ToRequest() => new(Program ?? "", (Market ?? "").Trim().ToUpperInvariant(), (Language ?? "").Trim(), LastClick.Products.Feeds.ParseFormat(Format),
        new FeedFilter(Blank(Category), Blank(Store), Number(MinPrice, "minPrice"), Number(MaxPrice, "maxPrice"), Blank(PriceCurrency)?.ToUpperInvariant(),
            Number(MinRatePercent, "minRate") is { } percent ? percent / 100m : null, InStock, BestSellers),
        Blank(SubId), Blank(Name));
}

/// <summary>G2, G3 in the dashboard: the publisher's feeds — made from filters, listed with their stable URLs, revoked.</summary>
public sealed class FeedsModel(Platform platform) : PageModel
{
    [BindProperty] public FeedForm Form { get; set; } = new();
    public Problem? Problem { get; private set; }
    public IReadOnlyList<LastClickServer.FeedResponse> Feeds { get; private set; } = [];
    public IReadOnlyList<ProgramDefinition> Programs { get; private set; } = [];
    public CatalogChoices Choices { get; private set; } = new([], []);
    public IReadOnlyList<string> Currencies { get; private set; } = [];

    public void OnGet()
    {
        // A preset from another page ("make a feed of these best sellers").
        if (Request.Query["market"].FirstOrDefault() is { } market) Form.Market = market;
        Form.BestSellers = Request.Query["bestSellers"].FirstOrDefault() == "true";
        Load();
    }

    public IActionResult OnPostCreate()
    {
        try
        {
            var feed = platform.Feeds.Create(WebSetup.PublisherOf(User), Form.ToRequest());
            Flash.Set(this, "Feed {0} made: its URL is below.", feed.Name.Length > 0 ? feed.Name : feed.Code);
            return Redirect("/p/feeds");
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Load();
        return Page();
    }

    public IActionResult OnPostRevoke(string? feed)
    {
        var me = WebSetup.PublisherOf(User);
        if (feed is null || platform.Feeds.Find(me, feed) is null) return NotFound();
        platform.Feeds.Revoke(me, feed);
        Flash.Set(this, "The feed's URL is revoked.");
        return Redirect("/p/feeds");
    }

    /// <summary>
    /// What an empty form starts with: the member program that serves most of the publisher's target countries (then
    /// the one it has most links in), the first of them it serves, and the dashboard's language when the program's
    /// feeds are in it.
    /// </summary>
    private void Defaults(IReadOnlyList<string> geos)
    {
        if (Programs.Count == 0) return;
        var program = Programs.FirstOrDefault(p => p.Id == Form.Program) ?? Likeliest();
        ProgramDefinition Likeliest()
        {
            // Ties (no target countries yet) go to the program the publisher already links to most.
            var links = platform.Links.ForPublisher(WebSetup.PublisherOf(User), 200, 0, withFeeds: false).CountBy(l => l.ProgramId).ToDictionary();
            return Programs.OrderByDescending(p => geos.Count(p.Markets.Contains)).ThenByDescending(p => links.GetValueOrDefault(p.Id)).First();
        }
        Form.Program = program.Id;
        Form.Market ??= geos.FirstOrDefault(program.Markets.Contains) ?? program.Markets[0];
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        Form.Language ??= program.Languages.Contains(language) ? language : program.Languages[0];
    }

    private void Load()
    {
        var me = WebSetup.PublisherOf(User);
        Programs = Dashboard.MemberPrograms(platform, me);
        Choices = platform.Catalog.Choices();
        var now = platform.Clock.GetUtcNow();
        Currencies = [.. Programs.SelectMany(p => { var rates = p.InternalRatesAt(now); return rates.Rates.Keys.Prepend(rates.Base); }).Distinct().Order(StringComparer.Ordinal)];
        Defaults(platform.Applications.Find(me)?.Profile?.TargetGeos ?? []);
        var origin = LastClickServer.Origin(HttpContext);
        Feeds = [.. platform.Feeds.ForPublisher(me).Select(f => LastClickServer.FeedView(origin, f))];
    }
}
