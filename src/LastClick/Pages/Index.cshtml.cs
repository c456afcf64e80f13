using LastClick.Access;
using LastClick.Programs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages;

public sealed class IndexModel(Platform platform) : PageModel
{
    public IReadOnlyList<ProgramDefinition> Programs { get; private set; } = [];

    public IActionResult OnGet()
    {
        if (User.IsInRole(AccountRoles.Publisher)) return Redirect("/p");
        if (User.IsInRole(AccountRoles.Admin) || User.IsInRole(AccountRoles.Moderator)) return Redirect("/o");
        Programs = [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal)];
        return Page();
    }
}
