using LastClick.Pages.Programs;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

public sealed class OperatorProgramsModel(Platform platform) : PageModel
{
    public IReadOnlyList<(ProgramTerms Terms, int Version)> Rows { get; private set; } = [];

    public void OnGet() => Rows = [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal)
        .Select(p => (ProgramTerms.Of(p), platform.ProgramEditor.Current(p.Id).Version))];
}
