using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Programs;

public sealed class TermsModel(Platform platform) : PageModel
{
    public ProgramTerms? Terms { get; private set; }

    public IActionResult OnGet(string id)
    {
        var program = platform.Programs.All.FirstOrDefault(p => p.Id == id);
        if (program is null) return NotFound();
        Terms = ProgramTerms.Of(program);
        return Page();
    }
}
