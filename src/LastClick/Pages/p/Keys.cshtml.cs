using LastClick.Access;
using LastClick.Common;
using LastClick.Server;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>The publisher's API keys: created (shown once), listed by prefix, revoked. Only a SHA-256 of a key is stored.</summary>
public sealed class KeysModel(Platform platform) : PageModel
{
    public IReadOnlyList<ApiKeys.KeyView> Keys { get; private set; } = [];
    public string? NewKey { get; private set; }
    public string Origin => LastClickServer.Origin(HttpContext);

    public void OnGet() => Keys = platform.Keys.List(WebSetup.PublisherOf(User));

    public IActionResult OnPostCreate(string? label)
    {
        var me = WebSetup.PublisherOf(User);
        try
        {
            NewKey = platform.Keys.Create(KeyRole.Publisher, me, label, WebSetup.ActorOf(User));
        }
        catch (ProblemException e)
        {
            TempData["Flash"] = $"{e.Problem.Field}: {e.Problem.Detail}";
        }
        Keys = platform.Keys.List(me);
        return Page();
    }

    public IActionResult OnPostRevoke(string? prefix)
    {
        try
        {
            platform.Keys.Revoke(prefix ?? "", WebSetup.PublisherOf(User), WebSetup.ActorOf(User));
        }
        catch (ProblemException)
        {
            return NotFound();
        }
        TempData["Flash"] = "Key revoked.";
        return Redirect("/p/keys");
    }
}
