using LastClick.Ledger;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>Pending / confirmed / payable / paid per currency, the deductions, and the ledger's history (newest first).</summary>
public sealed class BalanceModel(Platform platform) : PageModel
{
    public IReadOnlyList<BalanceView> Balances { get; private set; } = [];
    public IReadOnlyList<TransferView> History { get; private set; } = [];
    public IReadOnlyDictionary<string, decimal> Deductions { get; private set; } = new Dictionary<string, decimal>();

    public void OnGet()
    {
        var me = WebSetup.PublisherOf(User);
        Balances = platform.Ledger.Balances(me);
        var transfers = platform.Ledger.Transfers(me);
        History = [.. transfers.OrderByDescending(t => t.At).Take(500)];
        Deductions = transfers.Where(t => t.Kind is "refund_adjustment" or "antispam_deduction")
            .GroupBy(t => t.Currency).ToDictionary(g => g.Key, g => g.Sum(t => t.Amount));
    }
}
