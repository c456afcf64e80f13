using System.Security.Claims;
using LastClick.Common;
using LastClick.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Signin;

/// <summary>The page the confirmation link opens: a button makes the new address the account's (opening the link changes nothing).</summary>
public sealed class ConfirmEmailModel(Platform platform) : PageModel
{
    public Problem? Problem { get; private set; }
    public string? Token { get; private set; }
    public string? NewEmail { get; private set; }

    public void OnGet(string? token)
    {
        Token = token;
        NewEmail = platform.AccountMail.PendingEmail(token);
        if (NewEmail is null) Response.StatusCode = StatusCodes.Status404NotFound;
    }

    public async Task<IActionResult> OnPostAsync(string? token)
    {
        Token = token;
        string? email;
        try
        {
            email = platform.AccountMail.ConfirmEmailChange(token);
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = Server.LastClickServer.StatusOf(e.Problem);
            return Page();
        }
        if (email is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        // A signed-in session of this account goes on under the new address.
        if (platform.Accounts.FindByEmail(email) is { } account && User.FindFirstValue(ClaimTypes.NameIdentifier) == account.Id)
        {
            await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, WebSetup.Principal(account)).ConfigureAwait(false);
        }
        Flash.Set(this, "Your sign-in email is now {0}.", email);
        return Redirect(User.Identity?.IsAuthenticated == true ? "/notifications" : "/signin");
    }
}
