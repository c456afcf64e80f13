using LastClick.Access;
using LastClick.Common;
using LastClick.Products;
using LastClick.Programs;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>
/// G5, G6 for the operator: the banned keywords (moderators and admins add and remove them) and each program's
/// non-paying stores (admins: a change is a new version of the program's definition). Every change is audited.
/// </summary>
public sealed class OperatorListsModel(Platform platform) : PageModel
{
    public IReadOnlyList<BannedKeyword> Keywords { get; private set; } = [];
    public IReadOnlyList<(ProgramDefinition Program, ListVersion? List)> Stores { get; private set; } = [];
    public IReadOnlyList<Data.AuditEntry> Audit { get; private set; } = [];
    public Problem? Problem { get; private set; }
    public bool Admin => User.IsInRole(AccountRoles.Admin);

    public void OnGet() => Load();

    public IActionResult OnPostAdd(string? keywords) => Change(() =>
    {
        var added = platform.Keywords.Add([.. (keywords ?? "").Split('\n').Select(k => k.Trim()).Where(k => k.Length > 0)], WebSetup.ActorOf(User));
        Flash.Set(this, "{0} keywords added.", added);
    });

    public IActionResult OnPostRemove(string? keyword) => Change(() =>
    {
        if (!platform.Keywords.Remove(keyword ?? "", WebSetup.ActorOf(User))) throw new ProblemException(Common.Problem.NotFound("keyword", $"'{keyword}' is not listed"));
        Flash.Set(this, "“{0}” removed.", keyword);
    });

    public IActionResult OnPostStores(string? program, string? stores, string? note)
    {
        if (!User.IsInRole(AccountRoles.Admin)) return Forbid();
        return Change(() =>
        {
            var list = (stores ?? "").Split('\n').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
            NonPayingStores.Set(platform.ProgramEditor, program ?? "", list, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), WebSetup.ActorOf(User), platform.Clock.GetUtcNow());
            Flash.Set(this, "{0}: {1} stores that pay no commission, from today.", program, list.Count);
        });
    }

    private IActionResult Change(Action change)
    {
        try
        {
            change();
            return Redirect("/o/lists");
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = e.Problem.Type == "not_found" ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
        }
        Load();
        return Page();
    }

    private void Load()
    {
        Keywords = platform.Keywords.All();
        var now = platform.Clock.GetUtcNow();
        Stores = [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => (p, NonPayingStores.Current(p, now)))];
        Audit = platform.Store.Read(s => Data.AuditLog.Recent(s, 20, "banned_keywords"));
    }
}
