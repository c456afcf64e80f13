using LastClick.Data;
using LastClick.Ledger;
using LastClick.Publishers;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

public sealed class PublisherModel(Platform platform) : PageModel
{
    public PublisherRecord? Publisher { get; private set; }
    public IReadOnlyList<ApplicationView> Applications { get; private set; } = [];
    public IReadOnlyList<BalanceView> Balances { get; private set; } = [];
    public IReadOnlyList<CommissionRow> Commissions { get; private set; } = [];
    public IReadOnlyList<AuditEntry> Audit { get; private set; } = [];

    public IActionResult OnGet(string id)
    {
        Publisher = platform.Applications.Find(id);
        if (Publisher is null) return NotFound();
        Applications = platform.Applications.For(id);
        Balances = platform.Ledger.Balances(id);
        Commissions = Dashboard.Commissions(platform.Store, id, null, null, null, 20, 0);
        Audit = platform.Store.Read(s => AuditLog.Recent(s, 50, $"publisher:{id}"));
        return Page();
    }
}
