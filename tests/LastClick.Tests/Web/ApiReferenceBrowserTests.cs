using LastClick.Tests.Support;
using Microsoft.Playwright;

namespace LastClick.Tests.Web;

/// <summary>The interactive API reference (issue 16) in real Chromium: it renders the document, and nothing it loads comes from anywhere but this server.</summary>
[Collection(ChromiumTests.Name)]
public sealed class ApiReferenceBrowserTests(Chromium chromium)
{
    [Fact]
    public async Task I1_the_reference_at_docs_renders_the_operations_from_this_server_alone()
    {
        await using var host = await WebHost.StartAsync();
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.BaseUrl });
        var elsewhere = new List<string>();
        // Every request leaving for another host is recorded and refused (tests talk to 127.0.0.1 only).
        await context.RouteAsync("**/*", async route =>
        {
            if (new Uri(route.Request.Url).Host is "127.0.0.1") await route.ContinueAsync();
            else
            {
                lock (elsewhere) elsewhere.Add(route.Request.Url);
                await route.AbortAsync();
            }
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync("/docs");
        await page.GetByText("The tracking redirect (F2): stores the click, then 302 with lc_click and the lc_vid cookie").First.WaitForAsync();
        Assert.True(await page.GetByText("LastClick API").First.IsVisibleAsync());
        // Another group opens on a click, with the marketplace's operations and the request body's schema.
        await page.GetByRole(AriaRole.Button, new() { Name = "Open Group - marketplace" }).First.ClickAsync();
        await page.GetByText("Receive an order (idempotent by id)").First.WaitForAsync();
        Assert.Empty(elsewhere);
        await context.CloseAsync();
    }
}
