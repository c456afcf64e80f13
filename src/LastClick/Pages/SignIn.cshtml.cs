using LastClick.Access;
using LastClick.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace LastClick.Pages;

/// <summary>
/// Cookie sign-in. A wrong email and a wrong password answer alike (and cost the same: an unknown email is checked
/// against a dummy hash); the fifth failure in a row locks the account for 15 minutes; posts are rate limited per address.
/// </summary>
[EnableRateLimiting("signin")]
public sealed class SignInModel(Platform platform, Passwords passwords) : PageModel
{
    private static readonly Lazy<string> DummyHash = new(() => new Passwords().Hash(Guid.NewGuid().ToString()));

    public string? Error { get; private set; }
    public string? Email { get; private set; }
    public string? ReturnUrl { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? returnUrl)
    {
        Email = email;
        ReturnUrl = returnUrl;
        var account = string.IsNullOrWhiteSpace(email) ? null : platform.Accounts.FindByEmail(email);
        if (account is null)
        {
            passwords.Verify(platform, new Account("", "", "", DummyHash.Value, "", null, 0, null, ""), password ?? "");
            Error = "The email or the password is wrong.";
            return Page();
        }
        var result = passwords.Attempt(platform, account, password);
        if (result != Accounts.SignInResult.Succeeded)
        {
            Error = result == Accounts.SignInResult.LockedOut
                ? $"Too many failed sign-ins: the account is locked for {Accounts.LockoutFor.TotalMinutes:0} minutes."
                : "The email or the password is wrong.";
            return Page();
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, WebSetup.Principal(account)).ConfigureAwait(false);
        // A header carries ASCII only: a return address with other characters (typed, not one of ours) goes home.
        if (!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) && returnUrl.All(c => c is >= ' ' and <= '~')) return LocalRedirect(returnUrl);
        return Redirect(account.Role == AccountRoles.Publisher ? "/p" : "/o");
    }
}
