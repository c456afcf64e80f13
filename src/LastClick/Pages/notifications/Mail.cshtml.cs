using System.Security.Claims;
using LastClick.Access;
using LastClick.Notifications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Notifications;

/// <summary>
/// One mail as it was (or will be) sent: its text, its HTML (in a sandboxed frame: no script, no request) and its
/// attachments. A publisher reads its own; an admin reads any, except the body of a mail carrying a one-use link
/// (password reset, address change) meant for someone else.
/// </summary>
[Authorize]
public sealed class MailModel(Platform platform) : PageModel
{
    public MailContent Message { get; private set; } = null!;
    public bool BodyHidden { get; private set; }

    public IActionResult OnGet(long id)
    {
        if (Readable(id) is not { } content) return NotFound();
        Message = content;
        return Page();
    }

    public IActionResult OnGetAttachment(long id, string name)
    {
        if (Readable(id) is null || BodyHidden) return NotFound();
        var file = Mailbox.Attachment(platform.Store, id, name);
        return file is null ? NotFound() : File(file.Content, file.ContentType, file.Name);
    }

    private MailContent? Readable(long id)
    {
        var account = platform.Accounts.Find(User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "");
        var content = account is null ? null : Mailbox.Read(platform.Store, id);
        if (content is null) return null;
        var own = content.Mail.AccountId == account!.Id || account.PublisherId is not null && content.Mail.PublisherId == account.PublisherId;
        if (!own && account.Role != AccountRoles.Admin) return null;
        // A one-use link is for the mailbox it was sent to, never for the dashboard: reading it here would confirm an address one does not own.
        BodyHidden = Mailbox.Secret.Contains(content.Mail.Kind);
        return content;
    }
}
