using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace LastClick.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright: the system executable, headless, no sandbox (CI runs as root), and no
/// background networking (the machine has no way out; tests only talk to 127.0.0.1). One browser for the collection.
/// </summary>
#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime.DisposeAsync
public sealed class Chromium : IAsyncLifetime
#pragma warning restore CA1001
{
    public const string Executable = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: apt-get install chromium (.ci/run installs it)");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }

    /// <summary>Any address but the sign-in page's: where a sign-in lands.</summary>
    public static readonly Regex LeftSignIn = new("^(?!.*/signin)");

    /// <summary>
    /// Waits until the page's address matches <paramref name="address"/>. Not <c>page.WaitForURLAsync</c>: it checks the
    /// address and then subscribes to the load event, and a load that fires in between is lost, so it waits out its
    /// whole timeout on a page long loaded (playwright-dotnet#3364; met once in CI: a sign-in timed out in
    /// WaitForLoadStateAsync, the address already changed). The assertion polls the page instead, and an action after
    /// it waits for its own element.
    /// </summary>
    /// <remarks>The pattern runs in the browser as a JavaScript RegExp: no .NET options.</remarks>
    public static Task Reached(IPage page, Regex address) =>
        Assertions.Expect(page).ToHaveURLAsync(address, new PageAssertionsToHaveURLOptions { Timeout = 15_000 });
}

[CollectionDefinition(Name)]
public sealed class ChromiumTests : ICollectionFixture<Chromium>
{
    public const string Name = "chromium";
}
