using LastClick.Data;
using LastClick.Ledger;
using LastClick.Orders;
using LastClick.Payouts;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Tracking;

namespace LastClick;

/// <summary>The services over one store: what `serve`, `replay` and the tests all call.</summary>
public sealed class Platform
{
    public Platform(Store store, ProgramCatalog programs, TimeProvider clock, ClickClassifier? classifier = null)
    {
        Store = store;
        Programs = programs;
        Clock = clock;
        Publishers = new PublisherService(store, clock);
        Tracking = new TrackingService(store, classifier ?? ClickClassifier.Default);
        Orders = new OrderService(store, programs, clock);
        Payouts = new PayoutService(store, programs, Orders, clock);
        Ledger = new LedgerQueries(store);
        Links = new LinkService(store, programs, clock);
        Keys = new Access.ApiKeys(store, clock);
        Accounts = new Access.Accounts(store, clock);
        Applications = new Applications(store, programs, clock);
        ProgramEditor = new ProgramEditor(store, programs, clock);
        Catalog = new Products.CatalogService(store, clock);
        Feeds = new Products.Feeds(store, programs, Links, clock);
        Keywords = new Products.BannedKeywords(store, clock);
        Claims = new Claims.ClaimService(store, programs, Orders, clock);
        Fraud = new Fraud.FraudReview(store, Orders, Links, clock);
        Postbacks = new Notifications.PostbackService(store, programs, clock);
        News = new Notifications.NewsService(store, programs, clock);
        Mail = new Notifications.MailSender(store, clock);
        AccountMail = new Notifications.AccountMail(store, clock);
        Forecasts = new Forecast.ForecastService(store, programs, clock);
        Support = new Support.SupportService(store, programs, clock);
    }

    public Store Store { get; }
    public TimeProvider Clock { get; }
    public ProgramCatalog Programs { get; }
    public PublisherService Publishers { get; }
    public TrackingService Tracking { get; }
    public OrderService Orders { get; }
    public PayoutService Payouts { get; }
    public LedgerQueries Ledger { get; }
    public LinkService Links { get; }
    public Access.ApiKeys Keys { get; }
    public Access.Accounts Accounts { get; }
    public Applications Applications { get; }
    public ProgramEditor ProgramEditor { get; }
    public Products.CatalogService Catalog { get; }
    public Forecast.ForecastService Forecasts { get; }
    public Products.Feeds Feeds { get; }
    public Products.BannedKeywords Keywords { get; }
    public Claims.ClaimService Claims { get; }
    public Fraud.FraudReview Fraud { get; }
    public Notifications.PostbackService Postbacks { get; }
    public Notifications.NewsService News { get; }
    public Notifications.MailSender Mail { get; }
    public Notifications.AccountMail AccountMail { get; }
    public Support.SupportService Support { get; }
}
