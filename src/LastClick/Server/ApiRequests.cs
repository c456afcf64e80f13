using System.ComponentModel;
using LastClick.Common;
using LastClick.Payouts;
using LastClick.Publishers;

namespace LastClick.Server;

// The request bodies of the publisher's and the operator's writes (the marketplace's are LastClick.Orders.OrderRequest
// and its kin, shared with the replay). Each is read from JSON by its own Read — every problem names its field, unknown
// fields, duplicate names and lone surrogates are refused, amounts are decimal strings (a number is accepted too) — and
// the handler works from the typed record. The API document shows these records as the bodies (WithBody<T>).

[Description("A deep link to a page of the program's marketplace, with up to five sub ids.")]
public sealed record LinkCreateRequest(string Program, string Destination, string? Sub1, string? Sub2, string? Sub3, string? Sub4, string? Sub5)
{
    public static LinkCreateRequest Read(JsonNode body)
    {
        body.AllowOnly("program", "destination", "sub1", "sub2", "sub3", "sub4", "sub5");
        return new LinkCreateRequest(body.Required("program").AsString(), body.Required("destination").AsString(),
            body.OptionalString("sub1"), body.OptionalString("sub2"), body.OptionalString("sub3"), body.OptionalString("sub4"), body.OptionalString("sub5"));
    }
}

/// <param name="Subs">The sub ids the body names (1…5), each its new value or null to remove it; a sub id left out stays.</param>
[Description("A link's new destination or sub ids (a sub id set to null is removed; one left out stays).")]
public sealed record LinkChangeRequest(string? Destination, string? Sub1, string? Sub2, string? Sub3, string? Sub4, string? Sub5)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<int, string?> Subs { get; private init; } = new Dictionary<int, string?>();

    public static LinkChangeRequest Read(JsonNode body)
    {
        body.AllowOnly("destination", "sub1", "sub2", "sub3", "sub4", "sub5");
        if (body.Element.TryGetProperty("destination", out var d) && d.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            throw ProblemException.Invalid("destination", "cannot be removed");
        }
        var subs = new Dictionary<int, string?>();
        for (var i = 1; i <= 5; i++)
        {
            if (body.Element.TryGetProperty($"sub{i}", out _)) subs[i] = body.OptionalString($"sub{i}");
        }
        return new LinkChangeRequest(body.OptionalString("destination"), subs.GetValueOrDefault(1), subs.GetValueOrDefault(2), subs.GetValueOrDefault(3),
            subs.GetValueOrDefault(4), subs.GetValueOrDefault(5)) { Subs = subs };
    }
}

[Description("A missing-order claim: an order the publisher sent that was not credited.")]
public sealed record ClaimFileRequest(string Program, string OrderId,
    [property: Description("The order's date, 2026-11-01")] string OrderDate,
    [property: Description("The order's amount, at most 1,000,000,000")] decimal Amount, string Currency, string Comment)
{
    public static ClaimFileRequest Read(JsonNode body)
    {
        body.AllowOnly("program", "orderId", "orderDate", "amount", "currency", "comment");
        return new ClaimFileRequest(body.Required("program").AsString(), body.Required("orderId").AsString(), body.Required("orderDate").AsString(),
            body.Required("amount").AsDecimal(), body.Required("currency").AsString(), body.Required("comment").AsString());
    }

    public Claims.ClaimRequest ToClaim() => new(Program, OrderId, Claims.ClaimService.ParseDate(OrderDate), Amount, Currency, Comment);
}

[Description("Keywords to check against the banned list (or send text/plain, one keyword per line).")]
public sealed record KeywordCheckRequest(IReadOnlyList<string> Keywords)
{
    public static KeywordCheckRequest Read(JsonNode body)
    {
        body.AllowOnly("keywords");
        return new KeywordCheckRequest(body.Required("keywords").AsStrings());
    }
}

[Description("Plan a payout run of a program now (or at a past instant).")]
public sealed record PayoutPlanRequest(string Program, DateTimeOffset? At)
{
    public static PayoutPlanRequest Read(JsonNode body)
    {
        body.AllowOnly("program", "at");
        return new PayoutPlanRequest(body.Required("program").AsString(), body.OptionalTime("at"));
    }
}

[Description("A manual credit (positive) or debit (negative) of a publisher's payable balance.")]
public sealed record AdjustmentRequest(string Program, string? Currency,
    [property: Description("Non-zero, at most 1,000,000,000 either way")] decimal Amount,
    [property: Description("bonus, correction, goodwill or other")] string Reason, string? Note,
    [property: Description("Makes a retry harmless: the same reference is applied once")] string? Reference)
{
    public static AdjustmentRequest Read(JsonNode body)
    {
        body.AllowOnly("program", "currency", "amount", "reason", "note", "reference");
        return new AdjustmentRequest(body.Required("program").AsString(), body.OptionalString("currency"), body.Required("amount").AsDecimal(),
            body.Required("reason").AsString(), body.OptionalString("note"), body.OptionalString("reference"));
    }
}

[Description("Where a publisher is paid: SEPA (holder, iban, bic) or an international wire (holder, account, bankName, swift, bankAddress).")]
public sealed record PayoutDetailsRequest(
    [property: Description("sepa or wire")] string Method, string? Holder, string? Iban, string? Bic, string? Account, string? BankName, string? Swift,
    string? BankAddress, string? Currency, PostalAddress? Address, string? VatId)
{
    public static PayoutDetailsRequest Read(JsonNode body)
    {
        body.AllowOnly("method", "holder", "iban", "bic", "account", "bankName", "swift", "bankAddress", "currency", "address", "vatId");
        PostalAddress? address = null;
        if (body.Optional("address") is { } a)
        {
            a.AllowOnly("street", "postalCode", "city", "country");
            address = new PostalAddress(a.OptionalString("street") ?? "", a.OptionalString("postalCode"), a.OptionalString("city") ?? "", a.OptionalString("country") ?? "");
        }
        return new PayoutDetailsRequest(body.Required("method").AsString(), body.OptionalString("holder"), body.OptionalString("iban"), body.OptionalString("bic"),
            body.OptionalString("account"), body.OptionalString("bankName"), body.OptionalString("swift"), body.OptionalString("bankAddress"),
            body.OptionalString("currency"), address, body.OptionalString("vatId"));
    }

    /// <summary>The stored record; the fields of the other method are refused by name. (Each value is checked by the payout rules.)</summary>
    public PayoutDetails ToDetails()
    {
        if (Method == PayoutDetailsRules.Sepa && (Account ?? Swift ?? BankAddress) is not null)
        {
            throw ProblemException.Invalid(Account is not null ? "account" : Swift is not null ? "swift" : "bankAddress", "is for a wire; a SEPA transfer takes iban and bic");
        }
        if (Method == PayoutDetailsRules.Wire && (Iban ?? Bic) is not null)
        {
            throw ProblemException.Invalid(Iban is not null ? "iban" : "bic", "a wire takes account (an IBAN or account number) and swift");
        }
        return new PayoutDetails(Method, Holder ?? "", Iban ?? "", Method == PayoutDetailsRules.Wire ? Swift : Bic, BankName, Account, BankAddress, Currency, Address, VatId);
    }
}

[Description("The publisher's postback: a URL template with {placeholders}, the events it is sent for.")]
public sealed record PostbackRequest(string Url, [property: Description("GET or POST")] string? Method, IReadOnlyList<string>? Events, string? Program)
{
    public static PostbackRequest Read(JsonNode body)
    {
        body.AllowOnly("url", "method", "events", "program");
        return new PostbackRequest(body.Required("url").AsString(), body.OptionalString("method"), body.Optional("events")?.AsStrings(), body.OptionalString("program"));
    }
}

[Description("The operator's webhook: a URL and the events it is sent for.")]
public sealed record WebhookRequest(string Url, IReadOnlyList<string>? Events, string? Program)
{
    public static WebhookRequest Read(JsonNode body)
    {
        body.AllowOnly("url", "events", "program");
        return new WebhookRequest(body.Required("url").AsString(), body.Optional("events")?.AsStrings(), body.OptionalString("program"));
    }
}
