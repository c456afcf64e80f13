using LastClick.Access;
using LastClick.Publishers;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>E5: the ranking computed now over the last 90 days, beside each publisher's stored place; an admin stores it.</summary>
public sealed class RankingModel(Platform platform) : PageModel
{
    public IReadOnlyList<RankingRow> Rows { get; private set; } = [];
    public IReadOnlyDictionary<string, int> Stored { get; private set; } = new Dictionary<string, int>();

    public void OnGet()
    {
        (Rows, Stored) = platform.Store.Read(s =>
            (Ranking.Compute(s, platform.Programs, platform.Clock.GetUtcNow() - Ranking.DefaultPeriod, platform.Clock.GetUtcNow()), Ranking.Stored(s)));
    }

    public IActionResult OnPost()
    {
        if (!User.IsInRole(AccountRoles.Admin)) return Forbid();
        var rows = Ranking.Recompute(platform.Store, platform.Programs, platform.Clock.GetUtcNow(), Ranking.DefaultPeriod, WebSetup.ActorOf(User));
        Flash.Set(this, "Ranking saved: {0} publishers ranked.", rows.Count);
        return Redirect("/o/ranking");
    }
}
