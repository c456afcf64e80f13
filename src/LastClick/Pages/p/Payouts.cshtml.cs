using LastClick.Payouts;
using LastClick.Publishers;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace LastClick.Pages.Publisher;

/// <summary>
/// The publisher's payouts (D2, D3): the next payout per program (date, payable amount, threshold, what holds it and how to
/// fix that), the history of runs with statements to download (CSV, PDF), and the payout details on file.
/// </summary>
public sealed class MyPayoutsModel(Platform platform) : PageModel
{
    public IReadOnlyList<UpcomingPayout> Upcoming { get; private set; } = [];
    public IReadOnlyList<PublisherPayoutLine> History { get; private set; } = [];
    public PayoutDetails? Details { get; private set; }
    public DateTimeOffset? HeldUntil { get; private set; }
    public bool Complete => PayoutDetailsRules.IsComplete(Details);

    public void OnGet()
    {
        var me = WebSetup.PublisherOf(User);
        Upcoming = platform.Payouts.Upcoming(me);
        History = platform.Payouts.History(me);
        (Details, HeldUntil) = platform.Payouts.DetailsAndHold(me);
        if (HeldUntil <= platform.Clock.GetUtcNow()) HeldUntil = null;
    }

    public IActionResult OnGetStatement(string? run, string? format) =>
        Operators.StatementDownload.For(platform, run, WebSetup.PublisherOf(User), format, this);

    /// <summary>
    /// What a reason that holds a payout means to the publisher and what to do about it, in the reader's language: the
    /// page's own sentence where it has one, else the code's explanation, else its label.
    /// </summary>
    public static string Explain(IStringLocalizer text, string? reason) => reason switch
    {
        null => "",
        "nothing_payable" => text["Nothing is payable yet: commissions become payable once the order is received and its hold is over."],
        "below_threshold" => text["Below the program's threshold: the amount carries over to the next run."],
        "negative_balance" => text["Deductions after a payment exceed what is payable: later commissions recover them first."],
        "payout_details_missing" => text["Add complete payout details in your profile."],
        "payout_details_changed" => text["Your payout details changed recently: payouts are held for 48 hours."],
        "payout_method_not_offered" => text["This program does not pay by that method: choose another in your profile."],
        "payout_currency_not_convertible" => text["The program cannot convert to the currency you asked for: choose another in your profile."],
        "balance_changed" => text["The balance changed between planning and payment: it carries over."],
        _ => Show.Help(text, reason) ?? Show.Label(text, reason),
    };
}
