using LastClick.Common;
using LastClick.Server;
using LastClick.Tracking;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>One link: its tracking URL and QR code, and a change of name, destination or sub ids (the redirect follows at once).</summary>
public sealed class LinkModel(Platform platform) : PageModel
{
    public LastClickServer.LinkResponse? View { get; private set; }
    public long Clicks { get; private set; }
    public Problem? Problem { get; private set; }

    public IActionResult OnGet(string code) => Load(code) ? Page() : NotFound();

    public IActionResult OnPost(string code, string? destination, string? name, string? sub1, string? sub2, string? sub3, string? sub4, string? sub5)
    {
        if (!Load(code)) return NotFound();
        string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        try
        {
            platform.Links.Update(WebSetup.PublisherOf(User), code, new LinkChange(Blank(destination),
                new Dictionary<int, string?> { [1] = Blank(sub1), [2] = Blank(sub2), [3] = Blank(sub3), [4] = Blank(sub4), [5] = Blank(sub5) })
            {
                // An emptied name field removes the name (the binder reads it as null, which would keep it).
                Name = Request.Form.ContainsKey("name") ? name ?? "" : null,
            });
            Flash.Set(this, "Link saved: the redirect follows at once.");
            return Redirect($"/p/links/{code}");
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
    }

    private bool Load(string code)
    {
        var me = WebSetup.PublisherOf(User);
        if (platform.Links.Find(code) is not { } link || link.PublisherId != me) return false;
        View = LastClickServer.LinkView(LastClickServer.Origin(HttpContext), link);
        Clicks = Dashboard.ClicksByLink(platform.Store, me, platform.Clock.GetUtcNow(), 30, code).GetValueOrDefault(code);
        return true;
    }
}
