using LastClick.Common;
using LastClick.Pages.Programs;
using LastClick.Publishers;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>The programs' terms, where each application stands (with the moderator's message), and applying to another program.</summary>
public sealed class MembershipsModel(Platform platform, Microsoft.Extensions.Localization.IStringLocalizer<Text> text) : PageModel
{
    public IReadOnlyList<ProgramTerms> Terms { get; private set; } = [];
    public IReadOnlyList<ApplicationView> Applications { get; private set; } = [];

    public void OnGet() => Load();

    public IActionResult OnPostApply(string? program)
    {
        try
        {
            var decided = platform.Applications.ApplyTo(WebSetup.PublisherOf(User), program ?? "", WebSetup.ActorOf(User));
            TempData["Flash"] = decided.Status == ApplicationStatus.Pending ? text["Application sent to moderation."].Value
                : $"{Show.Label(text, decided.Status)}: {decided.Message}";
        }
        catch (ProblemException e) when (e.Problem.Type == "not_found")
        {
            return NotFound();
        }
        catch (ProblemException e)
        {
            TempData["Flash"] = $"{e.Problem.Field}: {e.Problem.Detail}";
        }
        return Redirect("/p/programs");
    }

    private void Load()
    {
        Terms = [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).Select(ProgramTerms.Of)];
        Applications = platform.Applications.For(WebSetup.PublisherOf(User));
    }
}
