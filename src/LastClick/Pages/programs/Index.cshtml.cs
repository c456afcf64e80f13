using LastClick.Programs;
using LastClick.Web;
using Microsoft.Extensions.Localization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Programs;

/// <summary>J1: a program's public terms (its lowest and highest paying rate), with its J2 scorecard.</summary>
public sealed record ProgramTerms(ProgramDefinition Program, decimal MinRate, decimal MaxRate, ScorecardResult? Scorecard)
{
    public static ProgramTerms Of(ProgramDefinition p)
    {
        var rates = p.CategoryRates.Values.Where(r => r > 0).Append(p.SellerRateBounds.Min).Append(p.SellerRateBounds.Max).ToList();
        return new ProgramTerms(p, rates.Min(), rates.Max(), p.Scorecard is { } inputs ? LastClick.Programs.Scorecard.Compute(p.Id, inputs) : null);
    }

    /// <summary>"0,4 % – 69 % de la vente": the rates a publisher can earn, in the reader's language.</summary>
    public string RateRange(IStringLocalizer text) => text["{0} – {1} of the sale", Show.Percent(MinRate), Show.Percent(MaxRate)];
}

public sealed class ProgramsModel(Platform platform) : PageModel
{
    public IReadOnlyList<ProgramTerms> Terms { get; private set; } = [];

    public void OnGet() => Terms = [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).Select(ProgramTerms.Of)];
}
