using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>The publisher's commissions with status, reason and sub1; each opens with its rate trace.</summary>
public sealed class CommissionsModel(Platform platform) : PageModel
{
    public const int PageSize = 50;
    public const string DetailBase = "/p/commissions";

    public IReadOnlyList<CommissionRow> Rows { get; private set; } = [];
    public IReadOnlyList<string> Programs { get; private set; } = [];
    public string? Status { get; private set; }
    public string? Program { get; private set; }
    public int Offset { get; private set; }

    public IActionResult OnGet(string? status, string? program, int offset = 0)
    {
        Status = string.IsNullOrEmpty(status) ? null : status;
        Program = string.IsNullOrEmpty(program) ? null : program;
        if (Status is not null && !Dashboard.Statuses.Contains(Status)) return BadRequest();
        Offset = Math.Max(0, offset);
        Programs = [.. platform.Programs.All.Select(p => p.Id).Order(StringComparer.Ordinal)];
        Rows = Dashboard.Commissions(platform.Store, WebSetup.PublisherOf(User), Program, Status, null, PageSize, Offset);
        return Page();
    }
}
