using System.Security.Claims;
using LastClick.Access;
using LastClick.Common;
using LastClick.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace LastClick.Pages.Signin;

/// <summary>Any signed-in account changes its password with the current one; the new stamp ends every other session.</summary>
[Authorize]
[EnableRateLimiting("signin")]
public sealed class PasswordModel(Platform platform, Passwords passwords) : PageModel
{
    public Problem? Problem { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(string? current, string? password)
    {
        var account = platform.Accounts.Find(User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "");
        if (account is null) return NotFound();
        try
        {
            passwords.Confirm(platform, account, current, "current", "is not your current password");
            Accounts.ValidPassword(password, "password");
            platform.Accounts.SetPassword(account.Id, passwords.Hash(password!), account.Email);
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        // This session goes on with the new stamp; the others are signed out at their next request.
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, WebSetup.Principal(platform.Accounts.Find(account.Id)!)).ConfigureAwait(false);
        Flash.Set(this, "Password changed.");
        return Redirect(account.Role == AccountRoles.Publisher ? "/p" : "/o");
    }
}
