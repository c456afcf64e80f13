using LastClick.Access;
using LastClick.Notifications;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>
/// Every mail the platform sent or queued, for admins: whether SMTP is configured, counts by status, the newest mail. With
/// no SMTP server (the embedded default, the demo) this is where the mail is read.
/// </summary>
public sealed class MailModel(Platform platform, Server.MailSettings settings) : PageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<MailView> Mail { get; private set; } = [];
    public IReadOnlyDictionary<string, long> Counts { get; private set; } = new Dictionary<string, long>();
    public SmtpSettings? Smtp => settings.Smtp;
    public int Offset { get; private set; }

    public IActionResult OnGet(int offset = 0)
    {
        if (!User.IsInRole(AccountRoles.Admin)) return Forbid();
        Offset = Math.Max(0, offset);
        Mail = Mailbox.List(platform.Store, null, null, PageSize, Offset);
        Counts = Mailbox.Counts(platform.Store);
        return Page();
    }
}
