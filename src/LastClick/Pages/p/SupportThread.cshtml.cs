using LastClick.Common;
using LastClick.Support;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>One of the publisher's support threads: the messages (reading them marks the thread read) and an answer with files.</summary>
public sealed class SupportThreadModel(Platform platform) : PageModel
{
    public SupportThreadView View { get; private set; } = null!;
    public Problem? Problem { get; private set; }

    public IActionResult OnGet(long id)
    {
        if (platform.Support.Read(id, SupportSides.Publisher, WebSetup.PublisherOf(User)) is not { } view) return NotFound();
        View = view;
        return Page();
    }

    public async Task<IActionResult> OnPostMessageAsync(long id, string? body)
    {
        if (platform.Support.Peek(id, WebSetup.PublisherOf(User)) is null) return NotFound();
        return await FormActions.RunAsync(this, async () =>
        {
            var files = await SupportForms.FilesAsync(Request).ConfigureAwait(false);
            platform.Support.Post(id, SupportSides.Publisher, WebSetup.PublisherOf(User), body ?? "", files, WebSetup.ActorOf(User));
            return (Flash.Say(this, "Message sent."), $"/p/support/{id}");
        }, problem => Problem = problem, () => OnGet(id)).ConfigureAwait(false);
    }

    public IActionResult OnGetAttachment(long id, long attachment) =>
        platform.Support.Attachment(id, attachment, WebSetup.PublisherOf(User)) is { } file ? SupportFile(file) : NotFound();

    /// <summary>A support file, as a download (pictures also show in the thread); the dashboard's headers say never to sniff it.</summary>
    internal static FileContentResult SupportFile(AttachmentFile file) => new(file.Content, file.MediaType) { FileDownloadName = file.Name };
}
