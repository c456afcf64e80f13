using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using LastClick.Access;
using LastClick.Cli;
using LastClick.Payouts;
using LastClick.Publishers;
using LastClick.Tests.Support;

namespace LastClick.Tests.Payouts;

/// <summary>Issue 14 over HTTP and the command line: payout details, a run from plan to return, files, statements, field-named refusals.</summary>
public sealed class PayoutApiTests
{
    private static readonly string[] Debtor = ["--Payouts:Debtor:Name", "Marketplace Ltd", "--Payouts:Debtor:Iban", "DE02 1203 0000 0000 2020 51", "--Payouts:Debtor:Bic", "BYLADEM1001"];

    [Fact]
    public async Task D3_a_publisher_keeps_its_details_and_an_operator_runs_a_payout_from_plan_to_a_returned_line()
    {
        await using var host = await WebHost.StartAsync(Debtor);
        var platform = host.Platform;
        platform.Publishers.Upsert(new Publisher("p1", "content", null));
        platform.Publishers.Upsert(new Publisher("p2", "content", null));
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var op = new ApiClient(http, platform.Keys.Create(KeyRole.Operator));
        var p1 = new ApiClient(http, platform.Keys.Create(KeyRole.Publisher, "p1"));
        var p2 = new ApiClient(http, platform.Keys.Create(KeyRole.Publisher, "p2"));

        // Details: refused field by field, nothing stored; then SEPA details, complete, no hold (the first ones).
        foreach (var (body, field) in new[]
        {
            ("""{ "method": "sepa", "holder": "Anna", "iban": "DE89370400440532013001" }""", "iban"),
            ("""{ "method": "sepa", "holder": "Anna", "iban": "DE8937040044053201300" }""", "iban"),
            ("""{ "method": "sepa", "holder": "Anna", "iban": "US89370400440532013000" }""", "iban"),
            ("""{ "method": "sepa", "holder": "Anna", "iban": "DE89370400440532013000", "bic": "COBADE" }""", "bic"),
            ("""{ "method": "sepa", "holder": "Anna", "iban": "DE89370400440532013000", "currency": "USD" }""", "currency"),
            ("""{ "method": "sepa", "holder": "", "iban": "DE89370400440532013000" }""", "holder"),
            ("""{ "method": "sepa", "holder": "Anna", "account": "123" }""", "account"),
            ("""{ "method": "wire", "holder": "Anna", "account": "12345678", "bankName": "B", "bankAddress": "1 Main St", "address": { "street": "s", "city": "c", "country": "US" } }""", "swift"),
            ("""{ "method": "wire", "holder": "Anna", "account": "12345678", "swift": "CHASUS33", "bankName": "B", "bankAddress": "1 Main St" }""", "address"),
            ("""{ "method": "wire", "holder": "Anna", "account": "12345678", "swift": "CHASUS33", "bankName": "B", "bankAddress": "1 Main St", "address": { "street": "s", "city": "c", "country": "USA" } }""", "address.country"),
            ("""{ "method": "cheque", "holder": "Anna" }""", "method"),
            ("""{ "method": "sepa", "holder": "Anna", "iban": "DE89370400440532013000", "complete": true }""", "complete"),
        })
        {
            var (status, problem) = await p1.PutAsync("/api/v1/payout_details", body);
            Assert.Equal((400, field), (status, problem.GetProperty("field").GetString()));
        }
        Assert.False((await p1.GetAsync("/api/v1/payout_details")).Json.GetProperty("complete").GetBoolean());
        var (saved, details) = await p1.PutAsync("/api/v1/payout_details",
            """{ "method": "sepa", "holder": "Anna Müller", "iban": "DE89 3704 0044 0532 0130 00", "bic": "cobadeffxxx", "address": { "street": "Hauptstraße 5", "postalCode": "10115", "city": "Berlin", "country": "de" }, "vatId": "DE123456789" }""");
        Assert.Equal((200, true, JsonValueKind.Null), (saved, details.GetProperty("complete").GetBoolean(), details.GetProperty("heldUntil").ValueKind));
        Assert.Equal(("DE89370400440532013000", "COBADEFFXXX", "EUR"), (details.GetProperty("details").GetProperty("iban").GetString(),
            details.GetProperty("details").GetProperty("bic").GetString(), details.GetProperty("details").GetProperty("currency").GetString()));
        Assert.Equal(200, (await p2.PutAsync("/api/v1/payout_details",
            """{ "method": "wire", "holder": "Bo", "account": "000123456789", "swift": "CHASUS33", "bankName": "Chase", "bankAddress": "383 Madison Ave, New York", "address": { "street": "1 Main St", "city": "Austin", "country": "US" } }""")).Status);

        // Balances by adjustment; a retried adjustment with its reference books once.
        for (var i = 0; i < 2; i++)
        {
            var (created, adjustment) = await op.PostAsync("/api/v1/operator/publishers/p1/adjustments", """{ "program": "aliexpress-ww", "amount": "25.00", "reason": "bonus", "reference": "jan" }""");
            Assert.Equal((201, "25.00"), (created, adjustment.GetProperty("amount").GetString()));
        }
        Assert.Equal(25.00m, platform.Ledger.Balances("p1").Single().Payable);
        Assert.Equal(201, (await op.PostAsync("/api/v1/operator/publishers/p2/adjustments", """{ "program": "aliexpress-ww", "amount": "40.00", "reason": "correction" }""")).Status);
        foreach (var (body, status, field) in new[] { ("""{ "program": "aliexpress-ww", "amount": "abc", "reason": "bonus" }""", 400, "amount"),
                     ("""{ "program": "aliexpress-ww", "amount": "1e30", "reason": "bonus" }""", 400, "amount"),
                     ("""{ "program": "nope", "amount": "5", "reason": "bonus" }""", 404, "program"),
                     ("""{ "program": "aliexpress-ww", "amount": "5", "reason": "gift" }""", 400, "reason") })
        {
            Assert.Equal((status, field), await op.PostAsync("/api/v1/operator/publishers/p1/adjustments", body) is var r ? (r.Status, r.Json.GetProperty("field").GetString()) : default);
        }
        Assert.Equal(25.00m, platform.Ledger.Balances("p1").Single().Payable);

        // Plan (no money moves), approve, export.
        Assert.Equal((400, "at"), await op.PostAsync("/api/v1/operator/payouts", $$"""{ "program": "aliexpress-ww", "at": "{{DateTimeOffset.UtcNow.AddDays(2):O}}" }""") is var f ? (f.Status, f.Json.GetProperty("field").GetString()) : default);
        var (plannedStatus, planned) = await op.PostAsync("/api/v1/operator/payouts", """{ "program": "aliexpress-ww" }""");
        Assert.Equal((201, "planned"), (plannedStatus, planned.GetProperty("status").GetString()));
        var run = planned.GetProperty("run").GetString()!;
        Assert.Equal(run, (await op.GetAsync("/api/v1/operator/payouts?status=planned")).Json.GetProperty("runs")[0].GetProperty("id").GetString());
        Assert.Equal(0m, platform.Ledger.Balances("p1").Single().Paid);
        Assert.Equal(409, (await op.PostAsync($"/api/v1/operator/payouts/{run}/export")).Status);
        Assert.Equal(404, (await op.BytesAsync($"/api/v1/operator/payouts/{run}/files/sepa.xml")).Status);
        Assert.Equal("approved", (await op.PostAsync($"/api/v1/operator/payouts/{run}/approve")).Json.GetProperty("status").GetString());
        var (exportedStatus, exported) = await op.PostAsync($"/api/v1/operator/payouts/{run}/export");
        Assert.Equal((200, "exported"), (exportedStatus, exported.GetProperty("status").GetString()));

        var sepa = await op.BytesAsync($"/api/v1/operator/payouts/{run}/files/sepa.xml");
        Assert.Equal((200, "application/xml"), (sepa.Status, sepa.Media));
        Assert.Empty(BankFiles.SchemaErrors(sepa.Bytes));
        XNamespace pain = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";
        var xml = XDocument.Load(new MemoryStream(sepa.Bytes));
        Assert.Equal("DE89370400440532013000", xml.Descendants(pain + "CdtrAcct").Single().Descendants(pain + "IBAN").Single().Value);
        Assert.Equal("DE02120300000000202051", xml.Descendants(pain + "DbtrAcct").Single().Descendants(pain + "IBAN").Single().Value);
        var again = await op.BytesAsync($"/api/v1/operator/payouts/{run}/files/sepa.xml");
        Assert.Equal(sepa.Bytes, again.Bytes);
        Assert.Equal(sepa.ETag, again.ETag);
        var wire = await op.BytesAsync($"/api/v1/operator/payouts/{run}/files/wire.csv");
        Assert.Equal((200, "text/csv"), (wire.Status, wire.Media));
        Assert.Contains(",000123456789,CHASUS33,Chase,", Encoding.UTF8.GetString(wire.Bytes), StringComparison.Ordinal);

        // The publisher's side: history, next payout, statements; another publisher's statement is not found.
        var (_, mine) = await p1.GetAsync("/api/v1/payouts");
        var line = mine.GetProperty("history")[0].GetProperty("line");
        Assert.Equal(("paid", "EUR"), (line.GetProperty("status").GetString(), line.GetProperty("payCurrency").GetString()));
        Assert.Equal("aliexpress-ww", mine.GetProperty("next")[0].GetProperty("program").GetString());
        var csv = await p1.BytesAsync($"/api/v1/payouts/{run}/statement.csv");
        Assert.Equal((200, "text/csv"), (csv.Status, csv.Media));
        Assert.Contains("manual adjustment: bonus", Encoding.UTF8.GetString(csv.Bytes), StringComparison.Ordinal);
        var pdf = await p1.BytesAsync($"/api/v1/payouts/{run}/statement.pdf");
        Assert.Equal((200, "application/pdf", "%PDF-"), (pdf.Status, pdf.Media, Encoding.ASCII.GetString(pdf.Bytes, 0, 5)));
        Assert.Equal(404, (await p2.BytesAsync($"/api/v1/payouts/{run}-x/statement.pdf")).Status);
        Assert.Equal(200, (await p2.BytesAsync($"/api/v1/payouts/{run}/statement.pdf")).Status);
        Assert.Equal(200, (await op.BytesAsync($"/api/v1/operator/payouts/{run}/statements/p1.csv")).Status);

        // The bank returns p1's payment: back to payable; p2's settles, and the run with it.
        Assert.Equal((400, "reason"), await op.PostAsync($"/api/v1/operator/payouts/{run}/lines/p1/return", """{ "reason": "" }""") is var e ? (e.Status, e.Json.GetProperty("field").GetString()) : default);
        var (_, returned) = await op.PostAsync($"/api/v1/operator/payouts/{run}/lines/p1/return", """{ "reason": "AC04 closed account" }""");
        Assert.Equal("returned", returned.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("publisher").GetString() == "p1").GetProperty("status").GetString());
        Assert.True(platform.Ledger.Balances("p1").Single(b => b.Currency == "EUR").Payable > 0m);
        Assert.Equal("settled", (await op.PostAsync($"/api/v1/operator/payouts/{run}/lines/p2/settle")).Json.GetProperty("status").GetString());
        Assert.Equal(404, (await op.PostAsync($"/api/v1/operator/payouts/{run}/lines/nobody/settle")).Status);

        // A new account after the first: payouts are held for 48 hours, and the publisher is told until when.
        var (_, changed) = await p1.PutAsync("/api/v1/payout_details", """{ "method": "sepa", "holder": "Anna Müller", "iban": "FR1420041010050500013M02606" }""");
        var until = changed.GetProperty("heldUntil").GetDateTimeOffset();
        Assert.True(until > DateTimeOffset.UtcNow.AddHours(47));
        var upcoming = (await p1.GetAsync("/api/v1/payouts")).Json.GetProperty("next").EnumerateArray().Single();
        Assert.Equal((until, "EUR"), (upcoming.GetProperty("heldUntil").GetDateTimeOffset(), upcoming.GetProperty("currency").GetString()));
        // A run planned within the hold holds the line with the reason.
        // (A run is one per program and second: this one at an instant of its own, within the minute a plan may lead.)
        var (_, held) = await op.PostAsync("/api/v1/operator/payouts", $$"""{ "program": "aliexpress-ww", "at": "{{DateTimeOffset.UtcNow.AddSeconds(30):O}}" }""");
        Assert.Equal("payout_details_changed", held.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("publisher").GetString() == "p1").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task D3_on_the_dashboard_only_admins_download_bank_files_and_statements()
    {
        await using var host = await WebHost.StartAsync(Debtor);
        var platform = host.Platform;
        platform.Publishers.Upsert(new Publisher("p1", "content", null));
        platform.Payouts.SetDetails("p1", new PayoutDetails("sepa", "Anna", "DE89370400440532013000", null, null), "test");
        platform.Payouts.Adjust("aliexpress-ww", "p1", "USD", 30m, "bonus", null, null, "test");
        var run = platform.Payouts.Plan("aliexpress-ww", platform.Clock.GetUtcNow(), "test").Id;
        platform.Payouts.Approve(run, "test");
        platform.Payouts.Export(run, "test");
        host.Operator(AccountRoles.Moderator, "mod@pay.example", "the moderator's password");
        host.Operator(AccountRoles.Admin, "admin@pay.example", "the admin's password");

        foreach (var (email, password, expected) in new[] { ("mod@pay.example", "the moderator's password", System.Net.HttpStatusCode.Forbidden),
                     ("admin@pay.example", "the admin's password", System.Net.HttpStatusCode.OK) })
        {
            using var session = host.NewSession();
            await session.SignInAsync(email, password);
            using var file = await session.SendAsync(HttpMethod.Get, $"/o/payouts?handler=file&run={run}&name=sepa.xml");
            using var statement = await session.SendAsync(HttpMethod.Get, $"/o/payouts?handler=statement&run={run}&publisher=p1&format=csv");
            // A moderator is refused (the dashboard's access-denied answer), an admin gets the files.
            Assert.Equal((expected == System.Net.HttpStatusCode.OK, expected == System.Net.HttpStatusCode.OK),
                (file.StatusCode == System.Net.HttpStatusCode.OK, statement.StatusCode == System.Net.HttpStatusCode.OK));
            var page = await (await session.SendAsync(HttpMethod.Get, $"/o/payouts?run={run}")).Content.ReadAsStringAsync();
            Assert.Equal(expected == System.Net.HttpStatusCode.OK, page.Contains("name=sepa.xml", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void D2_the_command_line_plans_approves_exports_and_lists_runs_and_writes_the_bank_files()
    {
        var folder = Directory.CreateTempSubdirectory("lastclick-payouts-");
        var db = Path.Combine(folder.FullName, "cli.db");
        try
        {
            using (var store = Data.Store.Connect(db))
            {
                store.Migrate(TimeProvider.System);
                var platform = new Platform(store, Programs.ProgramCatalog.BuiltIn(), TimeProvider.System);
                platform.Publishers.Upsert(new Publisher("p1", "content", null));
                platform.Payouts.SetDetails("p1", new PayoutDetails("sepa", "Anna", "DE89370400440532013000", null, null), "test");
                platform.Payouts.Adjust("aliexpress-ww", "p1", "USD", 30m, "bonus", null, null, "test");
            }
            var (code, output, error) = Cli.CliTests.Run("payouts", "plan", "--store", db, "--program", "aliexpress-ww", "--by", "alice");
            Assert.Equal((0, ""), (code, error));
            var run = JsonDocument.Parse(output).RootElement.GetProperty("id").GetString()!;
            Assert.Equal(2, Cli.CliTests.Run("payouts", "export", run, "--store", db).Code); // not approved yet
            Assert.Equal(0, Cli.CliTests.Run("payouts", "approve", run, "--store", db, "--by", "alice").Code);
            var (noDebtor, _, debtorError) = Cli.CliTests.Run("payouts", "export", run, "--store", db, "--output", folder.FullName);
            Assert.Equal(2, noDebtor);
            Assert.Contains("Payouts:Debtor", debtorError, StringComparison.Ordinal);
            var (exported, json, _) = Cli.CliTests.Run("payouts", "export", run, "--store", db, "--output", folder.FullName,
                "--debtor-name", "Marketplace Ltd", "--debtor-iban", "DE02120300000000202051", "--debtor-bic", "BYLADEM1001");
            Assert.Equal(0, exported);
            Assert.Equal("exported", JsonDocument.Parse(json).RootElement.GetProperty("status").GetString());
            Assert.Empty(BankFiles.SchemaErrors(File.ReadAllBytes(Path.Combine(folder.FullName, $"{run}-sepa.xml"))));
            var (_, list, _) = Cli.CliTests.Run("payouts", "list", "--store", db, "--program", "aliexpress-ww");
            Assert.StartsWith(run, list, StringComparison.Ordinal);
            Assert.Contains("EUR", list, StringComparison.Ordinal);
            Assert.Equal(2, Cli.CliTests.Run("payouts", "list", "--store", db, "--status", "paid").Code);
        }
        finally
        {
            Data.SqliteStore.ReleaseFile(db);
            folder.Delete(recursive: true);
        }
    }
}
