using System.Text;
using LastClick.Common;
using LastClick.Products;
using LastClick.Server;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>G4: a market's best sellers of the latest month ranked — a page, a CSV, and a feed (made on the feeds page).</summary>
public sealed class BestSellersModel(Platform platform) : PageModel
{
    public string Market { get; private set; } = "DE";
    public IReadOnlyList<BestSeller> List { get; private set; } = [];
    public Problem? Problem { get; private set; }

    /// <summary>The products of the list as the catalog has them, with this publisher's rate under <see cref="Program"/>.</summary>
    public IReadOnlyDictionary<string, ProductOffer> Offers { get; private set; } = new Dictionary<string, ProductOffer>();

    /// <summary>The publisher's program that serves the market (its rules give the rates), or null.</summary>
    public LastClick.Programs.ProgramDefinition? Program { get; private set; }

    public void OnGet()
    {
        try
        {
            var me = Web.WebSetup.PublisherOf(User);
            var programs = Web.Dashboard.MemberPrograms(platform, me);
            var asked = Request.Query["market"].FirstOrDefault();
            // Unless one is asked for: the first market of the publisher's programs that has a list, else the first ranked.
            var ranked = programs.SelectMany(p => p.Markets).Where(BestSellerJob.Markets.Contains).ToList();
            Market = BestSellerJob.Market(asked
                ?? ranked.FirstOrDefault(m => platform.Store.Read(s => BestSellerJob.Latest(s, m)) is not null) ?? ranked.FirstOrDefault() ?? "DE");
            List = BestSellerJob.List(platform.Store, Market);
            Program = programs.FirstOrDefault(p => p.Markets.Contains(Market));
            if (Program is not null)
            {
                var language = System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
                Offers = platform.Feeds.Offers(me, Program.Id, Market, language, [.. List.Select(b => b.ProductId)]);
            }
        }
        catch (ProblemException e)
        {
            Problem = e.Problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    public IActionResult OnGetCsv()
    {
        try
        {
            var market = BestSellerJob.Market(Request.Query["market"].FirstOrDefault() ?? "DE");
            var list = BestSellerJob.List(platform.Store, market);
            var month = list.Count > 0 ? list[0].Month : "none";
            return File(Encoding.UTF8.GetBytes(LastClickServer.BestSellerCsv(list)), "text/csv; charset=utf-8", $"lastclick-best-sellers-{market}-{month}.csv");
        }
        catch (ProblemException e)
        {
            return BadRequest(e.Problem.ToString());
        }
    }
}
