using LastClick.Common;
using LastClick.Publishers;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>E2/E3: pending applications, oldest first; approve, or reject with a reason code and a message the applicant reads.</summary>
public sealed class ModerationModel(Platform platform) : PageModel
{
    public IReadOnlyList<(ApplicationView Application, PublisherRecord Publisher)> Queue { get; private set; } = [];
    public Problem? Problem { get; private set; }

    public void OnGet() => Queue = platform.Applications.Queue();

    public IActionResult OnPost(string? publisher, string? program, string? decision, string? reason, string? message)
    {
        try
        {
            if (decision is not ("approve" or "reject")) throw ProblemException.Invalid("decision", "approve or reject");
            var decided = platform.Applications.Decide(publisher ?? "", program ?? "", decision == "approve",
                string.IsNullOrEmpty(reason) || decision == "approve" ? null : reason, message, WebSetup.ActorOf(User));
            var name = platform.Applications.Find(decided.PublisherId)?.Profile?.ContactName ?? decided.PublisherId;
            var programName = platform.Programs.All.FirstOrDefault(p => p.Id == decided.ProgramId)?.Name ?? decided.ProgramId;
            Flash.Set(this, "{0} → {1}: {2}.", name, programName, Flash.Label(this, decided.Status));
            return Redirect("/o/moderation");
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = Server.LastClickServer.StatusOf(e.Problem);
            Queue = platform.Applications.Queue();
            return Page();
        }
    }
}
