using System.Text;
using LastClick.Products;
using LastClick.Programs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>
/// G5, G6: the banned keywords (downloadable, and a checker for a pasted keyword list) and each program's non-paying
/// stores. The checker changes nothing, so it is a GET form.
/// </summary>
public sealed class ListsModel(Platform platform) : PageModel
{
    public IReadOnlyList<BannedKeyword> Keywords { get; private set; } = [];
    public string Pasted { get; private set; } = "";
    public IReadOnlyList<KeywordCheck>? Checks { get; private set; }
    public IReadOnlyList<(ProgramDefinition Program, ListVersion? List)> Stores { get; private set; } = [];
    public string? Problem { get; private set; }

    public void OnGet()
    {
        Keywords = platform.Keywords.All();
        var now = platform.Clock.GetUtcNow();
        Stores = [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => (p, NonPayingStores.Current(p, now)))];
        if (Request.Query["keywords"].FirstOrDefault() is { Length: > 0 } pasted)
        {
            Pasted = pasted;
            try
            {
                Checks = platform.Keywords.Check(pasted.Split('\n'));
            }
            catch (Common.ProblemException e)
            {
                Problem = e.Problem.ToString();
                Response.StatusCode = StatusCodes.Status400BadRequest;
            }
        }
    }

    public IActionResult OnGetKeywords() =>
        File(Encoding.UTF8.GetBytes(Server.LastClickServer.KeywordsText(platform.Keywords.All())), "text/plain; charset=utf-8", "banned-keywords.txt");

    public IActionResult OnGetStores() =>
        File(Encoding.UTF8.GetBytes(Server.LastClickServer.NonPayingStoresCsv(platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal),
            platform.Clock.GetUtcNow())), "text/csv; charset=utf-8", "non-paying-stores.csv");
}
