using System.Security.Claims;
using LastClick.Common;
using LastClick.Publishers;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>The publisher's profile (E1) and payout details (D3), checked as at sign-up; the change is audited.</summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting("signin")]
public sealed class ProfileModel(Platform platform, Passwords passwords) : PageModel
{
    [BindProperty] public ProfileForm Form { get; set; } = new();
    public Problem? Problem { get; private set; }
    public string PublisherId => WebSetup.PublisherOf(User);

    public IActionResult OnGet()
    {
        if (platform.Applications.Find(PublisherId) is not { } publisher) return NotFound();
        Form = ProfileForm.From(publisher);
        if (Form.Email is null) Form.Email = User.Identity?.Name;
        return Page();
    }

    public IActionResult OnPost()
    {
        try
        {
            Form.Email = User.Identity?.Name;
            var stored = platform.Applications.Find(PublisherId)?.Payout;
            var payout = Applications.ValidatePayout(Form.Payout());
            if (payout != stored)
            {
                var account = platform.Accounts.Find(User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "");
                // Counted like a sign-in (the same lockout): a stolen session cannot guess its way to the payouts.
                var result = account is null ? Access.Accounts.SignInResult.Failed
                    : platform.Accounts.Attempt(account, !string.IsNullOrEmpty(Form.CurrentPassword) && passwords.Verify(platform, account, Form.CurrentPassword));
                if (result != Access.Accounts.SignInResult.Succeeded)
                {
                    throw ProblemException.Invalid("currentPassword", result == Access.Accounts.SignInResult.LockedOut
                        ? "too many wrong passwords: the account is locked for 15 minutes" : "enter your current password to change payout details");
                }
            }
            platform.Applications.UpdateProfile(PublisherId, Form.Profile(), Form.Payout(), WebSetup.ActorOf(User));
            TempData["Flash"] = "Profile saved.";
            return Redirect("/p/profile");
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
    }
}
