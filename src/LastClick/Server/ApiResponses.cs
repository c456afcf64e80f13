using System.Text.Json.Serialization;
using LastClick.Claims;
using LastClick.Fraud;
using LastClick.Payouts;
using LastClick.Publishers;

namespace LastClick.Server;

// The answers of the API's lists and payout reads, as records: what the handlers write is what the document shows.

/// <summary>A payout run with its totals, its lines counted by status and a page of its lines.</summary>
public sealed record PayoutRunResponse(
    [property: JsonPropertyName("run")] string Run, string Id, string Program, DateTimeOffset At,
    [property: System.ComponentModel.Description("planned, approved, exported or settled")] string Status,
    DateTimeOffset? PlannedAt, string? PlannedBy, DateTimeOffset? ApprovedAt, string? ApprovedBy, DateTimeOffset? SecondApprovedAt, string? SecondApprovedBy,
    bool AwaitingSecondApproval, DateTimeOffset? ExportedAt, string? ExportedBy, DateTimeOffset? SettledAt,
    IReadOnlyList<PayoutTotal> ToPay, IReadOnlyList<string> Files, int LineCount, IReadOnlyDictionary<string, int> LineCounts, IReadOnlyList<PayoutLineView> Lines)
{
    public static PayoutRunResponse Of(PayoutRunView r) => new(r.Id, r.Id, r.Program, r.At, r.Status, r.PlannedAt, r.PlannedBy, r.ApprovedAt, r.ApprovedBy,
        r.SecondApprovedAt, r.SecondApprovedBy, r.AwaitingSecondApproval, r.ExportedAt, r.ExportedBy, r.SettledAt, r.ToPay, r.Files, r.LineCount, r.LineCounts, r.Lines);
}

public sealed record PayoutRunListResponse(IReadOnlyList<PayoutRunResponse> Runs);

/// <summary>The publisher's next payout per program and currency, and its history of paid lines.</summary>
public sealed record PublisherPayoutsResponse(IReadOnlyList<UpcomingPayout> Next, IReadOnlyList<PublisherPayoutLine> History);

/// <summary>
/// Payout details as the publisher gave them: a SEPA transfer's (iban, bic) or a wire's (account, swift, bankAddress);
/// the other method's fields are left out.
/// </summary>
public sealed record PayoutDetailsView(
    string Method, string Holder,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Iban,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Bic,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Account,
    string? BankName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Swift,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BankAddress,
    string? Currency, PostalAddress? Address, string? VatId)
{
    public static PayoutDetailsView Of(PayoutDetails d) => d.Method == PayoutDetailsRules.Sepa
        ? new(d.Method, d.AccountHolder, d.Iban, d.Bic, null, d.BankName, null, null, d.Currency, d.Address, d.VatId)
        : new(d.Method, d.AccountHolder, null, null, d.Account, d.BankName, d.Bic, d.BankAddress, d.Currency, d.Address, d.VatId);
}

/// <param name="Complete">Whether the details are enough to be paid (derived, never set).</param>
/// <param name="HeldUntil">Until when a change of the details holds the next payout (48 h after a change).</param>
public sealed record PayoutDetailsResponse(bool Complete, DateTimeOffset? HeldUntil, PayoutDetailsView? Details);

public sealed record AdjustmentListResponse(IReadOnlyList<AdjustmentView> Adjustments);

public sealed record ClaimListResponse(IReadOnlyList<Claim> Claims);

/// <summary>A claim beside what the marketplace sent about its order.</summary>
public sealed record ClaimView(Claim Claim, ClaimEvidence Evidence);

public sealed record FindingListResponse(IReadOnlyList<Finding> Findings);

public sealed record PublisherListResponse(IReadOnlyList<Publisher> Publishers, int Limit, int Offset);

public sealed record FeedListResponse(IReadOnlyList<LastClickServer.FeedResponse> Feeds);

/// <summary>A link whose product is gone or out of stock, with up to three suggestions.</summary>
public sealed record BrokenLinkResponse(string Link, string TrackingUrl, string Destination, string Product,
    [property: System.ComponentModel.Description("gone or out_of_stock")] string Reason, DateTimeOffset FoundAt, IReadOnlyList<Products.Suggestion> Suggestions);

public sealed record BrokenLinkListResponse([property: JsonPropertyName("broken_links")] IReadOnlyList<BrokenLinkResponse> BrokenLinks);

public sealed record KeywordListResponse(IReadOnlyList<string> Keywords);

public sealed record KeywordCheckResult(string Keyword, bool Allowed, [property: System.ComponentModel.Description("The banned keywords it contains")] IReadOnlyList<string> Matches);

public sealed record KeywordCheckResponse([property: System.ComponentModel.Description("How many of the keywords are banned")] int Banned, IReadOnlyList<KeywordCheckResult> Results);

public sealed record KeywordsAddedResponse(int Added);

/// <param name="Since">The day the list took effect (null: the program has none).</param>
public sealed record NonPayingStoreList(string Program, string? Since, IReadOnlyList<string> Stores);

public sealed record NonPayingStoresResponse(IReadOnlyList<NonPayingStoreList> Lists);

public sealed record NonPayingStoresChanged([property: System.ComponentModel.Description("The stores the new list has")] IReadOnlyList<string> Changed);

public sealed record BestSellersResponse(string Market, string? Month, IReadOnlyList<Products.BestSeller> Products);

public sealed record BestSellersRun(string Month, [property: System.ComponentModel.Description("Places ranked")] int Places);

public sealed record BrokenLinksRun([property: System.ComponentModel.Description("Links found broken")] int Broken);

/// <summary>A postback or webhook: where it goes, how, for which events and program (null: every program).</summary>
public sealed record PostbackSettingResponse(string? Program, string Url, string Method, IReadOnlyList<string> Events)
{
    public static PostbackSettingResponse Of(Notifications.PostbackSetting s) => new(s.ProgramId.Length == 0 ? null : s.ProgramId, s.Url, s.Method, s.Events);
}

/// <param name="PreviousSecret">The secret before the last rotation, still accepted until the next one.</param>
public sealed record PostbacksResponse(IReadOnlyList<PostbackSettingResponse> Postbacks, string Secret, string? PreviousSecret,
    [property: System.ComponentModel.Description("The {macros} a postback URL may carry")] IEnumerable<string> Macros);

public sealed record PostbackSaved(PostbackSettingResponse Postback, string Secret);

public sealed record WebhooksResponse(IReadOnlyList<PostbackSettingResponse> Webhooks, string Secret, string? PreviousSecret,
    [property: System.ComponentModel.Description("The events a webhook may ask for")] IEnumerable<string> Events);

public sealed record WebhookSaved(PostbackSettingResponse Webhook, string Secret);

public sealed record SecretsResponse(string Secret, string? PreviousSecret);

/// <param name="Deliveries">The ids of the test deliveries queued (see the delivery log).</param>
public sealed record TestDeliveriesResponse(IReadOnlyList<long> Deliveries);

public sealed record DeliveryListResponse(IReadOnlyList<Notifications.PostbackDeliveryView> Deliveries);

public sealed record RedeliveryResponse(long Delivery, [property: System.ComponentModel.Description("pending: it is sent again now")] string Status);

/// <summary>A program in brief (its whole definition: GET /api/v1/operator/programs/{id}).</summary>
public sealed record ProgramSummary(string Id, string Name, [property: System.ComponentModel.Description("cpa_sale, …")] string Model, int CookieWindowDays,
    IReadOnlyList<string> AllowedHosts, IEnumerable<string> PayoutCurrencies);

/// <param name="Key">The new key: shown once, only its SHA-256 is stored.</param>
public sealed record KeyCreated(string Key, string Role, string? Publisher);

/// <param name="Links">How many of the publisher's links changed.</param>
public sealed record LinksSuspended(string Publisher, bool Suspended, int Links);

public sealed record BulkLinksResponse(IReadOnlyList<LastClickServer.LinkResponse> Links);
