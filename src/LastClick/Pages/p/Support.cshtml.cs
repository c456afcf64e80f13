using LastClick.Common;
using LastClick.Support;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>The publisher's support requests (I3): its threads with unread ones marked, and a form to open one.</summary>
public sealed class SupportModel(Platform platform) : PageModel
{
    public IReadOnlyList<SupportThread> Threads { get; private set; } = [];
    public IReadOnlyList<LastClick.Programs.ProgramDefinition> Programs => [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal)];
    public Problem? Problem { get; private set; }
    public string? Topic { get; private set; }
    public string? Subject { get; private set; }
    public string? Body { get; private set; }
    public string? AboutKind { get; private set; }
    public string? AboutId { get; private set; }

    public void OnGet()
    {
        Threads = platform.Support.ForPublisher(WebSetup.PublisherOf(User), limit: 200);
        // "Ask about this" links elsewhere fill the form in.
        AboutKind ??= Request.Query["about"].FirstOrDefault();
        AboutId ??= Request.Query["id"].FirstOrDefault();
        Topic ??= Request.Query["topic"].FirstOrDefault();
    }

    public async Task<IActionResult> OnPostAsync(string? topic, string? subject, string? body, string? program, string? aboutKind, string? aboutId)
    {
        (Topic, Subject, Body, AboutKind, AboutId) = (topic, subject, body, aboutKind, aboutId);
        return await FormActions.RunAsync(this, async () =>
        {
            var files = await SupportForms.FilesAsync(Request).ConfigureAwait(false);
            var request = new SupportRequest(topic ?? "", subject ?? "", body ?? "", string.IsNullOrEmpty(program) ? null : program, SupportForms.About(aboutKind, aboutId), files);
            var thread = platform.Support.Open(WebSetup.PublisherOf(User), request, WebSetup.ActorOf(User));
            return (Flash.Say(this, "Request #{0} sent.", thread.Id), $"/p/support/{thread.Id}");
        }, problem => Problem = problem, OnGet).ConfigureAwait(false);
    }
}
