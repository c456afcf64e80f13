using System.ComponentModel;

namespace LastClick.Server;

// The JSON bodies of the API's writes as the API document shows them (`Accepts<T>`). The handlers read the same
// fields with the field-path reader (JsonNode), which names the field of any problem and refuses unknown fields,
// duplicate names and lone surrogates; amounts are decimal strings (a number is accepted too).

[Description("An order as the marketplace sends it: idempotent by id (the same body answers as the first time, another body is a 409).")]
public sealed record OrderRequest(
    [property: Description("The marketplace's order id")] string Id,
    [property: Description("The visitor id of the tracking cookie (needed unless clickId is given)")] string? Visitor,
    [property: Description("The click id the landing page received (lc_click)")] string? ClickId,
    [property: Description("When the order was placed (ISO 8601 with a zone), at most 24 h ahead of the server's clock")] DateTimeOffset At,
    [property: Description("ISO 4217 code of the prices")] string Currency,
    [property: Description("ISO 3166 alpha-2 country the order ships to")] string DeliveryCountry,
    [property: Description("1 to 1000 lines")] IReadOnlyList<OrderLineRequest> Lines);

public sealed record OrderLineRequest(
    string Id,
    string ProductId,
    string Category,
    string? Store,
    [property: Description("Unit price in the order's currency, at most its minor digits; price × quantity at most 1,000,000,000")] decimal Price,
    [property: Description("1 to 100,000")] int Quantity,
    [property: Description("False for goods outside the program (default true)")] bool? Affiliated,
    [property: Description("The seller's own commission rate, a fraction 0…1, where the program pays by it")] decimal? SellerRate,
    bool? Virtual,
    string? Section,
    string? SellerOrigin);

[Description("An event of an order: paid, goods_received, auto_confirmed, cancelled, refunded or fraud; idempotent by id.")]
public sealed record EventRequest(
    string Id,
    [property: Description("The order's id")] string Order,
    [property: Description("paid, goods_received, auto_confirmed, cancelled, refunded or fraud")] string Type,
    [property: Description("When it happened: not before the order, at most 24 h ahead")] DateTimeOffset At,
    [property: Description("A partial refund's line")] string? Line,
    [property: Description("A partial refund's amount, at most the line's value")] decimal? Amount);

[Description("A paid touch of the marketplace's own channels (A1): it takes the last click away from affiliates.")]
public sealed record TouchRequest(string Id, string Visitor, DateTimeOffset At, string? Channel);

[Description("A deep link to a page of the program's marketplace, with up to five sub ids.")]
public sealed record LinkCreateRequest(string Program, string Destination, string? Sub1, string? Sub2, string? Sub3, string? Sub4, string? Sub5);

[Description("A link's new destination or sub ids (a sub id set to null is removed).")]
public sealed record LinkChangeRequest(string? Destination, string? Sub1, string? Sub2, string? Sub3, string? Sub4, string? Sub5);

[Description("A missing-order claim: an order the publisher sent that was not credited.")]
public sealed record ClaimFileRequest(string Program, string OrderId,
    [property: Description("The order's date, 2026-11-01")] DateOnly OrderDate,
    [property: Description("The order's amount, at most 1,000,000,000")] decimal Amount, string Currency, string Comment);

[Description("Keywords to check against the banned list.")]
public sealed record KeywordCheckRequest(IReadOnlyList<string> Keywords);

[Description("Plan a payout run of a program now (or at a past instant).")]
public sealed record PayoutPlanRequest(string Program, DateTimeOffset? At);

[Description("A manual credit (positive) or debit (negative) of a publisher's payable balance.")]
public sealed record AdjustmentRequest(string Program, string? Currency,
    [property: Description("Non-zero, at most 1,000,000,000 either way")] decimal Amount,
    [property: Description("bonus, correction, goodwill or other")] string Reason, string? Note,
    [property: Description("Makes a retry harmless: the same reference is applied once")] string? Reference);

[Description("Where a publisher is paid: SEPA (holder, iban, bic) or an international wire (holder, account, bankName, swift, bankAddress).")]
public sealed record PayoutDetailsRequest(
    [property: Description("sepa or wire")] string Method, string Holder, string? Iban, string? Bic, string? Account, string? BankName, string? Swift,
    string? BankAddress, string Currency, Publishers.PostalAddress? Address, string? VatId);

[Description("The publisher's postback: a URL template with {placeholders}, the events it is sent for.")]
public sealed record PostbackRequest(string Url, [property: Description("GET or POST")] string? Method, IReadOnlyList<string>? Events, string? Program);

[Description("The operator's webhook: a URL and the events it is sent for.")]
public sealed record WebhookRequest(string Url, IReadOnlyList<string>? Events, string? Program);
