using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LastClick.Common;
using LastClick.Data;
using LastClick.Ledger;
using LastClick.Orders;
using LastClick.Programs;
using LastClick.Publishers;

namespace LastClick.Payouts;

/// <summary>A line as replays and the first API knew it: the amount of the balance and what became of it.</summary>
public sealed record PayoutRunLine(string RunId, DateTimeOffset RunAt, string PublisherId, string Currency, string Amount, string Status, string? Reason);

/// <summary>A line of a run: the balance (<see cref="Amount"/>, in <see cref="Currency"/>), what the plan saw, what the bank sends.</summary>
public sealed record PayoutLineView(
    string Publisher, string Currency, string Amount, string PlannedAmount, string Status, string? Reason, string? Method,
    string? PayCurrency, string? PayAmount, string? FxRate, string? Reference, string? Invoice,
    DateTimeOffset? SettledAt, DateTimeOffset? ReturnedAt, string? ReturnReason);

public sealed record PayoutTotal(string Currency, int Lines, string Amount);

/// <summary>
/// A run and who moved it (D2): planned → approved (by two admins where the program says so) → exported → settled;
/// what it pays by currency, its lines counted by status, and a page of its lines (<see cref="Lines"/>).
/// </summary>
public sealed record PayoutRunView(
    string Id, string Program, DateTimeOffset At, string Status,
    DateTimeOffset? PlannedAt, string? PlannedBy, DateTimeOffset? ApprovedAt, string? ApprovedBy,
    DateTimeOffset? SecondApprovedAt, string? SecondApprovedBy, bool AwaitingSecondApproval,
    DateTimeOffset? ExportedAt, string? ExportedBy, DateTimeOffset? SettledAt,
    IReadOnlyList<PayoutTotal> ToPay, IReadOnlyList<string> Files, int LineCount, IReadOnlyDictionary<string, int> LineCounts, IReadOnlyList<PayoutLineView> Lines);

/// <summary>A publisher's next payout in one program and currency, as the plan would decide it now.</summary>
public sealed record UpcomingPayout(string Program, string ProgramName, DateTimeOffset NextRunAt, string Currency, string Payable, string Threshold,
    string Status, string? Reason, string? PayCurrency, string? PayAmount, DateTimeOffset? HeldUntil);

/// <summary>A publisher's line in a run, with the run's state.</summary>
public sealed record PublisherPayoutLine(string Run, string Program, DateTimeOffset At, string RunStatus, DateTimeOffset? ExportedAt, PayoutLineView Line);

public sealed record AdjustmentView(long Id, string Program, string Publisher, string Currency, string Amount, string Reason, string? Note, string? Reference, string By, DateTimeOffset At);

/// <summary>
/// Payout runs as durable objects (D2, D3). Every step is one transaction; the export moves the money of every line,
/// writes the bank files and marks the run exported at once, so a run killed at any point and resumed pays each line
/// exactly once (and a unique index on the run's transfers refuses a second payout even if a bug tried).
/// </summary>
public sealed class PayoutService(Store store, ProgramCatalog programs, OrderService orders, TimeProvider clock)
{
    public const string SystemActor = "schedule";
    public static readonly TimeSpan DetailsChangeHold = TimeSpan.FromHours(48);
    public static readonly IReadOnlyList<string> AdjustmentReasons = ["bonus", "correction", "goodwill", "other"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The account SEPA files pay from; exports with SEPA lines are refused without it.</summary>
    public DebtorAccount? Debtor { get; set; }

    /// <summary>For tests: called after each step of an export, inside its transaction (a throw there is a crash).</summary>
    internal Action<string>? AfterExportStep { get; set; }

    public static string RunId(string programId, DateTimeOffset at) => $"{programId}-{at.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}";

    // ---- Payout details ---------------------------------------------------------------------------------------

    /// <summary>
    /// Stores a publisher's payout details (validated), derives "complete" from them and, when details existed
    /// before and change, holds the next payout for 48 hours with a notice (a hijacked account's IBAN is changed just
    /// before a run). The first details hold nothing. Returns the hold's end, if any.
    /// </summary>
    public DateTimeOffset? SetDetails(string publisherId, PayoutDetails details, string actor, string fieldPrefix = "") =>
        store.InSession(s => SetDetails(s, publisherId, PayoutDetailsRules.Validate(details, fieldPrefix), actor, clock.GetUtcNow()));

    internal static DateTimeOffset? SetDetails(DbSession s, string publisherId, PayoutDetails? details, string actor, DateTimeOffset now)
    {
        var (before, heldUntil) = DetailsOf(s, publisherId);
        if (before == details) return heldUntil > now ? heldUntil : null;
        if (before is not null) heldUntil = Times.FromMicros(Times.ToMicros(now + DetailsChangeHold)); // as stored
        s.Execute("UPDATE publishers SET payout_details = @payout, payout_details_complete = @complete, payout_hold_until = @hold WHERE id = @publisherId",
            new { publisherId, payout = details is null ? null : JsonSerializer.Serialize(details, Json), complete = PayoutDetailsRules.IsComplete(details),
                hold = heldUntil is { } u ? Times.ToMicros(u) : (long?)null });
        var what = details is null ? "removed" : $"{details.Method}, account …{details.AccountTail}";
        AuditLog.Append(s, now, actor, "publisher.payout_details_changed", $"publisher:{publisherId}",
            before is null ? $"first payout details ({what})" : $"payout details changed ({what}); payouts held until {Times.Format(heldUntil!.Value)}");
        Outbox.Write(s, now, "payout_details_changed", $"publisher:{publisherId}",
            new { publisher = publisherId, first = before is null, method = details?.Method, accountTail = details?.AccountTail, heldUntil = before is null ? null : heldUntil, by = actor },
            publisherId: publisherId);
        return before is null ? null : heldUntil;
    }

    public PayoutDetails? Details(string publisherId) => store.Read(s => DetailsOf(s, publisherId).Details);

    public (PayoutDetails? Details, DateTimeOffset? HeldUntil) DetailsAndHold(string publisherId) => store.Read(s => DetailsOf(s, publisherId));

    private static (PayoutDetails? Details, DateTimeOffset? HeldUntil) DetailsOf(DbSession s, string publisherId)
    {
        var row = s.QuerySingleOrDefault<DetailsRow>("SELECT id, payout_details, payout_hold_until FROM publishers WHERE id = @publisherId", new { publisherId })
            ?? throw new ProblemException(Problem.NotFound("publisher", $"unknown publisher '{publisherId}'"));
        return (row.PayoutDetails is null ? null : JsonSerializer.Deserialize<PayoutDetails>(row.PayoutDetails, Json),
            row.PayoutHoldUntil is { } h ? Times.FromMicros(h) : null);
    }

    // ---- Planning ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Plans the program's run at <paramref name="at"/>: payable balances become lines (to pay, carried over, held),
    /// no money moves. Planning the same instant again answers the run already planned.
    /// </summary>
    public PayoutRunView Plan(string programId, DateTimeOffset at, string actor) => store.InSession(s =>
    {
        var runId = Plan(s, programs.Get(programId, "program"), at, actor);
        return View(s, runId)!;
    });

    internal string Plan(DbSession s, ProgramDefinition program, DateTimeOffset at, string actor)
    {
        var now = clock.GetUtcNow();
        if (at > now + TimeSpan.FromMinutes(1)) throw ProblemException.Invalid("at", "a run cannot be planned for the future (it pays the balances payable now)");
        if (at < new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)) throw ProblemException.Invalid("at", "must be after 2000-01-01");
        var runId = RunId(program.Id, at);
        LockProgram(s, program.Id);
        if (s.Scalar<long>("SELECT COUNT(*) FROM payout_runs WHERE id = @runId", new { runId }) > 0) return runId;
        orders.Advance(s);
        var plan = PayoutPlanner.Plan(Balances(s, program.Id), program, at);
        s.Execute("""
            INSERT INTO payout_runs (id, program_id, at, status, planned_at, planned_by) VALUES (@runId, @programId, @at, 'planned', @now, @actor)
            """, new { runId, programId = program.Id, at = Times.ToMicros(at), now = Times.ToMicros(now), actor });
        var key = RunKey(runId);
        s.ExecuteEach("""
            INSERT INTO payouts (run_id, publisher_id, currency, amount_minor, planned_minor, status, reason, seq, method, pay_currency, pay_minor, fx_rate, bank, reference)
            VALUES (@RunId, @PublisherId, @Currency, @AmountMinor, @PlannedMinor, @Status, @Reason, @Seq, @Method, @PayCurrency, @PayMinor, @FxRate, @Bank, @Reference)
            """, plan.Select((line, i) => new LineRow
            {
                RunId = runId, PublisherId = line.PublisherId, Currency = line.Currency.Code, AmountMinor = line.Currency.ToMinor(line.Amount),
                PlannedMinor = line.Currency.ToMinor(line.Amount), Status = line.Decision == PayoutDecision.Paid ? LineStatus.Due : line.Status, Reason = line.Reason,
                Seq = i + 1, Method = line.Details?.Method, PayCurrency = line.PayCurrency?.Code,
                PayMinor = line.PayCurrency is { } pay ? pay.ToMinor(line.PayAmount) : null,
                FxRate = line.PayCurrency is { } converted && converted != line.Currency ? line.FxRate.ToString(CultureInfo.InvariantCulture) : null,
                Bank = line.Details is null ? null : JsonSerializer.Serialize(line.Details, Json),
                Reference = line.Decision == PayoutDecision.Paid ? $"LC-{key}-{i + 1:D6}" : null,
            }));
        var due = plan.Where(l => l.Decision == PayoutDecision.Paid).ToList();
        AuditLog.Append(s, now, actor, "payout.planned", $"payout_run:{runId}",
            $"{due.Count} to pay ({Totals(due)}), {plan.Count - due.Count} carried over or held");
        Outbox.Write(s, now, "payout_planned", $"payout_run:{runId}", new { run = runId, program = program.Id, at, toPay = due.Count, by = actor }, program.Id);
        return runId;
    }

    private static string Totals(IEnumerable<PayoutLine> lines) =>
        string.Join(", ", lines.GroupBy(l => l.Currency.Code).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {Currency.Of(g.Key).Format(g.Sum(l => l.Amount))}")) is { Length: > 0 } t ? t : "nothing";

    /// <summary>A short stable key of the run for the bank's references (at most 35 characters in all).</summary>
    private static string RunKey(string runId) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(runId)))[..10];

    /// <summary>The payable balances of a program's publishers, with their payout details and any hold.</summary>
    private static List<PayableBalance> Balances(DbSession s, string programId)
    {
        // Read as a stream, each publisher's details parsed as its row arrives (100,000 publishers' JSON never held at once).
        var balances = new List<PayableBalance>();
        using var reader = s.Reader($"""
            SELECT b.publisher_id, b.currency, b.minor, u.payout_details, u.payout_hold_until
            FROM ({PayableSql}) AS b LEFT JOIN publishers u ON u.id = b.publisher_id
            ORDER BY b.publisher_id, b.currency
            """, new { programId });
        PayoutDetails? details = null;
        var detailsOf = "";
        while (reader.Read())
        {
            var publisher = reader.GetString(0);
            var currency = Currency.Of(reader.GetString(1));
            var minor = reader.GetInt64(2);
            var json = reader.IsDBNull(3) ? null : reader.GetString(3);
            DateTimeOffset? hold = reader.IsDBNull(4) ? null : Times.FromMicros(reader.GetInt64(4));
            if (publisher != detailsOf) (details, detailsOf) = (json is null ? null : JsonSerializer.Deserialize<PayoutDetails>(json, Json), publisher);
            balances.Add(new PayableBalance(publisher, currency, currency.FromMinor(minor), details, hold));
        }
        return balances;
    }

    // Served by migration 0023's partial indexes ledger_transfers_into and _out_of, which hold these rows alone.
    internal const string PayableSql = """
        SELECT publisher_id, currency, CAST(SUM(amount) AS BIGINT) AS minor FROM (
            SELECT publisher_id, currency, amount_minor AS amount FROM ledger_transfers WHERE program_id = @programId AND to_account = 'payable'
            UNION ALL
            SELECT publisher_id, currency, -amount_minor FROM ledger_transfers WHERE program_id = @programId AND from_account = 'payable'
        ) AS payable
        GROUP BY publisher_id, currency
        """;

    private static Dictionary<(string PublisherId, string Currency), long> PayableMinor(DbSession s, string programId) =>
        s.Query<BalanceRow>(PayableSql, new { programId }).ToDictionary(b => (b.PublisherId, b.Currency), b => b.Minor);

    // ---- Approval ---------------------------------------------------------------------------------------------

    /// <summary>
    /// An admin approves a planned run. Where the program asks for four eyes, the first approval waits for a second
    /// by someone else. Approving again changes nothing.
    /// </summary>
    public PayoutRunView Approve(string runId, string actor) => store.InSession(s =>
    {
        var run = LockRun(s, runId);
        var now = clock.GetUtcNow();
        if (run.Status != RunStatus.Planned) return View(s, runId)!;
        var fourEyes = programs.All.FirstOrDefault(p => p.Id == run.ProgramId)?.Payout.FourEyes ?? false;
        if (run.ApprovedBy is null)
        {
            var status = fourEyes ? RunStatus.Planned : RunStatus.Approved;
            s.Execute("UPDATE payout_runs SET approved_at = @now, approved_by = @actor, status = @status WHERE id = @runId",
                new { runId, now = Times.ToMicros(now), actor, status });
            AuditLog.Append(s, now, actor, "payout.approved", $"payout_run:{runId}", fourEyes ? "first approval; a second admin must approve (four eyes)" : "approved");
            if (!fourEyes) Outbox.Write(s, now, "payout_approved", $"payout_run:{runId}", new { run = runId, by = actor }, run.ProgramId);
        }
        else if (run.ApprovedBy == actor)
        {
            throw new ProblemException(Problem.Conflict("approvedBy", $"{actor} approved this run already: the program asks for a second admin (four eyes)"));
        }
        else
        {
            s.Execute("UPDATE payout_runs SET second_approved_at = @now, second_approved_by = @actor, status = 'approved' WHERE id = @runId",
                new { runId, now = Times.ToMicros(now), actor });
            AuditLog.Append(s, now, actor, "payout.approved", $"payout_run:{runId}", $"second approval (first by {run.ApprovedBy})");
            Outbox.Write(s, now, "payout_approved", $"payout_run:{runId}", new { run = runId, by = actor, first = run.ApprovedBy }, run.ProgramId);
        }
        return View(s, runId)!;
    });

    // ---- Export -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Exports an approved run: every line due is checked again (balance, details, hold), its money moves payable →
    /// paid (converted first where the publisher is paid in another currency), the bank files are written and kept,
    /// and the run is exported — all in one transaction. Exporting an exported run changes nothing.
    /// </summary>
    public PayoutRunView Export(string runId, string actor) => store.InSession(s =>
    {
        Export(s, runId, actor);
        return View(s, runId)!;
    });

    internal void Export(DbSession s, string runId, string actor)
    {
        var run = LockRun(s, runId);
        if (run.Status is RunStatus.Exported or RunStatus.Settled) return;
        if (run.Status != RunStatus.Approved)
        {
            throw new ProblemException(Problem.Conflict("status", run.ApprovedBy is null ? "the run must be approved first" : "the run waits for a second admin's approval (four eyes)"));
        }
        var program = programs.Get(run.ProgramId, "program");
        LockProgram(s, program.Id);
        var now = clock.GetUtcNow();
        var at = Times.FromMicros(run.At);
        var plannedAt = Times.FromMicros(run.PlannedAt ?? run.At);
        orders.Advance(s);
        var payable = PayableMinor(s, program.Id);
        AfterExportStep?.Invoke("checked");
        var year = now.UtcDateTime.Year;
        var invoices = program.Payout.SelfBilling
            ? s.Query<long>("SELECT last FROM invoice_counters WHERE program_id = @programId AND year = @year", new { programId = program.Id, year }).FirstOrDefault()
            : 0;
        var paidLines = 0;
        // The lines due, a page at a time in publisher order: memory stays bounded whatever the run's size. Each line
        // sees its publisher's details now (changed_details is null when they are the ones planned with).
        var (after, afterCurrency) = ("", "");
        while (s.Query<ExportLineRow>($"""
            SELECT {string.Join(", ", LineColumns.Split(", ").Select(c => "p." + c))},
                   CASE WHEN u.payout_details = p.bank THEN NULL ELSE COALESCE(u.payout_details, '') END AS changed_details, u.payout_hold_until
            FROM payouts p LEFT JOIN publishers u ON u.id = p.publisher_id
            WHERE p.run_id = @runId AND p.status = 'due' AND (p.publisher_id > @after OR (p.publisher_id = @after AND p.currency > @afterCurrency))
            ORDER BY p.publisher_id, p.currency LIMIT {ExportPage}
            """, new { runId, after, afterCurrency }) is { Count: > 0 } page)
        {
            (after, afterCurrency) = (page[^1].PublisherId, page[^1].Currency);
            var moves = new List<RunTransferRow>();
            foreach (var line in page)
            {
                var currency = Currency.Of(line.Currency);
                var current = payable.GetValueOrDefault((line.PublisherId, line.Currency));
                string? reason = null;
                var status = LineStatus.Paid;
                if (line.ChangedDetails is { } changed && (changed.Length == 0 || DetailsFrom(changed) != DetailsFrom(line.Bank))
                    || line.PayoutHoldUntil is { } hold && Times.FromMicros(hold) > now)
                {
                    (reason, status) = ("payout_details_changed", LineStatus.Held);
                }
                else if (current < currency.ToMinor(PayoutPlanner.Threshold(program, currency, at)))
                {
                    (reason, status) = ("balance_changed", LineStatus.CarriedOver);
                }
                if (status != LineStatus.Paid)
                {
                    s.Execute("UPDATE payouts SET status = @status, reason = @reason, amount_minor = @current WHERE run_id = @runId AND publisher_id = @PublisherId AND currency = @Currency",
                        new { status, reason, current, runId, line.PublisherId, line.Currency });
                    continue;
                }
                // Never more than was approved: what became payable since the plan waits for the next run.
                var paidMinor = Math.Min(current, line.PlannedMinor);
                var paid = currency.FromMinor(paidMinor);
                var pay = Currency.Of(line.PayCurrency!);
                var rate = line.FxRate is null ? 1m : decimal.Parse(line.FxRate, CultureInfo.InvariantCulture);
                var payAmount = pay == currency ? paid : pay.Round(paid * rate);
                var transfers = new List<(Currency Currency, Transfer Transfer)>();
                if (pay != currency)
                {
                    transfers.Add((currency, new Transfer(EntryKinds.FxConversion, Account.Payable, Account.Program, paid)));
                    transfers.Add((pay, new Transfer(EntryKinds.FxConversion, Account.Program, Account.Payable, payAmount)));
                }
                transfers.Add((pay, new Transfer(EntryKinds.Payout, Account.Payable, Account.Paid, payAmount)));
                moves.AddRange(RunTransfers(program.Id, line.PublisherId, runId, line.Currency, transfers, now));
                OrderService.MarkPaidOut(s, program.Id, line.PublisherId, line.Currency, now, paidMinor == current ? null : plannedAt);
                var invoice = program.Payout.SelfBilling ? $"{program.Id.ToUpperInvariant()}-{year}-{++invoices:D6}" : null;
                s.Execute("""
                    UPDATE payouts SET status = 'paid', reason = NULL, amount_minor = @paidMinor, pay_minor = @payMinor, invoice = @invoice
                    WHERE run_id = @runId AND publisher_id = @PublisherId AND currency = @Currency
                    """, new { paidMinor, payMinor = pay.ToMinor(payAmount), invoice, runId, line.PublisherId, line.Currency });
                Outbox.Write(s, now, "payout_exported", $"payout_run:{runId}",
                    new { run = runId, publisher = line.PublisherId, currency = pay.Code, amount = pay.Format(payAmount), reference = line.Reference }, program.Id, line.PublisherId);
                paidLines++;
                AfterExportStep?.Invoke($"paid:{line.PublisherId}");
            }
            s.ExecuteEach(InsertRunTransfer, moves);
        }
        if (program.Payout.SelfBilling && invoices > 0)
        {
            s.Execute("""
                INSERT INTO invoice_counters (program_id, year, last) VALUES (@programId, @year, @invoices)
                ON CONFLICT (program_id, year) DO UPDATE SET last = excluded.last
                """, new { programId = program.Id, year, invoices });
        }
        WriteFiles(s, runId, now);
        AfterExportStep?.Invoke("files");
        s.Execute("UPDATE payout_runs SET status = 'exported', exported_at = @now, exported_by = @actor WHERE id = @runId",
            new { runId, now = Times.ToMicros(now), actor });
        var totals = View(s, run, lineLimit: 0, lineOffset: 0).ToPay;
        AuditLog.Append(s, now, actor, "payout.exported", $"payout_run:{runId}",
            $"{paidLines} paid: {string.Join(", ", totals.Select(t => $"{t.Currency} {t.Amount}"))}");
        AfterExportStep?.Invoke("exported");
        if (paidLines == 0) SettleIfDone(s, runId, now);
    }

    private const int ExportPage = 2000;

    private static PayoutDetails? DetailsFrom(string? json) => json is null ? null : JsonSerializer.Deserialize<PayoutDetails>(json, Json);

    private void WriteFiles(DbSession s, string runId, DateTimeOffset now)
    {
        var date = DateOnly.FromDateTime(now.UtcDateTime);
        var sepa = s.QuerySingleOrDefault<TotalRow>("""
            SELECT 'EUR' AS currency, 'paid' AS status, COUNT(*) AS lines, CAST(COALESCE(SUM(pay_minor), 0) AS BIGINT) AS minor
            FROM payouts WHERE run_id = @runId AND status = 'paid' AND method = 'sepa'
            """, new { runId })!;
        if (sepa.Lines > 0)
        {
            var debtor = Debtor ?? throw new ProblemException(Problem.Conflict("Payouts:Debtor",
                "this run pays by SEPA: set Payouts:Debtor:Name, Payouts:Debtor:Iban and Payouts:Debtor:Bic (the account the program pays from)"));
            var messageId = runId.Length <= 35 ? runId : $"LC-{RunKey(runId)}";
            var file = StoredFile.Write(output => BankFiles.WriteSepaXml(output, messageId, now, date, debtor,
                (int)sepa.Lines, Currency.Of("EUR").FromMinor(sepa.Minor), Payments(s, runId, PayoutDetailsRules.Sepa)));
            using (var xml = file.Open())
            {
                if (BankFiles.SchemaErrors(xml) is { Count: > 0 } errors)
                {
                    throw new InvalidOperationException($"the SEPA file of run {runId} is not valid pain.001.001.03: {string.Join("; ", errors.Take(3))}");
                }
            }
            StoreFile(s, runId, BankFiles.SepaName, "application/xml", file, now);
        }
        if (s.Scalar<long>("SELECT COUNT(*) FROM payouts WHERE run_id = @runId AND status = 'paid' AND method = 'wire'", new { runId }) > 0)
        {
            StoreFile(s, runId, BankFiles.WireName, "text/csv", StoredFile.Write(output => BankFiles.WriteWireCsv(output, date, Payments(s, runId, PayoutDetailsRules.Wire))), now);
        }
    }

    /// <summary>The paid lines of a run by one method, as bank payments, read a page at a time in publisher order.</summary>
    private static IEnumerable<BankPayment> Payments(DbSession s, string runId, string method)
    {
        var (publisher, currency) = ("", "");
        while (s.Query<LineRow>($"""
            SELECT {LineColumns} FROM payouts WHERE run_id = @runId AND status = 'paid' AND method = @method
                AND (publisher_id > @publisher OR (publisher_id = @publisher AND currency > @currency))
            ORDER BY publisher_id, currency LIMIT {ExportPage}
            """, new { runId, method, publisher, currency }) is { Count: > 0 } page)
        {
            foreach (var l in page)
            {
                var pay = Currency.Of(l.PayCurrency!);
                yield return new BankPayment(runId, l.Reference!, l.PublisherId, pay, pay.FromMinor(l.PayMinor!.Value), JsonSerializer.Deserialize<PayoutDetails>(l.Bank!, Json)!);
            }
            (publisher, currency) = (page[^1].PublisherId, page[^1].Currency);
        }
    }

    private static void StoreFile(DbSession s, string runId, string name, string media, StoredFile file, DateTimeOffset now) =>
        s.Execute("INSERT INTO payout_files (run_id, name, media, content, size, sha256, at) VALUES (@runId, @name, @media, @content, @size, @sha, @at)",
            new { runId, name, media, content = file.Compressed, size = file.Size, sha = file.Sha256, at = Times.ToMicros(now) });

    /// <summary>A bank file of an exported run, as written; null when the run has none of that name.</summary>
    public (byte[] Content, string Media, string Sha256)? File(string runId, string name)
    {
        if (OpenFile(runId, name) is not { } file) return null;
        using var content = file.Content;
        using var ms = new MemoryStream();
        content.CopyTo(ms);
        return (ms.ToArray(), file.Media, file.Sha256);
    }

    /// <summary>A bank file as a stream of its bytes (decompressed as read), with its media type, hash and size.</summary>
    public (Stream Content, string Media, string Sha256, long Size)? OpenFile(string runId, string name) => store.Read(s =>
        s.QuerySingleOrDefault<FileRow>("SELECT content, media, size, sha256 FROM payout_files WHERE run_id = @runId AND name = @name", new { runId, name })
            is { } f ? (new StoredFile(f.Content, f.Size, f.Sha256).Open(), f.Media, f.Sha256, f.Size) : ((Stream, string, string, long)?)null);

    private const string InsertRunTransfer = """
        INSERT INTO ledger_transfers (program_id, publisher_id, currency, payout_run_id, payout_line, kind, from_account, to_account, amount_minor, at)
        VALUES (@ProgramId, @PublisherId, @Currency, @RunId, @Line, @Kind, @From, @To, @Amount, @At)
        """;

    private static IEnumerable<RunTransferRow> RunTransfers(string programId, string publisherId, string runId, string line,
        IEnumerable<(Currency Currency, Transfer Transfer)> transfers, DateTimeOffset at) =>
        transfers.Where(t => t.Transfer.Amount > 0m).Select(t => new RunTransferRow(programId, publisherId, t.Currency.Code, runId, line, t.Transfer.Kind,
            OrderService.Name(t.Transfer.From), OrderService.Name(t.Transfer.To), t.Currency.ToMinor(t.Transfer.Amount), Times.ToMicros(at)));

    private static void PostRunTransfers(DbSession s, string programId, string publisherId, string runId, string line,
        IEnumerable<(Currency Currency, Transfer Transfer)> transfers, DateTimeOffset at) =>
        s.ExecuteEach(InsertRunTransfer, RunTransfers(programId, publisherId, runId, line, transfers, at));

    // ---- Settlement and returns -------------------------------------------------------------------------------

    /// <summary>
    /// The bank confirms a line was paid. A publisher paid in two currencies in one run has two lines: name the line's
    /// currency (the balance's) then. The run is settled when no line waits for the bank.
    /// </summary>
    public PayoutRunView Settle(string runId, string publisherId, string actor, string? currency = null) => store.InSession(s =>
    {
        LockRun(s, runId);
        var now = clock.GetUtcNow();
        var line = PaidLine(s, runId, publisherId, currency);
        if (line.Status == LineStatus.Paid)
        {
            s.Execute("""
                UPDATE payouts SET status = 'settled', settled_at = @now, settled_by = @actor
                WHERE run_id = @runId AND publisher_id = @publisherId AND currency = @Currency AND status = 'paid'
                """, new { runId, publisherId, line.Currency, now = Times.ToMicros(now), actor });
            AuditLog.Append(s, now, actor, "payout.line_settled", $"payout_run:{runId}", $"publisher {publisherId} ({line.Currency})");
            SettleIfDone(s, runId, now);
        }
        return View(s, runId)!;
    });

    /// <summary>
    /// The bank returned a line (closed account, wrong name…): its money goes back to the publisher's payable balance
    /// by a ledger transfer, the line shows the bank's reason, and the next run pays it again.
    /// </summary>
    public PayoutRunView Return(string runId, string publisherId, string reason, string actor, string? currency = null) => store.InSession(s =>
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 140 || reason.Any(char.IsControl)) throw ProblemException.Invalid("reason", "the bank's reason is required (at most 140 characters)");
        var run = LockRun(s, runId);
        var now = clock.GetUtcNow();
        var line = PaidLine(s, runId, publisherId, currency);
        if (line.Status == LineStatus.Returned) return View(s, runId)!;
        var pay = Currency.Of(line.PayCurrency!);
        var amount = pay.FromMinor(line.PayMinor!.Value);
        PostRunTransfers(s, run.ProgramId, publisherId, runId, line.Currency, [(pay, new Transfer(EntryKinds.PayoutReturn, Account.Paid, Account.Payable, amount))], now);
        s.Execute("""
            UPDATE payouts SET status = 'returned', returned_at = @now, return_reason = @reason, settled_by = @actor
            WHERE run_id = @runId AND publisher_id = @publisherId AND currency = @Currency AND status IN ('paid', 'settled')
            """, new { runId, publisherId, line.Currency, now = Times.ToMicros(now), reason = reason.Trim(), actor });
        AuditLog.Append(s, now, actor, "payout.line_returned", $"payout_run:{runId}",
            $"publisher {publisherId} ({line.Currency}): {pay.Code} {pay.Format(amount)} back to payable ({reason.Trim()})");
        Outbox.Write(s, now, "payout_returned", $"payout_run:{runId}",
            new { run = runId, publisher = publisherId, currency = pay.Code, amount = pay.Format(amount), reason = reason.Trim() }, run.ProgramId, publisherId);
        SettleIfDone(s, runId, now);
        return View(s, runId)!;
    });

    /// <summary>The publisher's line of a run the bank was asked to pay, by the line's currency when it has more than one.</summary>
    private static LineRow PaidLine(DbSession s, string runId, string publisherId, string? currency)
    {
        var lines = s.Query<LineRow>($"SELECT {LineColumns} FROM payouts WHERE run_id = @runId AND publisher_id = @publisherId ORDER BY currency", new { runId, publisherId });
        if (lines.Count == 0) throw new ProblemException(Problem.NotFound("publisher", $"publisher '{publisherId}' has no line in run '{runId}'"));
        var sent = lines.Where(l => l.Status is LineStatus.Paid or LineStatus.Settled or LineStatus.Returned).ToList();
        if (currency is not null)
        {
            return sent.FirstOrDefault(l => l.Currency == currency)
                ?? throw new ProblemException(Problem.NotFound("currency", $"publisher '{publisherId}' has no paid line in {currency} in run '{runId}'"));
        }
        return sent.Count switch
        {
            0 => throw new ProblemException(Problem.Conflict("status", $"publisher '{publisherId}' was not paid in this run ({lines[0].Status})")),
            1 => sent[0],
            _ => throw ProblemException.Invalid("currency", $"publisher '{publisherId}' has lines in {string.Join(" and ", sent.Select(l => l.Currency))} in this run: name one"),
        };
    }

    private static void SettleIfDone(DbSession s, string runId, DateTimeOffset now)
    {
        if (s.Scalar<long>("SELECT COUNT(*) FROM payouts WHERE run_id = @runId AND status = 'paid'", new { runId }) > 0) return;
        s.Execute("UPDATE payout_runs SET status = 'settled', settled_at = @now WHERE id = @runId AND status = 'exported'", new { runId, now = Times.ToMicros(now) });
    }

    /// <summary>
    /// One payout transaction of a program at a time across nodes (PostgreSQL; SQLite's writer is one already): two
    /// runs of a program exported at once would each read the balance before the other paid it. Plans, exports and
    /// adjustments take it before they read balances.
    /// </summary>
    private static void LockProgram(DbSession s, string programId)
    {
        if (s.Provider == StoreProvider.Postgres) s.Execute("SELECT pg_advisory_xact_lock(7142037, hashtext(@programId))", new { programId });
    }

    private static RunRow LockRun(DbSession s, string runId)
    {
        var forUpdate = s.Provider == StoreProvider.Postgres ? " FOR UPDATE" : "";
        return s.QuerySingleOrDefault<RunRow>($"SELECT {RunColumns} FROM payout_runs WHERE id = @runId{forUpdate}", new { runId })
            ?? throw new ProblemException(Problem.NotFound("run", $"no payout run '{runId}'"));
    }

    // ---- Manual adjustments -----------------------------------------------------------------------------------

    /// <summary>
    /// An operator credits (positive) or debits (negative) a publisher's payable balance with a reason: a ledger
    /// transfer against the program, audited, on the statement. A reference makes a retried request harmless.
    /// </summary>
    public AdjustmentView Adjust(string programId, string publisherId, string? currencyCode, decimal amount, string reason, string? note, string? reference, string actor) =>
        store.InSession(s =>
        {
            var program = programs.Get(programId, "program");
            LockProgram(s, program.Id);
            if (s.Scalar<long>("SELECT COUNT(*) FROM publishers WHERE id = @publisherId", new { publisherId }) == 0)
            {
                throw new ProblemException(Problem.NotFound("publisher", $"unknown publisher '{publisherId}'"));
            }
            var now = clock.GetUtcNow();
            var code = currencyCode ?? program.PayoutCurrencyAt(now).Code;
            if (!program.PayoutCurrencies.Any(c => c.Currency == code)) throw ProblemException.Invalid("currency", $"the program pays in {string.Join(", ", program.PayoutCurrencies.Select(c => c.Currency).Distinct())}");
            var currency = Currency.Of(code);
            if (amount == 0m || Math.Abs(amount) > Limits.MaxAmount) throw ProblemException.Invalid("amount", "a non-zero amount of at most 1,000,000,000");
            if (currency.Round(amount) != amount) throw ProblemException.Invalid("amount", $"{code} has {currency.MinorDigits} decimals");
            if (!AdjustmentReasons.Contains(reason)) throw ProblemException.Invalid("reason", $"one of {string.Join(", ", AdjustmentReasons)}");
            if (note is { Length: > 500 } || note?.Any(char.IsControl) == true) throw ProblemException.Invalid("note", "at most 500 characters, no control characters");
            if (reference is not null && (reference.Length is 0 or > 64 || reference.Any(char.IsControl))) throw ProblemException.Invalid("reference", "1 to 64 characters");
            var minor = currency.ToMinor(amount);
            if (reference is not null && s.QuerySingleOrDefault<AdjustmentRow>($"SELECT {AdjustmentColumns} FROM payout_adjustments WHERE publisher_id = @publisherId AND reference = @reference",
                    new { publisherId, reference }) is { } existing)
            {
                if (existing.ProgramId != programId || existing.Currency != code || existing.AmountMinor != minor || existing.Reason != reason)
                {
                    throw new ProblemException(Problem.Conflict("reference", $"adjustment '{reference}' was made before with other contents"));
                }
                return ViewOf(existing);
            }
            var id = s.Scalar<long>("""
                INSERT INTO payout_adjustments (program_id, publisher_id, currency, amount_minor, reason, note, reference, by_actor, at)
                VALUES (@programId, @publisherId, @code, @minor, @reason, @note, @reference, @actor, @at) RETURNING id
                """, new { programId, publisherId, code, minor, reason, note, reference, actor, at = Times.ToMicros(now) });
            var transfer = amount > 0m
                ? new Transfer(EntryKinds.ManualAdjustment, Account.Program, Account.Payable, amount)
                : new Transfer(EntryKinds.ManualAdjustment, Account.Payable, Account.Program, -amount);
            s.Execute("""
                INSERT INTO ledger_transfers (program_id, publisher_id, currency, adjustment_id, kind, from_account, to_account, amount_minor, at)
                VALUES (@programId, @publisherId, @code, @id, @Kind, @from, @to, @amount, @at)
                """, new { programId, publisherId, code, id, transfer.Kind, from = OrderService.Name(transfer.From), to = OrderService.Name(transfer.To),
                    amount = currency.ToMinor(transfer.Amount), at = Times.ToMicros(now) });
            AuditLog.Append(s, now, actor, "payout.adjusted", $"publisher:{publisherId}", $"{reason}: {code} {currency.Format(amount)} in {programId}{(note is null ? "" : $" ({note})")}");
            return ViewOf(s.QuerySingleOrDefault<AdjustmentRow>($"SELECT {AdjustmentColumns} FROM payout_adjustments WHERE id = @id", new { id })!);
        });

    public IReadOnlyList<AdjustmentView> Adjustments(string publisherId) => store.Read(s =>
        s.Query<AdjustmentRow>($"SELECT {AdjustmentColumns} FROM payout_adjustments WHERE publisher_id = @publisherId ORDER BY id", new { publisherId }).Select(ViewOf).ToList());

    private static AdjustmentView ViewOf(AdjustmentRow r)
    {
        var currency = Currency.Of(r.Currency);
        return new AdjustmentView(r.Id, r.ProgramId, r.PublisherId, r.Currency, currency.Format(currency.FromMinor(r.AmountMinor)), r.Reason, r.Note, r.Reference, r.ByActor, Times.FromMicros(r.At));
    }

    // ---- The whole run at once (replays) and the schedule -----------------------------------------------------

    /// <summary>
    /// Plans, approves and exports the program's run at <paramref name="at"/> in one go, by the system (replay files,
    /// whose runs are facts of the past). Running the same run again changes nothing.
    /// </summary>
    public IReadOnlyList<PayoutRunLine> Run(string programId, DateTimeOffset at) => store.InSession(s => Run(s, programId, at));

    public IReadOnlyList<PayoutRunLine> Run(DbSession s, string programId, DateTimeOffset at)
    {
        var program = programs.Get(programId, "program");
        var runId = Plan(s, program, at, SystemActor);
        var now = Times.ToMicros(clock.GetUtcNow());
        s.Execute("UPDATE payout_runs SET status = 'approved', approved_at = @now, approved_by = @actor WHERE id = @runId AND status = 'planned'",
            new { runId, now, actor = SystemActor });
        Export(s, runId, SystemActor);
        return Find(s, programId, at);
    }

    /// <summary>The lines of a run that took place, or none.</summary>
    public IReadOnlyList<PayoutRunLine> Find(string programId, DateTimeOffset at) => store.Read(s => Find(s, programId, at));

    public static IReadOnlyList<PayoutRunLine> Find(DbSession s, string programId, DateTimeOffset at)
    {
        var runId = RunId(programId, at);
        return Lines(s, runId).Select(p =>
        {
            var currency = Currency.Of(p.Currency);
            return new PayoutRunLine(runId, at, p.PublisherId, p.Currency, currency.Format(currency.FromMinor(p.AmountMinor)), p.Status, p.Reason);
        }).ToList();
    }

    /// <summary>
    /// Plans each program's scheduled run once it is due (its weekday and hour in its zone), at most a week late;
    /// nodes sharing PostgreSQL take an advisory lock per run and the run's id is unique, so one plan is made.
    /// </summary>
    public int RunIfDue(DateTimeOffset now)
    {
        var planned = 0;
        foreach (var program in programs.All)
        {
            var due = PayoutSchedule.Latest(program.Payout, now);
            if (now - due > TimeSpan.FromDays(7)) continue;
            var runId = RunId(program.Id, due);
            if (store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM payout_runs WHERE id = @runId", new { runId })) > 0) continue;
            store.InSession(s => Plan(s, program, due, SystemActor));
            planned++;
        }
        return planned;
    }

    // ---- What publishers and the operator look ahead at ------------------------------------------------------

    /// <summary>The program's next run as it would be planned now: the operator's preview, nothing stored.</summary>
    public IReadOnlyList<PayoutLine> Preview(string programId) => store.Read(s =>
        PayoutPlanner.Plan(Balances(s, programId), programs.Get(programId, "program"), clock.GetUtcNow()));

    /// <summary>
    /// A publisher's next payouts: per program it belongs to or has money in, the next scheduled run, the payable
    /// balance, the threshold, and what the plan would decide now (paid, carried over, held and why).
    /// </summary>
    public IReadOnlyList<UpcomingPayout> Upcoming(string publisherId) => store.Read(s =>
    {
        var now = clock.GetUtcNow();
        var (details, hold) = DetailsOf(s, publisherId);
        var programIds = s.Query<string>("""
            SELECT program_id FROM applications WHERE publisher_id = @publisherId AND status = 'approved'
            UNION SELECT DISTINCT program_id FROM ledger_transfers WHERE publisher_id = @publisherId
            """, new { publisherId }).ToHashSet(StringComparer.Ordinal);
        var upcoming = new List<UpcomingPayout>();
        foreach (var program in programs.All.Where(p => programIds.Contains(p.Id)).OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            var next = PayoutSchedule.Next(program.Payout, now);
            var balances = s.Query<BalanceRow>($"SELECT * FROM ({PayableSql}) AS b WHERE publisher_id = @publisherId AND minor <> 0", new { programId = program.Id, publisherId })
                .Select(b => (Currency: Currency.Of(b.Currency), Value: b.Minor)).ToList();
            if (balances.Count == 0) balances.Add((program.PayoutCurrencyAt(now), 0));
            foreach (var (currency, minor) in balances)
            {
                var line = PayoutPlanner.Decide(new PayableBalance(publisherId, currency, currency.FromMinor(minor), details, hold), program, next);
                upcoming.Add(new UpcomingPayout(program.Id, program.Name, next, currency.Code, currency.Format(line.Amount),
                    currency.Format(PayoutPlanner.Threshold(program, currency, next)), line.Decision == PayoutDecision.Paid ? LineStatus.Due : line.Status,
                    minor == 0 ? "nothing_payable" : line.Reason, line.PayCurrency?.Code, line.PayCurrency is { } pay ? pay.Format(line.PayAmount) : null,
                    hold > now ? hold : null));
            }
        }
        return upcoming;
    });

    /// <summary>A publisher's lines in every run, newest first.</summary>
    public IReadOnlyList<PublisherPayoutLine> History(string publisherId, int limit = 200) => store.Read(s =>
        s.Query<HistoryRow>($"""
            SELECT r.id AS run, r.program_id, r.at, r.status AS run_status, r.exported_at, {string.Join(", ", LineColumns.Split(", ").Select(c => "p." + c))}
            FROM payouts p JOIN payout_runs r ON r.id = p.run_id
            WHERE p.publisher_id = @publisherId ORDER BY r.at DESC, p.currency LIMIT @limit
            """, new { publisherId, limit })
            .Select(h => new PublisherPayoutLine(h.Run, h.ProgramId, Times.FromMicros(h.At), h.RunStatus, h.ExportedAt is { } e ? Times.FromMicros(e) : null, LineView(h)))
            .ToList());

    // ---- Reading runs -----------------------------------------------------------------------------------------

    public IReadOnlyList<PayoutRunView> Runs(string? programId = null, string? status = null, int limit = 50) => store.Read(s =>
    {
        if (status is not null && !RunStatus.All.Contains(status)) throw ProblemException.Invalid("status", $"one of {string.Join(", ", RunStatus.All)}");
        return s.Query<RunRow>($"""
            SELECT {RunColumns} FROM payout_runs WHERE (@programId IS NULL OR program_id = @programId) AND (@status IS NULL OR status = @status)
            ORDER BY at DESC, id LIMIT @limit
            """, new { programId, status, limit })
            .Select(r => View(s, r, lineLimit: 0, lineOffset: 0)).ToList();
    });

    /// <summary>A run with a page of its lines (by publisher; the first 1,000 unless told), its totals and counts over all of them.</summary>
    public PayoutRunView? Get(string runId, int lineLimit = DefaultLinePage, int lineOffset = 0) => store.Read(s => View(s, runId, lineLimit, lineOffset));

    public const int DefaultLinePage = 1000;

    private PayoutRunView? View(DbSession s, string runId, int lineLimit = DefaultLinePage, int lineOffset = 0) =>
        s.QuerySingleOrDefault<RunRow>($"SELECT {RunColumns} FROM payout_runs WHERE id = @runId", new { runId }) is { } r ? View(s, r, lineLimit, lineOffset) : null;

    private PayoutRunView View(DbSession s, RunRow r, int lineLimit, int lineOffset)
    {
        var sums = s.Query<TotalRow>("""
            SELECT COALESCE(pay_currency, currency) AS currency, status, COUNT(*) AS lines, CAST(SUM(COALESCE(pay_minor, amount_minor)) AS BIGINT) AS minor
            FROM payouts WHERE run_id = @runId GROUP BY COALESCE(pay_currency, currency), status
            """, new { runId = r.Id });
        var toPay = sums.Where(t => t.Status is LineStatus.Due or LineStatus.Paid or LineStatus.Settled or LineStatus.Returned)
            .GroupBy(t => t.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PayoutTotal(g.Key, (int)g.Sum(t => t.Lines), Currency.Of(g.Key).Format(Currency.Of(g.Key).FromMinor(g.Sum(t => t.Minor)))))
            .ToList();
        var counts = sums.GroupBy(t => t.Status).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (int)g.Sum(t => t.Lines));
        var lines = lineLimit <= 0 ? [] : s.Query<LineRow>($"SELECT {LineColumns} FROM payouts WHERE run_id = @runId ORDER BY publisher_id, currency LIMIT @lineLimit OFFSET @lineOffset",
            new { runId = r.Id, lineLimit, lineOffset });
        var files = s.Query<string>("SELECT name FROM payout_files WHERE run_id = @runId ORDER BY name", new { runId = r.Id });
        var fourEyes = programs.All.FirstOrDefault(p => p.Id == r.ProgramId)?.Payout.FourEyes ?? false;
        DateTimeOffset? T(long? micros) => micros is { } m ? Times.FromMicros(m) : null;
        return new PayoutRunView(r.Id, r.ProgramId, Times.FromMicros(r.At), r.Status, T(r.PlannedAt), r.PlannedBy, T(r.ApprovedAt), r.ApprovedBy,
            T(r.SecondApprovedAt), r.SecondApprovedBy, fourEyes && r.Status == RunStatus.Planned && r.ApprovedBy is not null,
            T(r.ExportedAt), r.ExportedBy, T(r.SettledAt), toPay, files, counts.Values.Sum(), counts, lines.Select(LineView).ToList());
    }

    internal static PayoutLineView LineView(LineRow l)
    {
        var currency = Currency.Of(l.Currency);
        var pay = l.PayCurrency is null ? null : Currency.Of(l.PayCurrency);
        return new PayoutLineView(l.PublisherId, l.Currency, currency.Format(currency.FromMinor(l.AmountMinor)), currency.Format(currency.FromMinor(l.PlannedMinor)),
            l.Status, l.Reason, l.Method, l.PayCurrency, pay is null || l.PayMinor is null ? null : pay.Format(pay.FromMinor(l.PayMinor.Value)), l.FxRate,
            l.Reference, l.Invoice, l.SettledAt is { } sa ? Times.FromMicros(sa) : null, l.ReturnedAt is { } ra ? Times.FromMicros(ra) : null, l.ReturnReason);
    }

    internal static List<LineRow> Lines(DbSession s, string runId) =>
        s.Query<LineRow>($"SELECT {LineColumns} FROM payouts WHERE run_id = @runId ORDER BY publisher_id, currency", new { runId });

    internal const string LineColumns = "run_id, publisher_id, currency, amount_minor, planned_minor, status, reason, seq, method, pay_currency, pay_minor, fx_rate, bank, reference, invoice, settled_at, returned_at, return_reason";
    private const string RunColumns = "id, program_id, at, status, planned_at, planned_by, approved_at, approved_by, second_approved_at, second_approved_by, exported_at, exported_by, settled_at";
    private const string AdjustmentColumns = "id, program_id, publisher_id, currency, amount_minor, reason, note, reference, by_actor, at";
}

#pragma warning disable CA1812 // instantiated by the row parser
internal sealed class BalanceRow
{
    public string PublisherId { get; set; } = "";
    public string Currency { get; set; } = "";
    public long Minor { get; set; }
}

internal sealed class DetailsRow
{
    public string Id { get; set; } = "";
    public string? PayoutDetails { get; set; }
    public long? PayoutHoldUntil { get; set; }
}

internal sealed class RunRow
{
    public string Id { get; set; } = "";
    public string ProgramId { get; set; } = "";
    public long At { get; set; }
    public string Status { get; set; } = "";
    public long? PlannedAt { get; set; }
    public string? PlannedBy { get; set; }
    public long? ApprovedAt { get; set; }
    public string? ApprovedBy { get; set; }
    public long? SecondApprovedAt { get; set; }
    public string? SecondApprovedBy { get; set; }
    public long? ExportedAt { get; set; }
    public string? ExportedBy { get; set; }
    public long? SettledAt { get; set; }
}

internal class LineRow
{
    public string RunId { get; set; } = "";
    public string PublisherId { get; set; } = "";
    public string Currency { get; set; } = "";
    public long AmountMinor { get; set; }
    public long PlannedMinor { get; set; }
    public string Status { get; set; } = "";
    public string? Reason { get; set; }
    public long Seq { get; set; }
    public string? Method { get; set; }
    public string? PayCurrency { get; set; }
    public long? PayMinor { get; set; }
    public string? FxRate { get; set; }
    public string? Bank { get; set; }
    public string? Reference { get; set; }
    public string? Invoice { get; set; }
    public long? SettledAt { get; set; }
    public long? ReturnedAt { get; set; }
    public string? ReturnReason { get; set; }
}

internal sealed class HistoryRow : LineRow
{
    public string Run { get; set; } = "";
    public string ProgramId { get; set; } = "";
    public long At { get; set; }
    public string RunStatus { get; set; } = "";
    public long? ExportedAt { get; set; }
}

internal sealed class ExportLineRow : LineRow
{
    public string? ChangedDetails { get; set; }
    public long? PayoutHoldUntil { get; set; }
}

internal sealed class TotalRow
{
    public string Currency { get; set; } = "";
    public string Status { get; set; } = "";
    public long Lines { get; set; }
    public long Minor { get; set; }
}

internal sealed class FileRow
{
    public byte[] Content { get; set; } = [];
    public string Media { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
}

internal sealed class AdjustmentRow
{
    public long Id { get; set; }
    public string ProgramId { get; set; } = "";
    public string PublisherId { get; set; } = "";
    public string Currency { get; set; } = "";
    public long AmountMinor { get; set; }
    public string Reason { get; set; } = "";
    public string? Note { get; set; }
    public string? Reference { get; set; }
    public string ByActor { get; set; } = "";
    public long At { get; set; }
}

internal sealed record RunTransferRow(string ProgramId, string PublisherId, string Currency, string RunId, string Line, string Kind, string From, string To, long Amount, long At);
#pragma warning restore CA1812
