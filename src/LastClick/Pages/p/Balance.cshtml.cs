using LastClick.Ledger;
using LastClick.Payouts;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>
/// What the publisher will be paid and when (the next run per program, its threshold, what holds it), what is not
/// payable yet and why, the amounts by state, and the history as changes to what it earned: a new commission is a plus,
/// a reversal or deduction a minus, a move between states (pending → confirmed → payable → paid) changes nothing.
/// </summary>
public sealed class BalanceModel(Platform platform) : PageModel
{
    public IReadOnlyList<BalanceView> Balances { get; private set; } = [];
    public IReadOnlyList<TransferView> History { get; private set; } = [];
    public IReadOnlyList<UpcomingPayout> Upcoming { get; private set; } = [];
    public IReadOnlyDictionary<string, decimal> Deductions { get; private set; } = new Dictionary<string, decimal>();

    /// <summary>The cash-flow forecast of the largest open program and currency (H4), or null with nothing open.</summary>
    public LastClick.Forecast.CashFlowForecast? Forecast { get; private set; }

    /// <summary>The forecast as the chart draws it: week labels, expected payments and the band.</summary>
    public string ForecastChart() => System.Text.Json.JsonSerializer.Serialize(new
    {
        labels = Forecast!.Weeks.Select(w => Show.Date(w.Start)),
        expected = Forecast.Weeks.Select(w => w.Paid.Expected),
        low = Forecast.Weeks.Select(w => w.Paid.Low),
        high = Forecast.Weeks.Select(w => w.Paid.High),
    });

    public void OnGet()
    {
        var me = WebSetup.PublisherOf(User);
        Balances = platform.Ledger.Balances(me);
        Upcoming = platform.Payouts.Upcoming(me);
        var transfers = platform.Ledger.Transfers(me);
        History = [.. transfers.OrderByDescending(t => t.At).ThenByDescending(t => t.Id).Take(500)];
        // H4: only when something is open (nothing to forecast otherwise).
        Forecast = Balances.Any(b => b.Pending != 0 || b.Confirmed != 0 || b.Payable != 0) ? platform.Forecasts.Project(me, null, null) : null;
        Deductions = transfers.Where(t => t.Kind is EntryKinds.RefundAdjustment or EntryKinds.AntispamDeduction)
            .GroupBy(t => t.Currency).ToDictionary(g => g.Key, g => g.Sum(t => Math.Abs(t.Amount)));
    }

    /// <summary>A transfer's effect on what the publisher has earned: money from the program adds, money back to it subtracts.</summary>
    public static decimal Change(TransferView t) =>
        t.From == "program" && t.To != "program" ? t.Amount
        : t.To == "program" && t.From != "program" ? -t.Amount
        : 0m;
}
