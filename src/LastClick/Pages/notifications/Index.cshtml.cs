using System.Security.Claims;
using LastClick.Access;
using LastClick.Notifications;
using LastClick.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Notifications;

/// <summary>
/// The notification centre (E6) of any signed-in account: the news of its audience (its publisher, or the operator's
/// team), newest first, unread ones marked and then counted read; the mail sent to it (or, without SMTP, queued for
/// it); and for a publisher, which news also comes by email.
/// </summary>
[Authorize]
public sealed class IndexModel(Platform platform) : PageModel
{
    public IReadOnlyList<NotificationView> Items { get; private set; } = [];
    public IReadOnlyList<MailView> Mail { get; private set; } = [];
    public IReadOnlyDictionary<string, bool> Email { get; private set; } = new Dictionary<string, bool>();
    public bool IsPublisher { get; private set; }
    public Common.Problem? Problem { get; private set; }

    public IActionResult OnGet()
    {
        if (Me() is not { } account) return NotFound();
        Load(account);
        if (Items.Count > 0 && Items[0].Unread) platform.News.MarkRead(account, Items[0].Id);
        return Page();
    }

    /// <summary>The publisher's email choices: each kind on when its box is ticked.</summary>
    public IActionResult OnPostEmail(string[]? kinds)
    {
        if (Me() is not { Role: AccountRoles.Publisher, PublisherId: { } publisherId } account) return Forbid();
        var chosen = (kinds ?? []).ToHashSet(StringComparer.Ordinal);
        return FormActions.Run(this, () =>
        {
            if (chosen.FirstOrDefault(k => NewsService.EmailChoices.All(c => c.Kind != k)) is { } unknown) throw Common.ProblemException.Invalid("kinds", $"unknown kind '{unknown}'");
            platform.News.SetPreferences(publisherId, NewsService.EmailChoices.ToDictionary(c => c.Kind, c => chosen.Contains(c.Kind), StringComparer.Ordinal), account.Email);
            return (Flash.Say(this, "Email choices saved."), "/notifications");
        }, p => Problem = p, () => Load(account));
    }

    private Account? Me() => platform.Accounts.Find(User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "");

    private void Load(Account account)
    {
        IsPublisher = account.Role == AccountRoles.Publisher;
        Items = platform.News.List(account, 100, language: System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName);
        Mail = IsPublisher ? Mailbox.List(platform.Store, account.PublisherId, null, 20).Concat(Mailbox.List(platform.Store, null, account.Id, 20))
                .DistinctBy(m => m.Id).OrderByDescending(m => m.Id).Take(20).ToList()
            : Mailbox.List(platform.Store, null, account.Id, 20);
        if (account.PublisherId is { } publisherId) Email = platform.News.Preferences(publisherId);
    }
}
