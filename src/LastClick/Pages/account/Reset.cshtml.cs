using LastClick.Access;
using LastClick.Common;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace LastClick.Pages.Signin;

/// <summary>
/// The page a reset link opens: a new password for the account (opening the link changes nothing: mail scanners open
/// links too). Setting it spends the link and ends every session of the account.
/// </summary>
[EnableRateLimiting("signin")]
public sealed class ResetModel(Platform platform, Passwords passwords) : PageModel
{
    public Problem? Problem { get; private set; }
    public bool Valid { get; private set; }
    public string? Token { get; private set; }

    public void OnGet(string? token)
    {
        Token = token;
        Valid = platform.AccountMail.ResetAccount(token) is not null;
        if (!Valid) Response.StatusCode = StatusCodes.Status404NotFound;
    }

    public IActionResult OnPost(string? token, string? password)
    {
        Token = token;
        Valid = true;
        try
        {
            Accounts.ValidPassword(password, "password");
            if (!platform.AccountMail.ResetPassword(token, passwords.Hash(password!), platform.Accounts))
            {
                throw ProblemException.Invalid("token", "this link was used already or has expired: ask for a new one");
            }
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Flash.Set(this, "Password changed: sign in with the new one.");
        return Redirect("/signin");
    }
}
