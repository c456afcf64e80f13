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
    public DateTimeOffset? HeldUntil { get; private set; }

    public IActionResult OnGet()
    {
        if (platform.Applications.Find(PublisherId) is not { } publisher) return NotFound();
        HeldUntil = platform.Payouts.DetailsAndHold(PublisherId).HeldUntil is { } held && held > platform.Clock.GetUtcNow() ? held : null;
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
                passwords.Confirm(platform, platform.Accounts.Find(User.FindFirstValue(ClaimTypes.NameIdentifier) ?? ""), Form.CurrentPassword,
                    "currentPassword", "enter your current password to change payout details");
            }
            platform.Applications.UpdateProfile(PublisherId, Form.Profile(), Form.Payout(), WebSetup.ActorOf(User));
            Flash.Set(this, "Profile saved.");
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
