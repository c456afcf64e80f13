using LastClick.Publishers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

public sealed class PublishersModel(Platform platform) : PageModel
{
    public IReadOnlyList<PublisherRecord> Rows { get; private set; } = [];
    public string? Status { get; private set; }
    public int Offset { get; private set; }

    public IActionResult OnGet(string? status, int offset = 0)
    {
        Status = string.IsNullOrEmpty(status) ? null : status;
        if (Status is not (null or "pending" or "approved" or "rejected")) return BadRequest();
        Offset = Math.Max(0, offset);
        Rows = platform.Applications.Publishers(Status, 100, Offset);
        return Page();
    }
}
