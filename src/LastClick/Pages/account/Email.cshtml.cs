using System.Security.Claims;
using LastClick.Common;
using LastClick.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace LastClick.Pages.Signin;

/// <summary>A signed-in account asks to change its address, with its password: the new address must confirm it.</summary>
[Authorize]
[EnableRateLimiting("signin")]
public sealed class EmailModel(Platform platform, Passwords passwords) : PageModel
{
    public Problem? Problem { get; private set; }
    public string Current { get; private set; } = "";

    public IActionResult OnGet()
    {
        if (platform.Accounts.Find(User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "") is not { } account) return NotFound();
        Current = account.Email;
        return Page();
    }

    public IActionResult OnPost(string? email, string? password)
    {
        if (platform.Accounts.Find(User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "") is not { } account) return NotFound();
        Current = account.Email;
        return FormActions.Run(this, () =>
        {
            passwords.Confirm(platform, account, password, "password", "is not your password");
            platform.AccountMail.RequestEmailChange(account.Id, email ?? "");
            return (Flash.Say(this, "A confirmation link was sent to {0}; the change takes effect when it is opened.", Access.Accounts.Normalize(email!)), "/notifications");
        }, p => Problem = p, () => { });
    }
}
