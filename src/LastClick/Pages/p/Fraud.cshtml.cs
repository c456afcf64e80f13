using LastClick.Common;
using LastClick.Fraud;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>The publisher's confirmed traffic findings (E4): what was found, the evidence, what it cost, and an answer the program reads.</summary>
public sealed class FindingsModel(Platform platform) : PageModel
{
    public IReadOnlyList<Finding> Findings { get; private set; } = [];
    public Problem? Problem { get; private set; }

    public IReadOnlyDictionary<string, long> Threads { get; private set; } = new Dictionary<string, long>();

    public void OnGet()
    {
        Findings = platform.Fraud.ForPublisher(WebSetup.PublisherOf(User), limit: 200);
        Threads = platform.Support.ThreadsOf(LastClick.Support.SupportAbout.Finding, Findings.Select(f => f.Id), WebSetup.PublisherOf(User));
    }

    public IActionResult OnPost(long? finding, string? note) => FormActions.Run(this, () =>
    {
        platform.Fraud.Reply(WebSetup.PublisherOf(User), finding ?? 0, note);
        return (Flash.Say(this, "Answer to finding #{0} sent.", finding), "/p/fraud");
    }, problem => Problem = problem, OnGet);
}
