using LastClick.Access;
using LastClick.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace LastClick.Pages.Signin;

/// <summary>Asks for a password reset link. The answer is the same whether an account has the address or not.</summary>
[EnableRateLimiting("signin")]
public sealed class ForgotModel(Platform platform) : PageModel
{
    public Problem? Problem { get; private set; }
    public bool Sent { get; private set; }
    public string? Email { get; private set; }

    public void OnGet() { }

    public IActionResult OnPost(string? email)
    {
        Email = email;
        try
        {
            platform.AccountMail.RequestReset(Accounts.ValidEmail(email));
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Sent = true;
        return Page();
    }
}
