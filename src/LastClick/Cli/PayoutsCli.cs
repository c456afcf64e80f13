using System.CommandLine;
using System.Text.Json;
using LastClick.Common;
using LastClick.Data;
using LastClick.Payouts;
using LastClick.Programs;

namespace LastClick.Cli;

/// <summary>`lastclick payouts plan|approve|export|list`: the operator's payout runs for scripts (D2, D3), as the API does them.</summary>
internal static class PayoutsCli
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Command(TextWriter stdout, TextWriter stderr, Func<Option<string>> storeOption, Func<TextWriter, Action, int> guard)
    {
        Option<string> By() => new("--by")
        {
            Description = "Who does it, for the audit log (four eyes needs two names)",
            DefaultValueFactory = _ => $"cli:{Environment.UserName}",
        };

        var store = storeOption();
        var program = new Option<string>("--program") { Description = "The program whose run it is", Required = true };
        var at = new Option<string?>("--at") { Description = "The run's instant (ISO 8601, UTC); default now" };
        var by = By();
        var plan = new Command("plan", "Plan a run now: lines computed, no money moved; prints the run as JSON") { store, program, at, by };
        plan.SetAction(parse => guard(stderr, () =>
        {
            var platform = Open(parse.GetValue(store)!, out var s);
            using (s)
            {
                var when = parse.GetValue(at) is not { } text ? platform.Clock.GetUtcNow()
                    : Times.TryParse(text, out var parsed) ? parsed : throw ProblemException.Invalid("at", "must be an ISO 8601 time in UTC, like 2026-02-13T09:00:00Z");
                stdout.WriteLine(JsonSerializer.Serialize(platform.Payouts.Plan(parse.GetValue(program)!, when, parse.GetValue(by)!), Json));
            }
        }));

        var approveStore = storeOption();
        var approveRun = new Argument<string>("run") { Description = "The run's id" };
        var approveBy = By();
        var approve = new Command("approve", "Approve a planned run (a second person too where the program has fourEyes)") { approveStore, approveRun, approveBy };
        approve.SetAction(parse => guard(stderr, () =>
        {
            var platform = Open(parse.GetValue(approveStore)!, out var s);
            using (s) stdout.WriteLine(JsonSerializer.Serialize(platform.Payouts.Approve(parse.GetValue(approveRun)!, parse.GetValue(approveBy)!), Json));
        }));

        var exportStore = storeOption();
        var exportRun = new Argument<string>("run") { Description = "The run's id" };
        var exportBy = By();
        var output = new Option<DirectoryInfo?>("--output") { Description = "A folder to write the bank files into (sepa.xml, wire.csv)" };
        var debtorName = new Option<string?>("--debtor-name") { Description = "The account SEPA pays from: holder (else Payouts__Debtor__Name)" };
        var debtorIban = new Option<string?>("--debtor-iban") { Description = "… its IBAN (else Payouts__Debtor__Iban)" };
        var debtorBic = new Option<string?>("--debtor-bic") { Description = "… its BIC (else Payouts__Debtor__Bic)" };
        var export = new Command("export", "Export an approved run: money payable → paid, bank files written") { exportStore, exportRun, exportBy, output, debtorName, debtorIban, debtorBic };
        export.SetAction(parse => guard(stderr, () =>
        {
            var platform = Open(parse.GetValue(exportStore)!, out var s);
            using (s)
            {
                var iban = parse.GetValue(debtorIban) ?? Environment.GetEnvironmentVariable("Payouts__Debtor__Iban");
                if (iban is { Length: > 0 })
                {
                    iban = iban.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
                    if (!PayoutDetailsRules.IsValidIban(iban)) throw ProblemException.Invalid("debtor-iban", "is not a valid IBAN");
                    var bic = (parse.GetValue(debtorBic) ?? Environment.GetEnvironmentVariable("Payouts__Debtor__Bic"))?.Trim().ToUpperInvariant();
                    if (bic is not null && !PayoutDetailsRules.IsValidBic(bic)) throw ProblemException.Invalid("debtor-bic", "is not a BIC");
                    platform.Payouts.Debtor = new DebtorAccount(parse.GetValue(debtorName) ?? Environment.GetEnvironmentVariable("Payouts__Debtor__Name")
                        ?? throw ProblemException.Invalid("debtor-name", "is required with the debtor's IBAN"), iban, bic);
                }
                var run = platform.Payouts.Export(parse.GetValue(exportRun)!, parse.GetValue(exportBy)!);
                if (parse.GetValue(output) is { } folder)
                {
                    folder.Create();
                    foreach (var name in run.Files)
                    {
                        File.WriteAllBytes(Path.Combine(folder.FullName, $"{run.Id}-{name}"), platform.Payouts.File(run.Id, name)!.Value.Content);
                    }
                }
                stdout.WriteLine(JsonSerializer.Serialize(run, Json));
            }
        }));

        var listStore = storeOption();
        var listProgram = new Option<string?>("--program") { Description = "Only this program's runs" };
        var status = new Option<string?>("--status") { Description = "planned, approved, exported or settled" };
        var list = new Command("list", "List runs, newest first: id, status, what they pay") { listStore, listProgram, status };
        list.SetAction(parse => guard(stderr, () =>
        {
            var platform = Open(parse.GetValue(listStore)!, out var s);
            using (s)
            {
                foreach (var run in platform.Payouts.Runs(parse.GetValue(listProgram), parse.GetValue(status)))
                {
                    stdout.WriteLine($"{run.Id,-36} {run.Status,-9} {string.Join(", ", run.ToPay.Select(t => $"{t.Currency} {t.Amount} ({t.Lines})"))}");
                }
            }
        }));

        return new Command("payouts", "Payout runs: plan, approve, export, list") { plan, approve, export, list };
    }

    private static Platform Open(string spec, out Store store)
    {
        store = Store.Connect(spec);
        store.Migrate(TimeProvider.System);
        var platform = new Platform(store, ProgramCatalog.BuiltIn(), TimeProvider.System);
        platform.ProgramEditor.Load();
        return platform;
    }
}
