using LastClick.Common;
using LastClick.Support;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>One support thread for the team: the messages and assignments, an answer with files, close, reopen, assign.</summary>
public sealed class OperatorSupportThreadModel(Platform platform) : PageModel
{
    public SupportThreadView View { get; private set; } = null!;
    public IReadOnlyList<Access.Account> Operators { get; private set; } = [];
    public Problem? Problem { get; private set; }

    public IActionResult OnGet(long id)
    {
        if (platform.Support.Read(id, SupportSides.Operator, null) is not { } view) return NotFound();
        View = view;
        Operators = platform.Accounts.Operators();
        return Page();
    }

    public async Task<IActionResult> OnPostMessageAsync(long id, string? body)
    {
        if (platform.Support.Peek(id, null) is null) return NotFound();
        return await FormActions.RunAsync(this, async () =>
        {
            var files = await SupportForms.FilesAsync(Request).ConfigureAwait(false);
            platform.Support.Post(id, SupportSides.Operator, null, body ?? "", files, WebSetup.ActorOf(User));
            return (Flash.Say(this, "Message sent."), $"/o/support/{id}");
        }, problem => Problem = problem, () => OnGet(id)).ConfigureAwait(false);
    }

    public IActionResult OnPostChange(long id, string? status, string? assignee)
    {
        if (platform.Support.Peek(id, null) is null) return NotFound();
        return FormActions.Run(this, () =>
        {
            var thread = platform.Support.Change(id, string.IsNullOrEmpty(status) ? null : status, assignee ?? "", WebSetup.ActorOf(User));
            return (Flash.Say(this, "Request #{0}: {1}.", thread.Id, Flash.Label(this, thread.Status)), $"/o/support/{id}");
        }, problem => Problem = problem, () => OnGet(id));
    }

    public IActionResult OnGetAttachment(long id, long attachment) =>
        platform.Support.Attachment(id, attachment, null) is { } file ? Pages.Publisher.SupportThreadModel.SupportFile(file) : NotFound();
}
