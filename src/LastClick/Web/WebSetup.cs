using System.Security.Claims;
using System.Threading.RateLimiting;
using LastClick.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Localization;

namespace LastClick.Web;

/// <summary>
/// The dashboard: server-rendered Razor Pages for publishers (/p), the operator's team (/o) and the public (sign-in,
/// applications, the program directory). Cookie sign-in; antiforgery tokens on every form (Razor Pages validates them on
/// every POST); sign-in and sign-up rate limited per client address. The API keeps its bearer keys and never reads the
/// cookie.
/// </summary>
public static class WebSetup
{
    public const string CookieName = "__Host-lastclick";
    public const string AntiforgeryCookieName = "__Host-lastclick-af";
    public const string PublisherClaim = "lastclick:publisher";
    public const string StampClaim = "lastclick:stamp";

    /// <summary>The scheme a loopback request really came with (tracking URLs are built on it), when it was counted as secure.</summary>
    public const string OriginalScheme = "lastclick:scheme";

    public static void AddDashboard(WebApplicationBuilder builder, Platform platform)
    {
        builder.Services.AddDataProtection().SetApplicationName("LastClick");
        builder.Services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlRepository = new StoreKeyRing(platform.Store, platform.Clock));
        // The keys are stored as the store holds everything else (not encrypted again); the framework's warning about
        // that would print on every start.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        var assembly = typeof(WebSetup).Assembly;
        // Static files (htmx, Chart.js, the QR code generator, the stylesheet) are embedded: one binary, no content folder.
        builder.Environment.WebRootFileProvider = new EmbeddedFileProvider(assembly, "LastClick.wwwroot");
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        builder.Services.AddTransient<IStringLocalizer<Text>, PluralText>();
        builder.Services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/p", "publisher");
            o.Conventions.AuthorizeFolder("/o", "operator");
        })
        .ConfigureApplicationPartManager(parts =>
        {
            // Under a test host the entry assembly is not this one: the pages are found here all the same.
            if (parts.ApplicationParts.Any(p => p.Name == assembly.GetName().Name)) return;
            foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly)) parts.ApplicationParts.Add(part);
        })
        .AddCookieTempDataProvider(o =>
        {
            o.Cookie.Name = "__Host-lastclick-flash";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Lax;
        });
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AntiforgeryCookieName;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.HeaderName = "X-CSRF-TOKEN";
        });
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;   // __Host- cookies must be Secure, path /, no domain
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.Path = "/";
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/denied";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = ValidateStamp;
            // Redirects stay relative: a loopback request is counted as secure (see UseDashboard), and an absolute
            // https:// address would send a plain-HTTP local install to a port that does not speak TLS.
            o.Events.OnRedirectToLogin = context => Relative(context);
            o.Events.OnRedirectToAccessDenied = context => Relative(context);
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("publisher", p => p.RequireRole(AccountRoles.Publisher).RequireClaim(PublisherClaim))
            .AddPolicy("operator", p => p.RequireRole(AccountRoles.Admin, AccountRoles.Moderator))
            .AddPolicy("admin", p => p.RequireRole(AccountRoles.Admin));
        var signInLimit = builder.Configuration.GetValue("RateLimits:SignInPerMinute", 10);
        var applyLimit = builder.Configuration.GetValue("RateLimits:ApplicationsPerHour", 10);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy("signin", http => PostsBy(http, signInLimit, TimeSpan.FromMinutes(1)));
            o.AddPolicy("apply", http => PostsBy(http, applyLimit, TimeSpan.FromHours(1)));
        });
        builder.Services.AddSingleton<Passwords>();
    }

    /// <summary>
    /// Makes sure the cookie key exists before the first request. Nodes starting together on one PostgreSQL database take
    /// turns on an advisory lock, so the second finds the first one's key instead of making its own (each node would
    /// otherwise protect cookies with a key the other does not know yet).
    /// </summary>
    public static void PrepareKeys(WebApplication app, Data.Store store)
    {
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("LastClick.KeyRing");
        if (store is not Data.PostgresStore)
        {
            protector.Protect("ready");
            return;
        }
        using var connection = store.Open();
        void Run(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
        Run("SELECT pg_advisory_lock(7142035)");
        try
        {
            protector.Protect("ready");
        }
        finally
        {
            Run("SELECT pg_advisory_unlock(7142035)");
        }
    }

    /// <summary>Only form posts count, per client address (the connection's, or a trusted proxy's X-Forwarded-For).</summary>
    private static RateLimitPartition<string> PostsBy(HttpContext http, int limit, TimeSpan window) =>
        HttpMethods.IsPost(http.Request.Method)
            ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = window, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter("get");

    public static void UseDashboard(WebApplication app)
    {
        // The redirect, the APIs and the probes never pass through the dashboard's middleware (cookies, authorization,
        // rate limits, static files, page headers): the redirect's cost stays what it was.
        app.UseWhen(http => IsDashboard(http.Request.Path), dashboard =>
        {
            dashboard.Use(async (http, next) =>
            {
                // The sign-in and antiforgery cookies are __Host- cookies: Secure, so only ever sent over HTTPS. Browsers
                // count a loopback address as a secure context even over plain HTTP (W3C Secure Contexts: 127.0.0.0/8,
                // ::1 and localhost are potentially trustworthy), so a local install works at http://127.0.0.1:5080.
                // Anywhere else the dashboard needs HTTPS: Kestrel's own certificate, or a TLS proxy named with
                // --trusted-proxies.
                if (!http.Request.IsHttps)
                {
                    if (!IsLoopback(http))
                    {
                        http.Response.StatusCode = StatusCodes.Status400BadRequest;
                        http.Response.ContentType = "text/plain; charset=utf-8";
                        await http.Response.WriteAsync("The dashboard is served over HTTPS only: configure a certificate for Kestrel, or a TLS proxy with --trusted-proxies.\n").ConfigureAwait(false);
                        return;
                    }
                    http.Items[OriginalScheme] = http.Request.Scheme;
                    http.Request.Scheme = "https";
                }
                SetPageHeaders(http.Response.Headers, scriptSources: "'self'", formAction: "'self'");
                await next(http).ConfigureAwait(false);
            });
            dashboard.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = app.Environment.WebRootFileProvider,
                OnPrepareResponse = f => f.Context.Response.Headers.CacheControl = f.Context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
            });
            dashboard.UseAuthentication();
            Language.Use(dashboard, app.Services.GetRequiredService<Platform>());
            dashboard.UseAuthorization();
            dashboard.UseRateLimiter();
        });
        // WebApplication adds authentication and authorization in front of everything unless the app has added them
        // itself; it cannot see them inside the branch above, so it is told (the keys its own Use* methods set).
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        ((IApplicationBuilder)app).Properties["__AuthorizationMiddlewareSet"] = true;
        app.MapRazorPages();
    }

    private static Task Relative(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var uri) ? uri.PathAndQuery : context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A page's security headers (the dashboard's, the API reference's): never framed, never sniffed, no referrer to the
    /// sites publishers link to, and a CSP that runs only the scripts <paramref name="scriptSources"/> names. Images may
    /// come from any https host: the catalog's product pictures live on the marketplace's image servers (the pages ask
    /// for them without a referrer).
    /// </summary>
    public static void SetPageHeaders(IHeaderDictionary headers, string scriptSources, string formAction)
    {
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.ContentSecurityPolicy =
            $"default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src {scriptSources}; frame-ancestors 'none'; form-action {formAction}; base-uri 'none'";
    }

    /// <summary>Everything but the redirect, the APIs, their document and reference, and the probes: pages, their posts and their assets.</summary>
    internal static bool IsDashboard(PathString path) =>
        !(path.StartsWithSegments("/go") || path.StartsWithSegments("/api") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/openapi")
          || path.StartsWithSegments("/docs"));

    private static bool IsLoopback(HttpContext http)
    {
        var host = http.Request.Host.Host;
        var loopbackHost = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
        return loopbackHost && http.Connection.RemoteIpAddress is { } remote && System.Net.IPAddress.IsLoopback(remote);
    }

    /// <summary>A cookie stays good only while its account exists with the same stamp (a password change ends other sessions).</summary>
    private static async Task ValidateStamp(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = context.Principal?.FindFirstValue(StampClaim);
        var account = id is null ? null : context.HttpContext.RequestServices.GetRequiredService<Platform>().Accounts.Find(id);
        if (account is null || account.Stamp != stamp)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        }
    }

    public static ClaimsPrincipal Principal(Account account)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, account.Id), new(ClaimTypes.Name, account.Email), new(ClaimTypes.GivenName, account.Name),
            new(ClaimTypes.Role, account.Role), new(StampClaim, account.Stamp),
        };
        if (account.PublisherId is not null) claims.Add(new Claim(PublisherClaim, account.PublisherId));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    public static string PublisherOf(ClaimsPrincipal user) => user.FindFirstValue(PublisherClaim) ?? throw new InvalidOperationException("not a publisher");

    public static string ActorOf(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Name) ?? "unknown";
}

/// <summary>ASP.NET Core Identity's password hasher (PBKDF2-HMAC-SHA512, salted, versioned) over the account rows.</summary>
public sealed class Passwords
{
    private readonly Microsoft.AspNetCore.Identity.PasswordHasher<Account> _hasher = new();

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    /// <summary>A password to print once (the CLI's accounts, the demo's sign-ins): 16 characters without look-alikes, 92 bits.</summary>
    public static string Generate() => System.Security.Cryptography.RandomNumberGenerator.GetString("23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ", 16);

    /// <summary>A password given for an account, counted as a sign-in attempt: the lockout sees every wrong one.</summary>
    public Accounts.SignInResult Attempt(Platform platform, Account account, string? password) =>
        platform.Accounts.Attempt(account, !string.IsNullOrEmpty(password) && Verify(platform, account, password));

    /// <summary>
    /// A signed-in account confirms its current password before a sensitive change (a new password, payout details), so
    /// a stolen session cannot make it; a wrong one counts toward the lockout. Otherwise a problem naming <paramref name="field"/>.
    /// </summary>
    public void Confirm(Platform platform, Account? account, string? password, string field, string wrong)
    {
        var result = account is null ? Accounts.SignInResult.Failed : Attempt(platform, account, password);
        if (result == Accounts.SignInResult.Succeeded) return;
        throw Common.ProblemException.Invalid(field, result == Accounts.SignInResult.LockedOut
            ? $"too many wrong passwords: the account is locked for {Accounts.LockoutFor.TotalMinutes:0} minutes" : wrong);
    }

    /// <summary>Whether the password matches; a hash made with older parameters is replaced by a fresh one.</summary>
    public bool Verify(Platform platform, Account account, string password)
    {
        var result = _hasher.VerifyHashedPassword(account, account.PasswordHash, password);
        if (result == Microsoft.AspNetCore.Identity.PasswordVerificationResult.SuccessRehashNeeded) platform.Accounts.Rehash(account.Id, Hash(password));
        return result != Microsoft.AspNetCore.Identity.PasswordVerificationResult.Failed;
    }
}
