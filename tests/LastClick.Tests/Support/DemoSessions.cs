using LastClick.Replay;
using LastClick.Server;

namespace LastClick.Tests.Support;

/// <summary>
/// The dashboard tests' common start: the demo seeded on a new SQLite store, its publisher and its admin signed in,
/// each in a browser-like session; all disposed after the test.
/// </summary>
public abstract class DemoSessions : IAsyncLifetime
{
    protected WebHost Host { get; private set; } = null!;
    protected Demo.Setup Setup { get; private set; } = null!;
    protected WebHost.Session PublisherSession { get; private set; } = null!;
    protected WebHost.Session AdminSession { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await WebHost.StartAsync(TemporaryStore.Create());
        Setup = Demo.Seed(Host.Platform, Host.Passwords);
        PublisherSession = Host.NewSession();
        await PublisherSession.SignInAsync("publisher@demo.lastclick.dev", Setup.Accounts.Single(a => a.Role == "publisher").Password);
        AdminSession = Host.NewSession();
        await AdminSession.SignInAsync("admin@demo.lastclick.dev", Setup.Accounts.Single(a => a.Role == "admin").Password);
    }

    public async Task DisposeAsync()
    {
        PublisherSession.Dispose();
        AdminSession.Dispose();
        await Host.DisposeAsync();
    }
}
