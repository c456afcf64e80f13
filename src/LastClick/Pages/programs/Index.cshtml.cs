using System.Globalization;
using LastClick.Programs;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Programs;

/// <summary>J1: a program's public terms, with its J2 scorecard.</summary>
public sealed record ProgramTerms(ProgramDefinition Program, string RateRange, ScorecardResult? Scorecard)
{
    public static ProgramTerms Of(ProgramDefinition p)
    {
        var rates = p.CategoryRates.Values.Where(r => r > 0).Append(p.SellerRateBounds.Min).Append(p.SellerRateBounds.Max).ToList();
        var range = string.Create(CultureInfo.InvariantCulture, $"{rates.Min() * 100:0.##}% – {rates.Max() * 100:0.##}% of the sale");
        return new ProgramTerms(p, range, p.Scorecard is { } inputs ? LastClick.Programs.Scorecard.Compute(p.Id, inputs) : null);
    }
}

public sealed class ProgramsModel(Platform platform) : PageModel
{
    public IReadOnlyList<ProgramTerms> Terms { get; private set; } = [];

    public void OnGet() => Terms = [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).Select(ProgramTerms.Of)];
}
