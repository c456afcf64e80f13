using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>Every order with its attribution (publisher, click, reason) and status; filters by program, status, publisher, id.</summary>
public sealed class OrdersModel(Platform platform) : PageModel
{
    public IReadOnlyList<CommissionRow> Rows { get; private set; } = [];
    public IReadOnlyList<string> Programs { get; private set; } = [];
    public string? Program { get; private set; }
    public string? Status { get; private set; }
    public string? Publisher { get; private set; }
    public string? Id { get; private set; }
    public int Offset { get; private set; }

    public IActionResult OnGet(string? program, string? status, string? publisher, string? id, int offset = 0)
    {
        static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        (Program, Status, Publisher, Id, Offset) = (Blank(program), Blank(status), Blank(publisher), Blank(id), Math.Max(0, offset));
        if (Status is not null && !Dashboard.Statuses.Contains(Status)) return BadRequest();
        Programs = [.. platform.Programs.All.Select(p => p.Id).Order(StringComparer.Ordinal)];
        Rows = Dashboard.Commissions(platform.Store, Publisher, Program, Status, Id, 100, Offset);
        return Page();
    }
}
