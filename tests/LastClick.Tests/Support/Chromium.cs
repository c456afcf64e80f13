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
}

[CollectionDefinition(Name)]
public sealed class ChromiumTests : ICollectionFixture<Chromium>
{
    public const string Name = "chromium";
}
