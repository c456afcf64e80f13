using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using LastClick.Common;
using LastClick.Access;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Replay;

namespace LastClick.Cli;

/// <summary>The `lastclick` command line. Expected failures are one line on stderr naming the field, and exit code 2.</summary>
public static class LastClickCli
{
    public const int Ok = 0;
    public const int Unexpected = 1;
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("LastClick: a self-hosted affiliate program platform.");
        root.Subcommands.Add(ReplayCommand(stdout, stderr));
        root.Subcommands.Add(ProgramsCommand(stdout, stderr));
        root.Subcommands.Add(MigrateCommand(stdout, stderr));
        root.Subcommands.Add(ServeCommand(stdout, stderr));
        root.Subcommands.Add(KeysCommand(stdout, stderr));
        root.Subcommands.Add(AccountsCommand(stdout, stderr));
        root.Subcommands.Add(CatalogCommand(stdout, stderr));
        root.Subcommands.Add(FeedCommand(stdout, stderr));
        root.Subcommands.Add(PayoutsCli.Command(stdout, stderr, StoreOption, Guard));
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static Command ReplayCommand(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<FileInfo>("file") { Description = "The scenario (JSON, see docs/scenarios.md)" };
        var store = new Option<string?>("--store") { Description = "postgres://user:pass@host:port/db to replay on PostgreSQL (a temporary schema); default: a temporary SQLite file" };
        var command = new Command("replay", "Play a scenario on a fresh temporary store and print the outcome as JSON") { file, store };
        command.SetAction(parse => Guard(stderr, () =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) throw ProblemException.Invalid("file", $"no such file: {path.FullName}");
            var scenario = Scenario.Parse(File.ReadAllText(path.FullName), ProgramCatalog.BuiltIn(), path.DirectoryName);
            using var temporary = TemporaryStore.Create(parse.GetValue(store));
            stdout.Write(ScenarioRunner.Run(scenario, temporary.Store));
        }));
        return command;
    }

    private static Command ProgramsCommand(TextWriter stdout, TextWriter stderr)
    {
        var list = new Command("list", "List the built-in programs");
        list.SetAction(_ => Guard(stderr, () =>
        {
            foreach (var p in ProgramCatalog.BuiltIn().All.OrderBy(p => p.Id, StringComparer.Ordinal))
            {
                stdout.WriteLine($"{p.Id,-16} {p.Name} · {p.Model} · cookie {p.CookieWindowDays} days · pays {string.Join("/", p.PayoutCurrencies.Select(c => c.Currency))}");
            }
        }));

        var id = new Argument<string>("id") { Description = "Program id (aliexpress-ww, aliexpress-cis)" };
        var show = new Command("show", "Print a program's effective definition as JSON") { id };
        show.SetAction(parse => Guard(stderr, () => stdout.WriteLine(ProgramCatalog.ToJson(ProgramCatalog.BuiltIn().Get(parse.GetValue(id)!, "id")))));

        var file = new Argument<FileInfo>("file") { Description = "A program definition file" };
        var validate = new Command("validate", "Check a program definition file; prints the first wrong field") { file };
        validate.SetAction(parse => Guard(stderr, () =>
        {
            var program = ProgramCatalog.LoadFile(parse.GetValue(file)!.FullName);
            stdout.WriteLine($"ok: {program.Id} ({program.Name})");
        }));

        var scoredId = new Argument<string>("id") { Description = "Program id (aliexpress-ww, aliexpress-cis)" };
        var scorecard = new Command("scorecard", "Print a program's J2 scorecard as JSON: trust, overall, components") { scoredId };
        scorecard.SetAction(parse => Guard(stderr, () =>
        {
            var program = ProgramCatalog.BuiltIn().Get(parse.GetValue(scoredId)!, "id");
            var inputs = program.Scorecard ?? throw ProblemException.Invalid("id", $"program '{program.Id}' has no scorecard inputs");
            var result = Scorecard.Compute(program.Id, inputs);
            stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                program = result.Program, trust = result.Trust, overall = result.Overall, weightedSum = result.WeightedSum,
                components = result.Components.ToDictionary(c => c.Name, c => new { score = c.Score, weight = c.Weight, weighted = c.Weighted }),
                trustpilotStars = inputs.TrustpilotStars, internalReview = inputs.InternalReview, source = inputs.Source,
            }, ScorecardJson));
        }));

        return new Command("programs", "Program definitions") { list, show, validate, scorecard };
    }

    private static readonly System.Text.Json.JsonSerializerOptions ScorecardJson = new() { WriteIndented = true };

    private static Command MigrateCommand(TextWriter stdout, TextWriter stderr)
    {
        var store = StoreOption();
        var command = new Command("migrate", "Create or update the store's schema") { store };
        command.SetAction(parse => Guard(stderr, () =>
        {
            using var s = Store.Connect(parse.GetValue(store)!);
            s.Migrate(TimeProvider.System);
            stdout.WriteLine($"migrated ({s.Provider})");
        }));
        return command;
    }

    /// <summary>Where <c>serve --demo</c> keeps its data when no store is named.</summary>
    public const string DemoStore = "data/demo.db";

    /// <summary>
    /// How a newcomer runs a command, as it would type it: through <c>dotnet run</c> from a source checkout (which is
    /// how the README starts the server), or as the published <c>lastclick</c> executable.
    /// </summary>
    internal static string Invocation() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath ?? "") == "dotnet" ? "dotnet run --project src/LastClick --" : "lastclick";

    private static Option<string> StoreOption() =>
        new("--store") { Description = "postgres://… or a SQLite file", DefaultValueFactory = _ => "data/lastclick.db" };

    private static Command ServeCommand(TextWriter stdout, TextWriter stderr)
    {
        var store = StoreOption();
        var urls = new Option<string>("--urls") { Description = "Where to listen", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var proxies = new Option<string?>("--trusted-proxies") { Description = "Comma-separated proxy addresses whose X-Forwarded-For is believed" };
        var publicUrl = new Option<string?>("--public-url") { Description = "The public address of the tracking links (https://go.example.com); default: the address a request came to" };
        var demo = new Option<bool>("--demo") { Description = "Also create a demo publisher with links, a day of clicks and orders, and keys to try the API" };
        var command = new Command("serve", "Run the platform: the tracking redirect and the marketplace, publisher and operator APIs") { store, urls, proxies, publicUrl, demo };
        // Other ASP.NET Core settings pass through (e.g. --Logging:Console:FormatterName json).
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse => Guard(stderr, () =>
        {
            // ASP.NET Core's own settings count too: --store, else ConnectionStrings:LastClick (appsettings.json,
            // environment ConnectionStrings__LastClick, --ConnectionStrings:LastClick=…), else the embedded file;
            // --urls, else ASPNETCORE_URLS / urls, else 127.0.0.1:5080.
            var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
            var settings = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
                .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
                .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), $"appsettings.{environment}.json"), optional: true)
                .AddEnvironmentVariables("DOTNET_").AddEnvironmentVariables("ASPNETCORE_").AddEnvironmentVariables()
                .AddCommandLine([.. parse.UnmatchedTokens]).Build();
            var explicitStore = parse.GetResult(store) is { Implicit: false };
            // The demo gets a store of its own (its sign-ins get new passwords on every start): a real install's
            // data/lastclick.db is never filled with demo data unless --store names it.
            var fallback = parse.GetValue(demo) ? DemoStore : parse.GetValue(store)!;
            using var s = Store.Connect(explicitStore ? parse.GetValue(store)! : settings.GetConnectionString("LastClick") ?? fallback);
            List<string> args = [.. parse.UnmatchedTokens];
            var addressConfigured = settings["urls"] is not null || settings["http_ports"] is not null || settings["https_ports"] is not null;
            if (parse.GetResult(urls) is { Implicit: false } || !addressConfigured) args.AddRange(["--urls", parse.GetValue(urls)!]);
            if (parse.GetValue(proxies) is { } p) args.AddRange(["--TrustedProxies", p]);
            if (parse.GetValue(publicUrl) is { } u) args.AddRange(["--PublicUrl", u]); // checked by the server, whatever its source
            var app = Server.LastClickServer.Build(s, ProgramCatalog.BuiltIn(), [.. args]);
            var setup = parse.GetValue(demo) ? Server.Demo.Seed(app.Services.GetRequiredService<Platform>(), app.Services.GetRequiredService<Web.Passwords>()) : null;
            app.Lifetime.ApplicationStarted.Register(() => stdout.Write(Welcome(app.Urls.FirstOrDefault() ?? parse.GetValue(urls)!, s, setup)));
            app.Run();
        }));
        return command;
    }

    /// <summary>What a newcomer reads when the server is up: where it is, what to try next.</summary>
    private static string Welcome(string url, Store store, Server.Demo.Setup? demo)
    {
        var where = store is SqliteStore sqlite ? $"SQLite {sqlite.Path}" : "PostgreSQL";
        var text = new System.Text.StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"LastClick is running on {url} ({where}); programs: {string.Join(", ", ProgramCatalog.BuiltIn().All.Select(p => p.Id).Order(StringComparer.Ordinal))}")
            .AppendLine(CultureInfo.InvariantCulture, $"  Dashboard       {url}/signin")
            .AppendLine(CultureInfo.InvariantCulture, $"  API (OpenAPI)   {url}/openapi/v1.json")
            .AppendLine(CultureInfo.InvariantCulture, $"  Health          {url}/healthz");
        if (demo is null)
        {
            var storeArgument = store is SqliteStore { Path: var file } && !file.EndsWith("data/lastclick.db", StringComparison.Ordinal)
                ? $" --store {file}" : store is SqliteStore ? "" : " --store …";
            text.AppendLine("Next: create your admin sign-in in another terminal,")
                .AppendLine(CultureInfo.InvariantCulture, $"  {Invocation()} accounts create --email you@example.com --role admin{storeArgument}")
                .AppendLine(CultureInfo.InvariantCulture, $"let publishers apply at {url}/apply, or start again with --demo for a populated system (kept apart, in {DemoStore}).");
        }
        else
        {
            var made = demo.Clicks > 0 ? string.Create(CultureInfo.InvariantCulture, $", {demo.Clicks} clicks and {demo.Orders} orders over the last day") : " (data from an earlier --demo)";
            text.AppendLine(CultureInfo.InvariantCulture, $"Demo: publisher {Server.Demo.PublisherId} with {demo.Links.Count} links{made}")
                .AppendLine(CultureInfo.InvariantCulture, $"  Try a link      {url}/go/{demo.Links[0].Code}");
            foreach (var (role, email, password) in demo.Accounts)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  Sign in as {role,-10} {email} / {password}");
            }
            text
                .AppendLine(CultureInfo.InvariantCulture, $"  Operator key    {demo.OperatorKey}")
                .AppendLine(CultureInfo.InvariantCulture, $"  Marketplace key {demo.MarketplaceKey}")
                .AppendLine(CultureInfo.InvariantCulture, $"  Publisher key   {demo.PublisherKey}")
                .AppendLine(CultureInfo.InvariantCulture, $"  curl -H 'Authorization: Bearer {demo.PublisherKey}' {url}/api/v1/commissions");
        }
        return text.AppendLine("Ctrl+C stops it; every answered click is already stored.").ToString();
    }

    private static Command KeysCommand(TextWriter stdout, TextWriter stderr)
    {
        var store = StoreOption();
        var role = new Option<string>("--role") { Description = "operator, marketplace or publisher", Required = true };
        var publisher = new Option<string?>("--publisher") { Description = "The publisher a publisher key belongs to" };
        var create = new Command("create", "Create an API key and print it (stored hashed; shown once)") { store, role, publisher };
        create.SetAction(parse => Guard(stderr, () =>
        {
            if (!Enum.TryParse<Access.KeyRole>(parse.GetValue(role), ignoreCase: true, out var r) || !Enum.IsDefined(r))
            {
                throw ProblemException.Invalid("role", "must be operator, marketplace or publisher");
            }
            using var s = Store.Connect(parse.GetValue(store)!);
            s.Migrate(TimeProvider.System);
            stdout.WriteLine(new Access.ApiKeys(s, TimeProvider.System).Create(r, parse.GetValue(publisher)));
        }));
        return new Command("keys", "API keys") { create };
    }

    private static Command AccountsCommand(TextWriter stdout, TextWriter stderr)
    {
        var store = StoreOption();
        var email = new Option<string>("--email") { Description = "The sign-in email", Required = true };
        var name = new Option<string?>("--name") { Description = "The person's name (default: the email)" };
        var role = new Option<string>("--role") { Description = "admin or moderator (publishers apply on the site)", Required = true };
        var create = new Command("create", "Create a dashboard account for the operator's team and print its password (shown once)") { store, email, name, role };
        create.SetAction(parse => Guard(stderr, () =>
        {
            var r = parse.GetValue(role)!;
            if (!AccountRoles.Operators.Contains(r)) throw ProblemException.Invalid("role", "must be admin or moderator (publishers apply at /apply)");
            using var s = Store.Connect(parse.GetValue(store)!);
            s.Migrate(TimeProvider.System);
            var password = Web.Passwords.Generate();
            var account = new Accounts(s, TimeProvider.System).Create(parse.GetValue(email)!, parse.GetValue(name) ?? parse.GetValue(email)!,
                new Web.Passwords().Hash(password), r, null, "cli");
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{account.Email} ({account.Role}) password: {password}"));
        }));
        return new Command("accounts", "Dashboard accounts") { create };
    }

    private static Command CatalogCommand(TextWriter stdout, TextWriter stderr)
    {
        var store = StoreOption();
        var file = new Argument<FileInfo>("file") { Description = "Products: .jsonl/.ndjson (one per line, as the API's), .json or .csv (see README)" };
        var full = new Option<bool>("--full") { Description = "The file is the whole catalog: stored products that are not in it are marked gone" };
        var import = new Command("import", "Import products into the catalog (G1): the whole file is checked first, then written in batches") { file, store, full };
        import.SetAction(parse => Guard(stderr, () =>
        {
            var f = parse.GetValue(file)!;
            if (!f.Exists) throw ProblemException.Invalid("file", $"no file '{f.FullName}'");
            using var s = Store.Connect(parse.GetValue(store)!);
            s.Migrate(TimeProvider.System);
            var catalog = new Products.CatalogService(s, TimeProvider.System);
            var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(stderr) });
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var totals = new int[4];
            Spectre.Console.AnsiConsoleExtensions.Progress(console).Start(progress =>
            {
                // First the whole file is read and checked (on every core), so a bad line changes nothing; then it is read
                // again, prepared (checked and hashed) on every core while the batch before is stored.
                var check = progress.AddTask("checking", maxValue: Math.Max(1, f.Length));
                foreach (var (id, where) in CatalogFile.Read(f, position => check.Value = position, static (product, where) =>
                         {
                             Products.CatalogService.Validate(product, where);
                             return (product.Id, where);
                         }))
                {
                    if (!seen.Add(id)) throw ProblemException.Invalid($"{where}.id", $"product '{id}' appears twice in the file");
                }
                check.Value = check.MaxValue;
                var write = progress.AddTask("importing", maxValue: Math.Max(1, f.Length));
                void Add(Products.CatalogChange c)
                {
                    (totals[0], totals[1], totals[2], totals[3]) = (totals[0] + c.Created, totals[1] + c.Updated, totals[2] + c.Unchanged, totals[3] + c.Gone);
                }
                catalog.Import(CatalogFile.Read(f, position => write.Value = position, Products.CatalogService.Prepare), committed: Add);
                write.Value = write.MaxValue;
                if (parse.GetValue(full))
                {
                    var stored = s.Read(session => session.Query<string>("SELECT id FROM products WHERE gone_at IS NULL"));
                    foreach (var gone in stored.Where(id => !seen.Contains(id)).Chunk(5_000)) Add(catalog.Push([], gone));
                }
            });
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{seen.Count} products: {totals[0]} created, {totals[1]} updated, {totals[2]} unchanged, {totals[3]} marked gone"));
        }));
        return new Command("catalog", "The marketplace's product catalog") { import };
    }

    private static Command FeedCommand(TextWriter stdout, TextWriter stderr)
    {
        var store = StoreOption();
        var code = new Option<string?>("--feed") { Description = "A stored feed's code (else the feed is defined by the options below, and stored once)" };
        var publisher = new Option<string?>("--publisher") { Description = "The publisher whose tracking links the items carry" };
        var program = new Option<string?>("--program") { Description = "The program (aliexpress-ww, aliexpress-cis)" };
        var market = new Option<string?>("--market") { Description = "The market the products ship to (DE)" };
        var language = new Option<string?>("--language") { Description = "The texts' language (English where a translation is missing)" };
        var format = new Option<string?>("--format") { Description = "csv, xml (Google Merchant) or json; default: from --out's name, else the feed's" };
        var output = new Option<FileInfo?>("--out") { Description = "The file to write (.gz: gzip); default: standard output" };
        var gzip = new Option<bool>("--gzip") { Description = "Compress with gzip (implied by an --out name ending in .gz)" };
        var publicUrl = new Option<string>("--public-url") { Description = "The address item links point at (the server's --public-url)", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var category = new Option<string?>("--category") { Description = "Only this category" };
        var productStore = new Option<string?>("--product-store") { Description = "Only this marketplace store" };
        var minPrice = new Option<decimal?>("--min-price") { Description = "Lowest price (in --price-currency, default the program's payout currency)" };
        var maxPrice = new Option<decimal?>("--max-price") { Description = "Highest price" };
        var priceCurrency = new Option<string?>("--price-currency") { Description = "The currency of --min-price and --max-price" };
        var minRate = new Option<decimal?>("--min-rate") { Description = "Lowest commission rate the rules give this publisher (0.05 = 5%)" };
        var inStock = new Option<bool>("--in-stock") { Description = "Only products in stock" };
        var bestSellers = new Option<bool>("--best-sellers") { Description = "Only the market's latest best sellers, in rank order (G4)" };
        var subId = new Option<string?>("--sub-id") { Description = "The sub id (sub1) the items' clicks carry" };
        var export = new Command("export", "Write a product feed (G2, G3) with a progress bar on standard error")
        {
            store, code, publisher, program, market, language, format, output, gzip, publicUrl, category, productStore, minPrice, maxPrice, priceCurrency,
            minRate, inStock, bestSellers, subId,
        };
        export.SetAction(parse => Guard(stderr, () =>
        {
            using var s = Store.Connect(parse.GetValue(store)!);
            s.Migrate(TimeProvider.System);
            var platform = new Platform(s, ProgramCatalog.BuiltIn(), TimeProvider.System);
            platform.ProgramEditor.Load();
            var origin = parse.GetValue(publicUrl)!.TrimEnd('/');
            Products.Feed feed;
            if (parse.GetValue(code) is { } feedCode)
            {
                var owner = s.Read(session => session.QuerySingleOrDefault<string>("SELECT publisher_id FROM feeds WHERE code = @feedCode", new { feedCode }))
                    ?? throw new ProblemException(Problem.NotFound("feed", $"no feed '{feedCode}'"));
                feed = platform.Feeds.Find(owner, feedCode)!;
            }
            else
            {
                var who = parse.GetValue(publisher) ?? throw ProblemException.Invalid("publisher", "is required without --feed");
                var request = new Products.FeedRequest(parse.GetValue(program) ?? throw ProblemException.Invalid("program", "is required without --feed"),
                    (parse.GetValue(market) ?? throw ProblemException.Invalid("market", "is required without --feed")).ToUpperInvariant(),
                    parse.GetValue(language) ?? throw ProblemException.Invalid("language", "is required without --feed"),
                    Products.Feeds.ParseFormat(parse.GetValue(format) ?? "xml"),
                    new Products.FeedFilter(parse.GetValue(category), parse.GetValue(productStore), parse.GetValue(minPrice), parse.GetValue(maxPrice),
                        parse.GetValue(priceCurrency), parse.GetValue(minRate), parse.GetValue(inStock), parse.GetValue(bestSellers)),
                    parse.GetValue(subId));
                // The same definition exports the same stored feed (and link) again rather than a new one each time.
                feed = platform.Feeds.ForPublisher(who).FirstOrDefault(f => f.RevokedAt is null && f.ProgramId == request.ProgramId && f.Market == request.Market
                        && f.Language == request.Language && f.Filter == request.Filter && f.SubId == request.SubId)
                    ?? platform.Feeds.Create(who, request);
            }
            var file = parse.GetValue(output);
            var chosen = parse.GetValue(format) is { } named ? Products.Feeds.ParseFormat(named)
                : file is not null && FormatOfName(file.Name) is { } byName ? byName : feed.Format;
            feed = feed with { Format = chosen };
            var compress = parse.GetValue(gzip) || file?.Name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) == true;
            var total = platform.Feeds.Count(feed);
            var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(stderr) });
            long written = 0;
            using (var target = file is null ? Console.OpenStandardOutput() : new FileStream(file.FullName, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            using (var body = compress ? new System.IO.Compression.GZipStream(target, System.IO.Compression.CompressionLevel.Fastest) : (Stream)new BufferedStream(target, 1 << 16))
            {
                Spectre.Console.AnsiConsoleExtensions.Progress(console).Start(progress =>
                {
                    var task = progress.AddTask($"feed {feed.Code}", maxValue: Math.Max(1, total));
                    written = Feeds.FeedWriter.Write(feed, platform.Feeds.Items(feed, origin), body, origin, platform.Clock.GetUtcNow(), n => task.Value = n);
                    task.Value = task.MaxValue;
                });
            }
            (file is null ? stderr : stdout).WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"feed {feed.Code}: {written} items ({Products.Feeds.Extension(chosen)}{(compress ? ", gzip" : "")}); its URL: {Server.LastClickServer.FeedUrl(origin, feed)}"));
        }));
        return new Command("feed", "Product feeds") { export };
    }

    private static Products.FeedFormat? FormatOfName(string name)
    {
        var bare = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name;
        return Path.GetExtension(bare).ToLowerInvariant() switch
        {
            ".csv" => Products.FeedFormat.Csv,
            ".xml" => Products.FeedFormat.Xml,
            ".json" => Products.FeedFormat.Json,
            _ => null,
        };
    }

    private static int Guard(TextWriter stderr, Action action)
    {
        try
        {
            action();
            return Ok;
        }
        catch (ProblemException e)
        {
            stderr.WriteLine($"error: {e.Problem}");
            return BadInput;
        }
#pragma warning disable CA1031 // the edge: any unexpected failure becomes one line and exit code 1
        catch (Exception e)
        {
            stderr.WriteLine($"error: unexpected {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            return Unexpected;
        }
#pragma warning restore CA1031
    }
}
