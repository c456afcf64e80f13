using LastClick.Access;
using LastClick.Publishers;
using LastClick.Reports;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>
/// E5: the ranking computed now over a period (90 days unless another is chosen), beside each publisher's stored place
/// and the quality of its orders over the same months (H3): what "quality" in the score is made of. An admin stores
/// the 90-day ranking (the one applications are admitted by).
/// </summary>
public sealed class RankingModel(Platform platform) : PageModel
{
    /// <summary>The periods the page offers, in days.</summary>
    public static readonly IReadOnlyList<int> Periods = [30, 90, 180, 365];

    public IReadOnlyList<RankingRow> Rows { get; private set; } = [];
    public IReadOnlyDictionary<string, int> Stored { get; private set; } = new Dictionary<string, int>();
    public int Days { get; private set; } = (int)Ranking.DefaultPeriod.TotalDays;

    /// <summary>Each ranked publisher's quality row (in the currency it has most orders in), by publisher.</summary>
    public IReadOnlyDictionary<string, QualityRow> Quality { get; private set; } = new Dictionary<string, QualityRow>();

    public IReadOnlyDictionary<string, string> Names { get; private set; } = new Dictionary<string, string>();

    public void OnGet(int? days)
    {
        Days = days is { } d && Periods.Contains(d) ? d : Days;
        var now = platform.Clock.GetUtcNow();
        (Rows, Stored) = platform.Store.Read(s => (Ranking.Compute(s, platform.Programs, now - TimeSpan.FromDays(Days), now), Ranking.Stored(s)));
        var (from, to) = (QualityRollup.MonthOf(DateOnly.FromDateTime(now.AddDays(-Days).UtcDateTime)), QualityRollup.MonthOf(DateOnly.FromDateTime(now.UtcDateTime)));
        var first = QualityReport.Run(platform.Store, new QualityQuery("publisher", null, null, from, to, null, QualityReport.MaxLimit));
        Quality = first.Currencies.Skip(1)
            .SelectMany(c => QualityReport.Run(platform.Store, new QualityQuery("publisher", null, null, from, to, c, QualityReport.MaxLimit)).Rows)
            .Concat(first.Rows).GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Orders)!, StringComparer.Ordinal);
        Names = ReportView.PublisherNames(platform, Rows.Select(r => r.PublisherId));
    }

    public IActionResult OnPost()
    {
        if (!User.IsInRole(AccountRoles.Admin)) return Forbid();
        var rows = Ranking.Recompute(platform.Store, platform.Programs, platform.Clock.GetUtcNow(), Ranking.DefaultPeriod, WebSetup.ActorOf(User));
        Flash.Set(this, "Ranking saved: {0} publishers ranked.", rows.Count);
        return Redirect("/o/ranking");
    }
}
