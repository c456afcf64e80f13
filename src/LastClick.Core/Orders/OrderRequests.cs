using System.ComponentModel;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Lifecycle;
using LastClick.Tracking;

namespace LastClick.Orders;

// The marketplace's request bodies (I1): what the API binds and what the replay's stories are made of. Each is read
// from JSON with every problem naming its field (`lines[1].price`), unknown fields refused, then converted to the
// domain; the bounds that need a program or the clock are OrderService.Validate's.

[Description("An order as the marketplace sends it: idempotent by id (the same body answers as the first time, another body is a 409).")]
public sealed record OrderRequest(
    [property: Description("The marketplace's order id")] string Id,
    [property: Description("The visitor id of the tracking cookie (needed unless clickId is given)")] string? Visitor,
    [property: Description("The click id the landing page received (lc_click)")] string? ClickId,
    [property: Description("When the order was placed (ISO 8601 with a zone), at most 24 h ahead of the server's clock")] DateTimeOffset At,
    [property: Description("ISO 4217 code of the prices")] string Currency,
    [property: Description("ISO 3166 alpha-2 country the order ships to")] string DeliveryCountry,
    [property: Description("1 to 1000 lines")] IReadOnlyList<OrderLineRequest> Lines)
{
    public static OrderRequest Read(JsonNode n)
    {
        n.AllowOnly("id", "visitor", "clickId", "at", "currency", "deliveryCountry", "lines");
        var currencyNode = n.Required("currency");
        var currency = currencyNode.AsString(Limits.MaxIdLength);
        if (!Common.Currency.TryFind(currency, out _)) throw currencyNode.Error($"unknown currency '{currency}'");
        var lines = n.Required("lines");
        if (lines.Element.ValueKind == System.Text.Json.JsonValueKind.Array && lines.Element.GetArrayLength() > Limits.MaxOrderLines)
        {
            throw lines.Error($"an order has at most {Limits.MaxOrderLines} lines");
        }
        return new OrderRequest(n.Required("id").AsString(Limits.MaxIdLength), n.OptionalString("visitor", Limits.MaxIdLength), n.OptionalString("clickId", Limits.MaxIdLength), n.Required("at").AsTime(),
            currency, n.Required("deliveryCountry").AsString(Limits.MaxIdLength), [.. lines.Items().Select(OrderLineRequest.Read)]);
    }

    public Order ToOrder() => new(Id, At, Common.Currency.Of(Currency), DeliveryCountry, [.. Lines.Select(l => l.ToLine())], Visitor, ClickId);
}

public sealed record OrderLineRequest(
    string Id,
    string ProductId,
    string Category,
    string? Store,
    [property: Description("Unit price in the order's currency, at most its minor digits; price × quantity at most 1,000,000,000")] decimal Price,
    [property: Description("1 to 100,000")] int Quantity,
    [property: Description("False for goods outside the program (default true)")] bool? Affiliated,
    [property: Description("The seller's own commission rate, a fraction 0…1, where the program pays by it")] decimal? SellerRate,
    [property: Description("A virtual good (default false)")] bool? Virtual,
    string? Section,
    string? SellerOrigin)
{
    public static OrderLineRequest Read(JsonNode l)
    {
        l.AllowOnly("id", "productId", "category", "store", "price", "quantity", "affiliated", "sellerRate", "virtual", "section", "sellerOrigin");
        return new OrderLineRequest(l.Required("id").AsString(Limits.MaxIdLength), l.Required("productId").AsString(Limits.MaxIdLength), l.Required("category").AsString(Limits.MaxIdLength),
            l.OptionalString("store", Limits.MaxIdLength), l.Required("price").AsDecimal(), l.Required("quantity").AsInt(), l.Optional("affiliated")?.AsBool(),
            l.OptionalDecimal("sellerRate"), l.Optional("virtual")?.AsBool(), l.OptionalString("section", Limits.MaxIdLength), l.OptionalString("sellerOrigin", Limits.MaxIdLength));
    }

    public OrderLine ToLine() => new(Id, ProductId, Category, Store, Price, Quantity, Affiliated ?? true, SellerRate, Virtual ?? false, Section, SellerOrigin);
}

[Description("An event of an order: paid, goods_received, auto_confirmed, cancelled, refunded or fraud; idempotent by id.")]
public sealed record EventRequest(
    string Id,
    [property: Description("The order's id")] string Order,
    [property: Description("paid, goods_received, auto_confirmed, cancelled, refunded or fraud")] string Type,
    [property: Description("When it happened: not before the order, at most 24 h ahead")] DateTimeOffset At,
    [property: Description("A partial refund's line")] string? Line,
    [property: Description("A partial refund's amount, at most the line's value")] decimal? Amount)
{
    public static EventRequest Read(JsonNode n)
    {
        n.AllowOnly("id", "order", "type", "at", "line", "amount");
        var typeNode = n.Required("type");
        var type = typeNode.AsString(Limits.MaxIdLength);
        if (!OrderService.TryParseEventType(type, out _)) throw typeNode.Error("must be paid, goods_received, auto_confirmed, cancelled, refunded or fraud");
        var amount = n.OptionalDecimal("amount");
        if (amount is <= 0m) throw n.Required("amount").Error("must be positive");
        return new EventRequest(n.Required("id").AsString(Limits.MaxIdLength), n.Required("order").AsString(Limits.MaxIdLength), type, n.Required("at").AsTime(), n.OptionalString("line", Limits.MaxIdLength), amount);
    }

    public OrderEvent ToEvent() => new(Id, Order, OrderService.ParseEventType(Type), At, Line, Amount);
}

[Description("A paid touch of the marketplace's own channels (A1): it takes the last click away from affiliates; idempotent by id.")]
public sealed record TouchRequest(string? Id, string Visitor, DateTimeOffset At, [property: Description("email, search, social, …")] string? Channel)
{
    public static TouchRequest Read(JsonNode n)
    {
        n.AllowOnly("id", "visitor", "at", "channel");
        return new TouchRequest(n.OptionalString("id", Limits.MaxIdLength), n.Required("visitor").AsString(Limits.MaxIdLength), n.Required("at").AsTime(), n.OptionalString("channel", Limits.MaxIdLength));
    }

    /// <param name="defaultId">The id of a touch that has none (a story's touches may leave it out; the API requires it).</param>
    public MarketplaceTouch ToTouch(string defaultId) => new(Id ?? defaultId, Visitor, At, Channel);
}
