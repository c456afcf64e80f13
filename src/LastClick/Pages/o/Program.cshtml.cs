using LastClick.Access;
using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>A program's definition, edited by an admin as JSON with the loader's validation, each save a version, audited.</summary>
public sealed class OperatorProgramModel(Platform platform) : PageModel
{
    public string Id { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Json { get; private set; } = "";
    public int Version { get; private set; }
    public IReadOnlyList<ProgramVersion> History { get; private set; } = [];
    public IReadOnlyList<AuditEntry> Audit { get; private set; } = [];
    public Problem? Problem { get; private set; }

    public IActionResult OnGet(string id)
    {
        if (!Load(id)) return NotFound();
        return Page();
    }

    public IActionResult OnPost(string id, string? definition, int baseVersion)
    {
        if (!platform.Programs.All.Any(p => p.Id == id)) return NotFound();
        if (!User.IsInRole(AccountRoles.Admin)) return Forbid();
        try
        {
            var changed = platform.ProgramEditor.Save(id, definition ?? "", baseVersion, WebSetup.ActorOf(User));
            Flash.Set(this, "Saved: {0}.", string.Join(", ", changed));
            return Redirect($"/o/programs/{id}");
        }
        catch (ProblemException e)
        {
            Load(id);
            Json = definition ?? "";
            Problem = e.Problem;
            Response.StatusCode = e.Problem.Type == "conflict" ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            return Page();
        }
    }

    private bool Load(string id)
    {
        var program = platform.Programs.All.FirstOrDefault(p => p.Id == id);
        if (program is null) return false;
        (Id, Name) = (program.Id, program.Name);
        (Json, Version) = platform.ProgramEditor.Current(id);
        History = platform.ProgramEditor.History(id);
        Audit = platform.Store.Read(s => AuditLog.Recent(s, 50, $"program:{id}"));
        return true;
    }
}
