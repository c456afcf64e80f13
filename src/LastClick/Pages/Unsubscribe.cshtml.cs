using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages;

/// <summary>
/// Unsubscribing from a digest: the link in its footer opens a page with a button; mail clients post
/// "List-Unsubscribe=One-Click" to the same address (RFC 8058), which has no antiforgery token to carry.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class UnsubscribeModel(Platform platform) : PageModel
{
    public string? Token { get; private set; }
    public string? Done { get; private set; }

    public void OnGet(string? token) => Token = token;

    public IActionResult OnPost(string? token)
    {
        Token = token;
        Done = platform.News.Unsubscribe(token ?? "");
        if (Done is null) return NotFound();
        return Page();
    }
}
