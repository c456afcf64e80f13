using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using LastClick.Common;
using LastClick.Data;
using LastClick.Payouts;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Replay;

namespace LastClick.Bench;

/// <summary>
/// Payouts at scale (issue 14): N publishers with payable balances (half paid by SEPA in EUR, converted from the
/// program's USD; half by wire; one in ten below the threshold, one in twenty without details), then a run planned,
/// approved and exported with the bank files written to disk — timed step by step, with the process's peak memory
/// over the run alone (the seeding's peak is cleared first).
/// </summary>
internal static class PayoutsBench
{
    public static void Run(int publishers, string? postgres)
    {
        using var temporary = TemporaryStore.Create(postgres);
        var store = temporary.Store;
        store.Migrate(TimeProvider.System);
        var clock = new ManualClock(new DateTimeOffset(2026, 2, 13, 9, 0, 0, TimeSpan.Zero));
        var platform = new Platform(store, ProgramCatalog.BuiltIn(), clock) { Payouts = { Debtor = new DebtorAccount("Marketplace Ltd", "DE02120300000000202051", "BYLADEM1001") } };
        Console.WriteLine($"payouts · {store.Provider} · {publishers:N0} publishers with payable balances");

        var seed = Stopwatch.StartNew();
        Seed(store, publishers, clock.GetUtcNow().AddDays(-3));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded in {seed.Elapsed.TotalSeconds:0.0} s"));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        ResetPeak();
        var folder = Directory.CreateTempSubdirectory("lastclick-payouts-bench-");
        long peakAnon = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakAnon = Math.Max(peakAnon, Kilobytes("RssAnon:"));
                await Task.Delay(5).ConfigureAwait(false);
            }
        });
        try
        {
            var total = Stopwatch.StartNew();
            var step = Stopwatch.StartNew();
            var planned = platform.Payouts.Plan("aliexpress-ww", clock.GetUtcNow(), "bench");
            var plan = step.Elapsed;
            step.Restart();
            platform.Payouts.Approve(planned.Id, "bench");
            var approve = step.Elapsed;
            step.Restart();
            var exported = platform.Payouts.Export(planned.Id, "bench");
            var export = step.Elapsed;
            step.Restart();
            long bytes = 0;
            foreach (var name in exported.Files)
            {
                using var content = platform.Payouts.OpenFile(exported.Id, name)!.Value.Content;
                using var target = File.Create(Path.Combine(folder.FullName, name));
                content.CopyTo(target);
                bytes += target.Length;
            }
            var files = step.Elapsed;
            total.Stop();
            sampling.Cancel();
            sampler.Wait();
            var counts = exported.LineCounts.Select(c => $"{c.Key} {c.Value:N0}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lines: {string.Join(", ", counts)}; paid {string.Join(", ", exported.ToPay.Select(t => $"{t.Currency} {t.Amount}"))}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"plan {plan.TotalSeconds:0.00} s · approve {approve.TotalSeconds:0.00} s · export (money, files, schema check) {export.TotalSeconds:0.00} s · files to disk {files.TotalSeconds:0.00} s ({bytes / 1e6:0.0} MB)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"plan + approve + export + files: {total.Elapsed.TotalSeconds:0.00} s (goal ≤ 10 s) · peak RSS during the run {PeakMegabytes():0} MB (goal ≤ 300 MB), of it anonymous (heap, SQLite's page cache) {peakAnon / 1024.0:0} MB; the rest file pages (SQLite's memory map of the store, the runtime's code)"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void Seed(Store store, int publishers, DateTimeOffset at)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var random = new Random(20261205);
        using var connection = store.Open();
        using var tx = connection.BeginTransaction();
        var micros = Times.ToMicros(at);
        for (var i = 0; i < publishers; i++)
        {
            var id = $"pub{i:D6}";
            PayoutDetails? details = (i % 20) switch
            {
                0 => null,
                _ when i % 2 == 0 => new PayoutDetails("sepa", $"Publisher {i}", "DE89370400440532013000", "COBADEFFXXX", null, Address: new PostalAddress("Hauptstraße 5", "10115", "Berlin", "DE")),
                _ => PayoutDetailsRules.ReplayWire(id),
            };
            connection.Execute("""
                INSERT INTO publishers (id, traffic_type, ranking, payout_details_complete, created_at, status, payout_details)
                VALUES (@id, 'content', NULL, @complete, @micros, 'approved', @payout)
                """, new { id, complete = details is not null, micros, payout = details is null ? null : JsonSerializer.Serialize(details, json) }, tx);
            var minor = i % 10 == 5 ? random.Next(100, 1499) : random.Next(1500, 100_000);
            connection.Execute("""
                INSERT INTO ledger_transfers (program_id, publisher_id, currency, kind, from_account, to_account, amount_minor, at)
                VALUES ('aliexpress-ww', @id, 'USD', 'release', 'program', 'payable', @minor, @micros)
                """, new { id, minor, micros }, tx);
        }
        tx.Commit();
    }

    /// <summary>Clears the kernel's peak resident set of this process (Linux: 5 to /proc/self/clear_refs), so the next peak is the run's.</summary>
    private static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static long Kilobytes(string field)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static double PeakMegabytes()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? Process.GetCurrentProcess().PeakWorkingSet64 / 1e6 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
