using LastClick.Commissions;
using LastClick.Common;
using LastClick.Ledger;
using LastClick.Lifecycle;
using LastClick.Orders;
using LastClick.Payouts;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Replay;
using LastClick.Tracking;

namespace LastClick.Tests.Support;

/// <summary>The real services on a fresh temporary store, with a clock the test sets.</summary>
public sealed class Harness : IDisposable
{
    private readonly TemporaryStore _store;

    private Harness(TemporaryStore store, ProgramCatalog programs)
    {
        _store = store;
        Clock = new ManualClock(Build.T("2026-01-01T00:00:00Z"));
        store.Store.Migrate(Clock);
        Platform = new Platform(store.Store, programs, Clock);
    }

    public ManualClock Clock { get; }
    public Platform Platform { get; }

    /// <summary>A harness on SQLite, or on PostgreSQL (null where it cannot run outside CI).</summary>
    public static Harness? Create(string provider = TestStores.Sqlite, params ProgramDefinition[] programs)
    {
        var store = TestStores.Create(provider);
        // A catalog of its own: an operator edit (ProgramEditor) replaces definitions in the catalog it is given.
        return store is null ? null : new Harness(store, new ProgramCatalog(programs.Length == 0 ? Build.Catalog.All : programs));
    }

    public static Harness Sqlite(params ProgramDefinition[] programs) => Create(TestStores.Sqlite, programs)!;

    /// <summary>Routes the outbox's news as the mail worker does, until every message committed has been read (<see cref="OutboxReaders"/>).</summary>
    public void RouteNews() => OutboxReaders.ReadAll(Platform.Store, "news", () => Platform.News.Route());

    /// <summary>Queues postbacks from the outbox as the worker does, until every message committed has been read; answers the jobs queued.</summary>
    public int DispatchPostbacks() => OutboxReaders.ReadAll(Platform.Store, "postbacks", () => Platform.Postbacks.Dispatch());

    /// <summary>A publisher; with complete payout details (a wire in the program's currency) unless told otherwise.</summary>
    public Harness Publisher(string id = "p1", string trafficType = "content", bool payoutDetails = true)
    {
        Platform.Publishers.Upsert(new Publisher(id, trafficType, null));
        if (payoutDetails) Platform.Payouts.SetDetails(id, PayoutDetailsRules.ReplayWire(id), "test");
        return this;
    }

    /// <summary>SEPA details (paid in EUR) for a publisher: the first details hold nothing.</summary>
    public Harness Sepa(string id, string iban = "DE89370400440532013000", string? bic = "COBADEFFXXX")
    {
        Platform.Payouts.SetDetails(id, new PayoutDetails("sepa", $"Holder {id}", iban, bic, null,
            Address: new PostalAddress("Hauptstraße 5", "10115", "Berlin", "DE"), VatId: "DE123456789"), "test");
        return this;
    }

    public ClickClass Click(string id = "c1", string visitor = "v1", string at = "2026-02-01T10:00:00Z", string publisher = "p1",
        string ip = "81.2.69.142", string program = "aliexpress-ww", string? invalid = null)
    {
        Clock.Set(Build.T(at));
        return Platform.Tracking.RecordClick(new Click(id, program, publisher, visitor, Build.T(at), ip, "Mozilla/5.0 Firefox/128.0", null, FlaggedAs: invalid));
    }

    public OrderView Order(string id = "o1", string at = "2026-02-02T09:00:00Z", string currency = "USD", string country = "DE",
        string visitor = "v1", string program = "aliexpress-ww", params OrderLine[] lines)
    {
        Clock.Set(Build.T(at));
        var order = new Order(id, Build.T(at), Currency.Of(currency), country, lines.Length == 0 ? [Build.Line()] : lines, visitor);
        return Platform.Orders.Ingest(order, program);
    }

    /// <summary>Applies an event dated <paramref name="at"/>, received then or, if the clock is already later, now.</summary>
    public bool Event(string id, string type, string at, string order = "o1", string? line = null, decimal? amount = null)
    {
        if (Build.T(at) > Clock.GetUtcNow()) Clock.Set(Build.T(at));
        return Platform.Orders.ApplyEvent(new OrderEvent(id, order, OrderService.ParseEventType(type), Build.T(at), line, amount));
    }

    public IReadOnlyList<PayoutRunLine> Payout(string at, string program = "aliexpress-ww")
    {
        Clock.Set(Build.T(at));
        return Platform.Payouts.Run(program, Build.T(at));
    }

    public OrderView Find(string id = "o1") => Platform.Orders.Find(id)!;

    public BalanceView Balance(string publisher = "p1", string currency = "USD") =>
        Platform.Ledger.Balances(publisher).SingleOrDefault(b => b.Currency == currency) ?? new BalanceView(publisher, currency, 0, 0, 0, 0);

    public IReadOnlyList<TransferView> Transfers(string? publisher = null) => Platform.Ledger.Transfers(publisher);

    public void Dispose() => _store.Dispose();
}
