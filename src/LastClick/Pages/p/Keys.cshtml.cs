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

    public void OnGet()
    {
        // The key made by the post just before (carried once in the protected flash cookie, then gone).
        NewKey = TempData["NewKey"] as string;
        Keys = platform.Keys.List(WebSetup.PublisherOf(User));
    }

    // Post, then redirect: reloading the page never makes a second key.
    public IActionResult OnPostCreate(string? label)
    {
        try
        {
            TempData["NewKey"] = platform.Keys.Create(KeyRole.Publisher, WebSetup.PublisherOf(User), label, WebSetup.ActorOf(User));
        }
        catch (ProblemException e)
        {
            TempData["Flash"] = $"{e.Problem.Field}: {e.Problem.Detail}";
        }
        return Redirect("/p/keys");
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
        Flash.Set(this, "Key revoked.");
        return Redirect("/p/keys");
    }
}
