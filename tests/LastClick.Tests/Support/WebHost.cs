using System.Net;
using System.Text.RegularExpressions;
using LastClick.Access;
using LastClick.Programs;
using LastClick.Replay;
using LastClick.Server;
using LastClick.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LastClick.Tests.Support;

/// <summary>The whole app (API and dashboard) on a free loopback port over a temporary SQLite store.</summary>
public sealed partial class WebHost : IAsyncDisposable
{
    private readonly TemporaryStore _store;

    private WebHost(TemporaryStore store, WebApplication app, string address)
    {
        _store = store;
        App = app;
        BaseUrl = address;
        Platform = app.Services.GetRequiredService<Platform>();
        Passwords = app.Services.GetRequiredService<Passwords>();
    }

    public WebApplication App { get; }
    public string BaseUrl { get; }
    public Platform Platform { get; }
    public Passwords Passwords { get; }

    public static Task<WebHost> StartAsync(params string[] settings) => StartAsync(TemporaryStore.Create(), settings);

    /// <summary>A fresh store of the provider ("sqlite" or "postgres"), or null where PostgreSQL cannot run here.</summary>
    public static TemporaryStore? Store(string provider) =>
        provider == "sqlite" ? TemporaryStore.Create() : PostgresServer.ForTest() is { } cs ? TemporaryStore.Create(cs) : null;

    /// <summary>The app on <paramref name="store"/> (SQLite or PostgreSQL), which the host removes when it is disposed.</summary>
    public static Task<WebHost> StartAsync(TemporaryStore store, params string[] settings) => StartAsync(store, null, settings);

    /// <summary>The app on a new SQLite store whose platform keeps <paramref name="clock"/>'s time.</summary>
    public static Task<WebHost> StartAsync(TimeProvider clock, params string[] settings) => StartAsync(TemporaryStore.Create(), clock, settings);

    private static async Task<WebHost> StartAsync(TemporaryStore store, TimeProvider? clock, string[] settings)
    {
        var app = await StartAppAsync(store, clock, settings);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WebHost(store, app, address);
    }

    /// <summary>The app on a store, started on a free loopback port that is also its public address.</summary>
    internal static Task<WebApplication> StartAppAsync(TemporaryStore store, params string[] settings) => StartAppAsync(store, null, settings);

    private static Task<WebApplication> StartAppAsync(TemporaryStore store, TimeProvider? clock, string[] settings) =>
        ServerProcess.OnFreePortAsync(async port =>
        {
            var app = LastClickServer.Build(store.Store, ProgramCatalog.BuiltIn(), ["--urls", $"http://127.0.0.1:{port}", "--PublicUrl", $"http://127.0.0.1:{port}", .. settings], clock);
            try
            {
                await app.StartAsync();
                return app;
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
        });

    /// <summary>An account of the operator's team with a known password.</summary>
    public Account Operator(string role, string email, string password = "correct horse battery") =>
        Platform.Accounts.Create(email, email, Passwords.Hash(password), role, null, "test");

    /// <summary>A client that keeps cookies by hand (.NET's cookie container never sends a Secure cookie over http).</summary>
    public Session NewSession() => new(new Uri(BaseUrl));

    /// <summary>
    /// Stops the node's background work (the minute loop's payout runs, ranking and broken-links checks, news routing,
    /// digests, postbacks) so a test that compares row counts sees only what its own requests wrote. .NET 10 starts a
    /// hosted service's loop on the thread pool, so its first pass can fall at any time after start.
    /// </summary>
    public async Task StopBackgroundAsync()
    {
        foreach (var service in App.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Microsoft.Extensions.Hosting.BackgroundService>())
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        _store.Dispose();
    }

    /// <summary>A signed-in browser-like client: cookies kept across requests, antiforgery tokens read from forms.</summary>
    public sealed partial class Session : IDisposable
    {
        private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

        public Session(Uri baseAddress) => Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };

        public HttpClient Http { get; }

        /// <summary>The same signed-in browser talking to another address (another node).</summary>
        public Session With(Uri baseAddress)
        {
            var other = new Session(baseAddress);
            foreach (var (name, value) in _cookies) other._cookies[name] = value;
            return other;
        }

        public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, IEnumerable<KeyValuePair<string, string>>? form = null) =>
            SendContentAsync(method, path, form is null ? null : new FormUrlEncodedContent(form));

        /// <summary>Posts a form with files (multipart/form-data) as a browser would: with the antiforgery token of the page <paramref name="tokenFrom"/>.</summary>
        public async Task<HttpResponseMessage> PostFilesAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, IEnumerable<(string Field, string Name, string Type, byte[] Content)> files,
            string tokenFrom)
        {
            var content = new MultipartFormDataContent();
            foreach (var (name, value) in fields.Append(new("__RequestVerificationToken", await TokenAsync(tokenFrom)))) content.Add(new StringContent(value), name);
            foreach (var (field, name, type, bytes) in files)
            {
                var file = new ByteArrayContent(bytes);
                file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
                content.Add(file, field, name);
            }
            return await SendContentAsync(HttpMethod.Post, path, content);
        }

        private async Task<HttpResponseMessage> SendContentAsync(HttpMethod method, string path, HttpContent? content)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Content = content;
            if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            var response = await Http.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                foreach (var cookie in set)
                {
                    var pair = cookie.Split(';')[0];
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    var (name, value) = (pair[..eq], pair[(eq + 1)..]);
                    if (value.Length == 0 || cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) _cookies.Remove(name);
                    else _cookies[name] = value;
                }
            }
            return response;
        }

        public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

        /// <summary>The antiforgery token of the first form on a page (and its cookie, kept).</summary>
        public async Task<string> TokenAsync(string path)
        {
            using var page = await GetAsync(path);
            var html = await page.Content.ReadAsStringAsync();
            var match = TokenPattern().Match(html);
            Assert.True(match.Success, $"no antiforgery token on {path} ({(int)page.StatusCode})");
            return WebUtility.HtmlDecode(match.Groups[1].Value);
        }

        /// <summary>Posts a form as the page's own form would: with its antiforgery token.</summary>
        public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, string? tokenFrom = null)
        {
            var token = await TokenAsync(tokenFrom ?? path.Split('?')[0]);
            return await SendAsync(HttpMethod.Post, path, fields.Append(new("__RequestVerificationToken", token)));
        }

        public async Task SignInAsync(string email, string password)
        {
            using var response = await PostFormAsync("/signin", [new("email", email), new("password", password)]);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        public void Dispose() => Http.Dispose();

        [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
        private static partial Regex TokenPattern();
    }
}

/// <summary>Real time, moved by a fixed offset: a test that must not cross midnight runs "at" 09:00 UTC whenever it runs.</summary>
public sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    /// <summary>Today's <paramref name="hour"/> o'clock UTC, now, moving on in real time.</summary>
    public static ShiftedClock At(int hour)
    {
        var now = TimeProvider.System.GetUtcNow();
        return new ShiftedClock(new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddHours(hour) - now);
    }

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + offset;
}
