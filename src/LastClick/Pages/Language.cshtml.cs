using System.Security.Claims;
using LastClick.Common;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages;

/// <summary>
/// The header's language switcher: a signed-in account keeps its choice (its mail follows it), anyone else a cookie
/// for a year. Back to the page it came from (a local path only).
/// </summary>
public sealed class LanguageModel(Platform platform) : PageModel
{
    public void OnGet() { }

    public IActionResult OnPost(string? language, string? back)
    {
        if (!Languages.IsSupported(language))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            ModelState.AddModelError("language", "unknown language");
            return Page();
        }
        if (User.FindFirstValue(ClaimTypes.NameIdentifier) is { } accountId) platform.Accounts.SetLanguage(accountId, language!);
        Response.Cookies.Append(Language.CookieName, language!, new CookieOptions
        {
            Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = TimeSpan.FromDays(365), IsEssential = true,
        });
        return LocalRedirect(back is { Length: > 0 } && Url.IsLocalUrl(back) ? back : "/");
    }
}
