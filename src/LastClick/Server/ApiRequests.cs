using System.ComponentModel;
using LastClick.Common;
using LastClick.Payouts;
using LastClick.Publishers;

namespace LastClick.Server;

// The request bodies of the publisher's and the operator's writes (the marketplace's are LastClick.Orders.OrderRequest
// and its kin, shared with the replay). Each is read from JSON by its own Read — every problem names its field, unknown
// fields, duplicate names and lone surrogates are refused, amounts are decimal strings (a number is accepted too) — and
// the handler works from the typed record. The API document shows these records as the bodies (WithBody<T>).

[Description("A deep link to a page of the program's marketplace, with up to five sub ids and an optional name.")]
public sealed record LinkCreateRequest(string Program, string Destination, string? Sub1, string? Sub2, string? Sub3, string? Sub4, string? Sub5,
    [property: Description("The publisher's own name for the link, at most 100 characters (shown in lists and reports)")] string? Name = null)
{
    public static LinkCreateRequest Read(JsonNode body)
    {
        body.AllowOnly("program", "destination", "sub1", "sub2", "sub3", "sub4", "sub5", "name");
        return new LinkCreateRequest(body.Required("program").AsString(Limits.MaxIdLength), body.Required("destination").AsString(),
            body.OptionalString("sub1"), body.OptionalString("sub2"), body.OptionalString("sub3"), body.OptionalString("sub4"), body.OptionalString("sub5"),
            body.OptionalString("name"));
    }

    public Tracking.LinkRequest ToLink() => new(Program, Destination, Sub1, Sub2, Sub3, Sub4, Sub5) { Name = Name };
}

/// <param name="Subs">The sub ids the body names (1…5), each its new value or null to remove it; a sub id left out stays.</param>
[Description("A link's new destination, sub ids or name (a sub id or the name set to null is removed; one left out stays).")]
public sealed record LinkChangeRequest(string? Destination, string? Sub1, string? Sub2, string? Sub3, string? Sub4, string? Sub5,
    [property: Description("The link's new name; null removes it")] string? Name = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<int, string?> Subs { get; private init; } = new Dictionary<int, string?>();

    public static LinkChangeRequest Read(JsonNode body)
    {
        body.AllowOnly("destination", "sub1", "sub2", "sub3", "sub4", "sub5", "name");
        if (body.Element.TryGetProperty("destination", out var d) && d.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            throw ProblemException.Invalid("destination", "cannot be removed");
        }
        var subs = new Dictionary<int, string?>();
        for (var i = 1; i <= 5; i++)
        {
            if (body.Element.TryGetProperty($"sub{i}", out _)) subs[i] = body.OptionalString($"sub{i}");
        }
        // A name given as null removes it (the core reads "" as no name); one left out stays.
        var name = body.Element.TryGetProperty("name", out _) ? body.OptionalString("name") ?? "" : null;
        return new LinkChangeRequest(body.OptionalString("destination"), subs.GetValueOrDefault(1), subs.GetValueOrDefault(2), subs.GetValueOrDefault(3),
            subs.GetValueOrDefault(4), subs.GetValueOrDefault(5), name) { Subs = subs };
    }

    public Tracking.LinkChange ToChange() => new(Destination, Subs) { Name = Name };
}

[Description("A missing-order claim: an order the publisher sent that was not credited.")]
public sealed record ClaimFileRequest(string Program, string OrderId,
    [property: Description("The order's date, 2026-11-01")] string OrderDate,
    [property: Description("The order's amount, at most 1,000,000,000")] decimal Amount, string Currency, string Comment)
{
    public static ClaimFileRequest Read(JsonNode body)
    {
        body.AllowOnly("program", "orderId", "orderDate", "amount", "currency", "comment");
        return new ClaimFileRequest(body.Required("program").AsString(Limits.MaxIdLength), body.Required("orderId").AsString(Limits.MaxIdLength), body.Required("orderDate").AsString(),
            body.Required("amount").AsDecimal(), body.Required("currency").AsString(Limits.MaxIdLength), body.Required("comment").AsString(Limits.MaxTextLength));
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
        var at = body.OptionalTime("at");
        if (at is { } time && !Limits.IsQueryable(time)) throw ProblemException.Invalid("at", $"is outside {Limits.Earliest.Year}–{Limits.LatestDate.Year - 1}");
        return new PayoutPlanRequest(body.Required("program").AsString(Limits.MaxIdLength), at);
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
        return new AdjustmentRequest(body.Required("program").AsString(Limits.MaxIdLength), body.OptionalString("currency", Limits.MaxIdLength), body.Required("amount").AsDecimal(),
            body.Required("reason").AsString(Limits.MaxIdLength), body.OptionalString("note", Limits.MaxTextLength), body.OptionalString("reference", Limits.MaxIdLength));
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
        return new PayoutDetailsRequest(body.Required("method").AsString(Limits.MaxIdLength), body.OptionalString("holder", Limits.MaxIdLength), body.OptionalString("iban", Limits.MaxIdLength), body.OptionalString("bic", Limits.MaxIdLength),
            body.OptionalString("account", Limits.MaxIdLength), body.OptionalString("bankName", Limits.MaxIdLength), body.OptionalString("swift", Limits.MaxIdLength), body.OptionalString("bankAddress"),
            body.OptionalString("currency", Limits.MaxIdLength), address, body.OptionalString("vatId", Limits.MaxIdLength));
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
        return new PostbackRequest(body.Required("url").AsString(), body.OptionalString("method", Limits.MaxIdLength), body.Optional("events")?.AsStrings(), body.OptionalString("program", Limits.MaxIdLength));
    }
}

[Description("The operator's webhook: a URL and the events it is sent for.")]
public sealed record WebhookRequest(string Url, IReadOnlyList<string>? Events, string? Program)
{
    public static WebhookRequest Read(JsonNode body)
    {
        body.AllowOnly("url", "events", "program");
        return new WebhookRequest(body.Required("url").AsString(), body.Optional("events")?.AsStrings(), body.OptionalString("program", Limits.MaxIdLength));
    }
}

[Description("A note for the record (an audit entry, what the publisher reads).")]
public sealed record NoteRequest(string? Note)
{
    public static NoteRequest Read(JsonNode body)
    {
        body.AllowOnly("note");
        return new NoteRequest(body.OptionalString("note", Limits.MaxTextLength));
    }
}

[Description("A decision's reason code and a note.")]
public sealed record ReasonRequest(string? Reason, string? Note)
{
    public static ReasonRequest Read(JsonNode body)
    {
        body.AllowOnly("reason", "note");
        return new ReasonRequest(body.OptionalString("reason", Limits.MaxIdLength), body.OptionalString("note", Limits.MaxTextLength));
    }

    public string RequiredReason => Reason ?? throw ProblemException.Invalid("reason", "is required");
}

[Description("A publisher's traffic type and ranking (payout details are the publisher's own: PUT /api/v1/payout_details).")]
public sealed record PublisherEditRequest([property: Description("content, coupon, cashback, …")] string TrafficType, int? Ranking)
{
    public static PublisherEditRequest Read(JsonNode body)
    {
        body.AllowOnly("trafficType", "ranking", "payoutDetailsComplete");
        if (body.Optional("payoutDetailsComplete") is not null)
        {
            throw ProblemException.Invalid("payoutDetailsComplete", "is derived from the publisher's payout details (PUT /api/v1/payout_details), never set");
        }
        return new PublisherEditRequest(body.Required("trafficType").AsString(Limits.MaxIdLength), body.Optional("ranking")?.AsInt());
    }
}

[Description("A new API key: its role and, for a publisher's, the publisher.")]
public sealed record KeyCreateRequest([property: Description("operator, marketplace or publisher")] string Role, string? Publisher)
{
    public static KeyCreateRequest Read(JsonNode body)
    {
        body.AllowOnly("role", "publisher");
        return new KeyCreateRequest(body.Required("role").AsString(Limits.MaxIdLength), body.OptionalString("publisher", Limits.MaxIdLength));
    }
}

[Description("Keywords to add to the banned list.")]
public sealed record KeywordsAddRequest(IReadOnlyList<string> Keywords)
{
    public static KeywordsAddRequest Read(JsonNode body)
    {
        body.AllowOnly("keywords");
        return new KeywordsAddRequest(body.Required("keywords").AsStrings());
    }
}

[Description("The program's non-paying stores from today (a new program version).")]
public sealed record NonPayingStoresRequest(IReadOnlyList<string> Stores, string? Note)
{
    public static NonPayingStoresRequest Read(JsonNode body)
    {
        body.AllowOnly("stores", "note");
        return new NonPayingStoresRequest(body.Required("stores").AsStrings(), body.OptionalString("note", Limits.MaxTextLength));
    }
}

[Description("The month to rank, yyyy-MM (default: the previous one).")]
public sealed record MonthRequest(string? Month)
{
    public static MonthRequest Read(JsonNode body)
    {
        body.AllowOnly("month");
        return new MonthRequest(body.OptionalString("month", Limits.MaxIdLength));
    }
}

[Description("The UTC days to analyse, from and to included (default: yesterday).")]
public sealed record AnalyzeRequest([property: Description("2026-02-01")] string? From, [property: Description("2026-02-03")] string? To)
{
    public static AnalyzeRequest Read(JsonNode body)
    {
        body.AllowOnly("from", "to");
        return new AnalyzeRequest(body.OptionalString("from", Limits.MaxIdLength), body.OptionalString("to", Limits.MaxIdLength));
    }
}

[Description("Which of the publisher's lines, when it has one per currency in the run.")]
public sealed record SettleRequest(string? Currency)
{
    public static SettleRequest Read(JsonNode body)
    {
        body.AllowOnly("currency");
        return new SettleRequest(body.OptionalString("currency", Limits.MaxIdLength));
    }
}

[Description("The bank's reason for returning a payment, and which line.")]
public sealed record ReturnRequest([property: Description("AC04 account closed, …")] string Reason, string? Currency)
{
    public static ReturnRequest Read(JsonNode body)
    {
        body.AllowOnly("reason", "currency");
        return new ReturnRequest(body.Required("reason").AsString(Limits.MaxIdLength), body.OptionalString("currency", Limits.MaxIdLength));
    }
}

[Description("A product feed: program, market, language, format, sub id, name and filters.")]
public sealed record FeedCreateRequest(string Program, [property: Description("RO, BG, PL, …, DE, FR, ES, PT, GB")] string Market,
    [property: Description("en, fr, de, …")] string Language, [property: Description("xml (default), csv or json")] string? Format, string? SubId, string? Name,
    FeedFilterRequest? Filters);

public sealed record FeedFilterRequest(string? Category, string? Store, decimal? MinPrice, decimal? MaxPrice, string? PriceCurrency, decimal? MinRate,
    bool? InStock, bool? BestSellers);

[Description("Catalog products created or updated by content, and ids that are gone.")]
public sealed record ProductsPushRequest(IReadOnlyList<ProductRequest>? Products, IReadOnlyList<string>? Gone);

public sealed record ProductRequest(string Id, string Category, string? Store, decimal Price, string Currency, int? Stock, bool? Affiliated,
    decimal? SellerRate, bool? Virtual, string? Section, string? SellerOrigin, IReadOnlyList<string>? Markets, IReadOnlyList<string>? Images, string Url,
    [property: Description("Per language: {\"en\":{\"title\":\"…\",\"description\":\"…\"}}")] IReadOnlyDictionary<string, ProductTextRequest> Texts);

public sealed record ProductTextRequest(string Title, string? Description);

[Description("A file sent with a support message: plain text or a PNG, JPEG, GIF or WebP picture, at most 1 MB, base64-encoded.")]
public sealed record SupportAttachmentRequest(
    [property: Description("The file's name, at most 100 characters")] string Name,
    [property: Description("text/plain, image/png, image/jpeg, image/gif or image/webp (checked against the file's first bytes)")] string? ContentType,
    [property: Description("The file, base64-encoded")] string Data)
{
    /// <summary>Base64 of 1 MB, with room for line breaks: a longer string is refused before it is decoded.</summary>
    private const int MaxData = (Support.SupportService.MaxAttachmentBytes + 2) / 3 * 4 + 1024;

    public static IReadOnlyList<Support.AttachmentUpload> ReadAll(JsonNode body)
    {
        if (body.Optional("attachments") is not { } list) return [];
        var files = new List<Support.AttachmentUpload>();
        foreach (var item in list.Items())
        {
            if (files.Count == Support.SupportService.MaxAttachments) throw list.Error($"at most {Support.SupportService.MaxAttachments} files");
            item.AllowOnly("name", "contentType", "data");
            var name = item.Required("name").AsString(Support.SupportService.MaxAttachmentName);
            var type = item.OptionalString("contentType", 100);
            var data = item.Required("data");
            var text = data.AsString(MaxData);
            byte[] content;
            try
            {
                content = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw data.Error("is not base64");
            }
            files.Add(new Support.AttachmentUpload(name, type ?? "", content));
        }
        return files;
    }
}

[Description("What a support thread is about: one of the publisher's orders, claims, payouts (a run's id), links (its code) or confirmed findings.")]
public sealed record SupportAboutRequest(
    [property: Description("order, claim, payout, link or finding")] string Kind,
    [property: Description("The order's, claim's, run's, link's or finding's id")] string Id);

[Description("A new support thread: its topic, subject and first message, and optionally what it is about and files.")]
public sealed record SupportOpenRequest(
    [property: Description("payment, tracking, claim, order, moderation or other (an operator may also open fraud)")] string Topic,
    [property: Description("At most 200 characters")] string Subject,
    [property: Description("The first message, at most 4,000 characters")] string Body,
    [property: Description("The program it concerns, if one")] string? Program,
    SupportAboutRequest? About,
    [property: Description("Up to 3 files")] IReadOnlyList<SupportAttachmentRequest>? Attachments,
    [property: Description("Operators only: the publisher the thread is with")] string? Publisher = null)
{
    public static (Support.SupportRequest Request, string? Publisher) Read(JsonNode body, bool operatorSide)
    {
        if (operatorSide) body.AllowOnly("topic", "subject", "body", "program", "about", "attachments", "publisher");
        else body.AllowOnly("topic", "subject", "body", "program", "about", "attachments");
        Support.SupportAbout? about = null;
        if (body.Optional("about") is { } a)
        {
            a.AllowOnly("kind", "id");
            about = new Support.SupportAbout(a.Required("kind").AsString(Limits.MaxIdLength), a.Required("id").AsString(Limits.MaxIdLength));
        }
        var request = new Support.SupportRequest(body.Required("topic").AsString(Limits.MaxIdLength), body.Required("subject").AsString(Limits.MaxTextLength),
            body.Required("body").AsString(Limits.MaxTextLength), body.OptionalString("program", Limits.MaxIdLength), about, SupportAttachmentRequest.ReadAll(body));
        return (request, operatorSide ? body.Required("publisher").AsString(Limits.MaxIdLength) : null);
    }
}

[Description("A message in a support thread, with up to 3 files.")]
public sealed record SupportMessageRequest(
    [property: Description("At most 4,000 characters")] string Body,
    IReadOnlyList<SupportAttachmentRequest>? Attachments)
{
    public static (string Body, IReadOnlyList<Support.AttachmentUpload> Files) Read(JsonNode body)
    {
        body.AllowOnly("body", "attachments");
        return (body.Required("body").AsString(Limits.MaxTextLength), SupportAttachmentRequest.ReadAll(body));
    }
}

[Description("The operator's change of a support thread: close or reopen it, give it to an operator's account (\"\" for nobody).")]
public sealed record SupportChangeRequest(
    [property: Description("open or closed")] string? Status,
    [property: Description("An operator account's id or email; \"\" takes the thread from whoever has it")] string? Assignee)
{
    public static SupportChangeRequest Read(JsonNode body)
    {
        body.AllowOnly("status", "assignee");
        var assignee = body.Optional("assignee") is { } a
            ? a.Element.ValueKind == System.Text.Json.JsonValueKind.String ? a.Element.GetString()!.Trim() : throw a.Error("must be a string")
            : null;
        if (assignee is { Length: > 256 }) throw ProblemException.Invalid("assignee", "is longer than 256 characters");
        return new SupportChangeRequest(body.OptionalString("status", 20), assignee);
    }
}
