using LastClick.Common;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Server;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

public sealed class LinkForm
{
    public string? Program { get; set; }
    public string? Destination { get; set; }
    public string? Name { get; set; }
    public string? Sub1 { get; set; }
    public string? Sub2 { get; set; }
    public string? Sub3 { get; set; }
    public string? Sub4 { get; set; }
    public string? Sub5 { get; set; }

    public string? Sub(int i) => i switch { 1 => Sub1, 2 => Sub2, 3 => Sub3, 4 => Sub4, _ => Sub5 };

    public string?[] Subs() => [Blank(Sub1), Blank(Sub2), Blank(Sub3), Blank(Sub4), Blank(Sub5)];

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>F1 in the dashboard: deep links with sub ids to the programs the publisher is a member of, a copy button and a QR code.</summary>
public sealed class LinksModel(Platform platform) : PageModel
{
    [BindProperty] public LinkForm Form { get; set; } = new();
    public Problem? Problem { get; private set; }
    public LastClickServer.LinkResponse? Created { get; private set; }
    public IReadOnlyList<LastClickServer.LinkResponse> Links { get; private set; } = [];
    public IReadOnlyDictionary<string, long> Clicks { get; private set; } = new Dictionary<string, long>();
    public IReadOnlyList<ProgramDefinition> Programs { get; private set; } = [];
    public IReadOnlyList<Products.BrokenLink> Broken { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Names { get; private set; } = new Dictionary<string, string>();

    public void OnGet() => Load();

    public IActionResult OnPostCreate()
    {
        try
        {
            var link = platform.Links.Create(WebSetup.PublisherOf(User), new Tracking.LinkRequest(Form.Program ?? "", Form.Destination ?? "", Form.Subs()) { Name = Form.Name });
            Created = LastClickServer.LinkView(LastClickServer.Origin(HttpContext), link);
            Form = new LinkForm { Program = link.ProgramId };
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Load();
        return Page();
    }

    private void Load()
    {
        var me = WebSetup.PublisherOf(User);
        Programs = Dashboard.MemberPrograms(platform, me);
        var origin = LastClickServer.Origin(HttpContext);
        // The feeds' own links are listed with their feeds, not here.
        Links = [.. platform.Links.ForPublisher(me, 200, 0, withFeeds: false).Select(l => LastClickServer.LinkView(origin, l))];
        Clicks = Dashboard.ClicksByLink(platform.Store, me, platform.Clock.GetUtcNow(), 30);
        Broken = Products.BrokenLinks.ForPublisher(platform.Store, me);
        Names = platform.Links.Names(me, [.. Broken.Select(b => b.LinkCode)]);
    }
}
