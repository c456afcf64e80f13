using LastClick.Commissions;
using LastClick.Common;
using LastClick.Lifecycle;
using LastClick.Orders;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Tracking;

namespace LastClick.Replay;

/// <summary>A complete story to replay (docs: shared/docs/scenarios.md), parsed and checked before anything runs.</summary>
public sealed record Scenario(
    ProgramDefinition Program, DateTimeOffset? Now, IReadOnlyList<Publisher> Publishers, IReadOnlyList<Click> Clicks,
    IReadOnlyList<MarketplaceTouch> Touches, IReadOnlyList<Order> Orders, IReadOnlyList<OrderEvent> Events,
    IReadOnlyList<DateTimeOffset> PayoutRuns)
{
    /// <summary>Parses and validates; the error names the first wrong field (<c>orders[0].lines[1].price: not a decimal</c>).</summary>
    public static Scenario Parse(string json, ProgramCatalog catalog, string? baseDirectory = null)
    {
        var root = JsonNode.Parse(json, "scenario");
        root.AllowOnly("description", "program", "programFile", "now", "publishers", "clicks", "touches", "orders", "events", "payoutRuns");

        ProgramDefinition program;
        if (root.Optional("programFile") is { } file)
        {
            var path = Path.Combine(baseDirectory ?? ".", file.AsString());
            if (!File.Exists(path)) throw file.Error($"no such file: {path}");
            program = ProgramCatalog.LoadFile(path);
        }
        else
        {
            var id = root.Required("program");
            try { program = catalog.Get(id.AsString()); }
            catch (ProblemException e) { throw id.Error(e.Problem.Detail); }
        }

        var publishers = Items(root, "publishers").Select(ParsePublisher).ToList();
        var known = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < publishers.Count; i++)
        {
            PublisherService.Validate(publishers[i], $"publishers[{i}]");
            if (!known.Add(publishers[i].Id)) throw ProblemException.Invalid($"publishers[{i}].id", $"publisher '{publishers[i].Id}' appears twice");
        }

        var clicks = Items(root, "clicks").Select(n => ParseClick(n, program.Id, known)).ToList();
        Unique(clicks.Select(c => c.Id), "clicks");
        var touches = Items(root, "touches").Select((n, i) => ParseTouch(n, i)).ToList();
        Unique(touches.Select(t => t.Id), "touches");
        var orders = Items(root, "orders").Select(n =>
        {
            var order = ParseOrder(n);
            OrderService.Validate(order, program, n.Path);
            return order;
        }).ToList();
        SameOrUnique(orders, o => o.Id, "orders");
        var byId = orders.DistinctBy(o => o.Id).ToDictionary(o => o.Id, StringComparer.Ordinal);
        var events = Items(root, "events").Select(n => ParseEvent(n, byId)).ToList();
        SameOrUnique(events, e => e.Id, "events");
        var runs = root.Optional("payoutRuns")?.Items().Select(n => n.AsTime()).ToList() ?? [];

        var now = root.OptionalTime("now");
        var last = clicks.Select(c => c.At).Concat(touches.Select(t => t.At)).Concat(orders.Select(o => o.At))
            .Concat(events.Select(e => e.At)).Concat(runs).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        if (now is { } end && end < last) throw root.Required("now").Error($"is before the story's last item ({Times.Format(last)})");

        return new Scenario(program, now, publishers, clicks, touches, orders, events, runs);
    }

    private static IEnumerable<JsonNode> Items(JsonNode root, string name) => root.Optional(name)?.Items() ?? [];

    private static void Unique(IEnumerable<string> ids, string list)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var id in ids)
        {
            if (!seen.Add(id)) throw ProblemException.Invalid($"{list}[{i}].id", $"id '{id}' appears twice");
            i++;
        }
    }

    /// <summary>The marketplace may send an order or event again (C3): a repeat must be identical to the first.</summary>
    private static void SameOrUnique<T>(IReadOnlyList<T> items, Func<T, string> id, string list) where T : notnull
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (!first.TryAdd(id(items[i]), i) && Fingerprint.Of(items[first[id(items[i])]]) != Fingerprint.Of(items[i]))
            {
                throw ProblemException.Invalid($"{list}[{i}].id", $"'{id(items[i])}' was sent before with different contents");
            }
        }
    }

    private static Publisher ParsePublisher(JsonNode n)
    {
        n.AllowOnly("id", "trafficType", "ranking", "payoutDetails");
        var details = n.Optional("payoutDetails");
        if (details is { } d && d.AsString() is not ("missing" or "complete")) throw d.Error("must be \"complete\" or \"missing\"");
        return new Publisher(n.Required("id").AsString(), n.OptionalString("trafficType") ?? "content", n.Optional("ranking")?.AsInt(),
            details?.AsString() != "missing");
    }

    private static Click ParseClick(JsonNode n, string programId, HashSet<string> publishers)
    {
        n.AllowOnly("id", "publisher", "visitor", "at", "ip", "userAgent", "referrer", "sub1", "sub2", "sub3", "sub4", "sub5", "invalid");
        var publisher = n.Required("publisher");
        if (!publishers.Contains(publisher.AsString())) throw publisher.Error($"unknown publisher '{publisher.AsString()}'");
        var invalid = n.Optional("invalid");
        if (invalid is { } inv && !InvalidReasons.All.Contains(inv.AsString()))
        {
            throw inv.Error($"unknown invalid traffic kind (one of {string.Join(", ", InvalidReasons.All)})");
        }
        var ip = n.Optional("ip");
        if (ip is { } address && !Geo.IpIntelligence.IsAddress(address.AsString())) throw address.Error("not an IPv4 or IPv6 address");
        return new Click(n.Required("id").AsString(), programId, publisher.AsString(), n.OptionalString("visitor"), n.Required("at").AsTime(),
            ip?.AsString(), n.OptionalString("userAgent"), n.OptionalString("referrer"), null,
            n.OptionalString("sub1"), n.OptionalString("sub2"), n.OptionalString("sub3"), n.OptionalString("sub4"), n.OptionalString("sub5"),
            invalid?.AsString());
    }

    public static MarketplaceTouch ParseTouch(JsonNode n, int index) => TouchRequest.Read(n).ToTouch($"touch-{index + 1}");

    /// <summary>An order of the story: the marketplace's request body (<see cref="OrderRequest"/>).</summary>
    public static Order ParseOrder(JsonNode n) => OrderRequest.Read(n).ToOrder();

    /// <summary>An event as the marketplace sends it (<see cref="EventRequest"/>); the order it names is checked by the service.</summary>
    public static OrderEvent ParseEvent(JsonNode n) => EventRequest.Read(n).ToEvent();

    /// <summary>An event of the story: as the marketplace sends it, and naming an order of the story.</summary>
    private static OrderEvent ParseEvent(JsonNode n, Dictionary<string, Order> orders)
    {
        var e = ParseEvent(n);
        if (!orders.TryGetValue(e.OrderId, out var order)) throw n.Required("order").Error($"unknown order '{e.OrderId}'");
        OrderService.Validate(e, order, n.Path);
        return e;
    }
}
