using System.Text;
using LastClick.Access;
using LastClick.Payouts;
using LastClick.Publishers;
using LastClick.Tests.Support;
using Microsoft.Playwright;

namespace LastClick.Tests.Web;

/// <summary>Payouts in real Chromium: a publisher gives its bank details, an admin plans, approves, exports and downloads the SEPA file, the publisher downloads its statement.</summary>
[Collection(ChromiumTests.Name)]
#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime.DisposeAsync
public sealed class PayoutBrowserTests(Chromium chromium) : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Password = "a long enough password";
    private WebHost _host = null!;

    public async Task InitializeAsync() => _host = await WebHost.StartAsync(
        "--Payouts:Debtor:Name", "Marketplace Ltd", "--Payouts:Debtor:Iban", "DE02120300000000202051", "--Payouts:Debtor:Bic", "BYLADEM1001");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<IPage> SignedIn(string email, string password)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseUrl, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await BrowserTests.SignIn(page, email, password);
        return page;
    }

    private static async Task<byte[]> Download(IPage page, string selector)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync(selector));
        await using var stream = await download.CreateReadStreamAsync();
        using var ms = new MemoryStream();
        await stream.CopyToAsync(ms);
        return ms.ToArray();
    }

    [Fact]
    public async Task D2_D3_an_admin_approves_exports_and_downloads_the_bank_file_and_the_publisher_downloads_its_statement()
    {
        var platform = _host.Platform;
        var id = platform.Applications.Apply(new PublisherProfile("Lena", "lena@pay.example", "DE", [new Channel("site", "https://lena.example/")], "n", "content", ["content"], ["DE"]),
            null, ["aliexpress-ww"], _host.Passwords.Hash(Password), platform.Accounts);
        platform.Applications.Decide(id, "aliexpress-ww", true, null, null, "mod");
        _host.Operator(AccountRoles.Admin, "admin@pay.example", "the admin's password");

        // The publisher: no details yet, told how to fix it; then SEPA details on the profile page, with its password.
        var publisher = await SignedIn("lena@pay.example", Password);
        await publisher.GotoAsync("/p/payouts");
        Assert.True(await publisher.Locator("#details-missing").IsVisibleAsync());
        await publisher.GotoAsync("/p/profile");
        await publisher.SelectOptionAsync("select[name='Form.PayoutMethod']", "sepa");
        await publisher.FillAsync("input[name='Form.AccountHolder']", "Lena Fischer");
        await publisher.FillAsync("input[name='Form.Iban']", "DE89 3704 0044 0532 0130 00");
        await publisher.FillAsync("input[name='Form.CurrentPassword']", Password);
        await publisher.ClickAsync("form button[type=submit]:has-text('Save')");
        await publisher.WaitForSelectorAsync(".flash");
        Assert.True(PayoutDetailsRules.IsComplete(platform.Payouts.Details(id)));
        platform.Payouts.Adjust("aliexpress-ww", id, "USD", 30m, "bonus", "welcome bonus", null, "admin@pay.example");

        // The admin: the preview shows the publisher to be paid; plan, approve, export, download the SEPA file.
        var admin = await SignedIn("admin@pay.example", "the admin's password");
        await admin.GotoAsync("/o/payouts?program=aliexpress-ww");
        Assert.Contains("will be paid", await admin.Locator($"#preview tr[data-publisher='{id}']").InnerTextAsync(), StringComparison.Ordinal);
        await admin.ClickAsync("#plan");
        await admin.WaitForSelectorAsync("#run[data-status=planned]");
        await admin.ClickAsync("#approve");
        await admin.WaitForSelectorAsync("#run[data-status=approved]");
        await admin.ClickAsync("#export");
        await admin.WaitForSelectorAsync("#run[data-status=exported]");
        var xml = await Download(admin, "#files a:has-text('sepa.xml')");
        Assert.Empty(BankFiles.SchemaErrors(xml));
        Assert.Contains("DE89370400440532013000", Encoding.UTF8.GetString(xml), StringComparison.Ordinal);
        Assert.Equal(0m, platform.Ledger.Balances(id).Single(b => b.Currency == "USD").Payable);

        // The publisher: the payment in the history, its statement as a PDF.
        await publisher.GotoAsync("/p/payouts");
        Assert.Contains("EUR", await publisher.Locator("#payout-history").InnerTextAsync(), StringComparison.Ordinal);
        var pdf = await Download(publisher, "#payout-history a.statement-pdf");
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
    }
}
