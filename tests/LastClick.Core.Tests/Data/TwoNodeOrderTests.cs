using LastClick.Data;
using LastClick.Lifecycle;
using LastClick.Tests.Support;

namespace LastClick.Tests.Data;

/// <summary>Two nodes on one PostgreSQL applying events of the same orders at the same moment (C3 across nodes).</summary>
public sealed class TwoNodeOrderTests : IClassFixture<PostgresAvailability>
{
    [Fact]
    public async Task C3_a_refund_and_a_confirmation_arriving_at_two_nodes_at_once_end_as_in_either_order()
    {
        using var h = Harness.Create(TestStores.Postgres);
        if (h is null) return;
        h.Publisher();
        const int orders = 40;
        for (var i = 0; i < orders; i++)
        {
            h.Click($"c{i}", $"v{i}", "2026-02-01T10:00:00Z");
            h.Order($"o{i}", "2026-02-02T09:00:00Z", visitor: $"v{i}");
            h.Event($"paid{i}", "paid", "2026-02-02T09:01:00Z", $"o{i}");
        }
        var schema = h.Platform.Store.Read(s => s.Scalar<string>("SELECT current_schema()"));
        using var other = new PostgresStore(new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { SearchPath = schema }.ConnectionString);
        var second = new Platform(other, Build.Catalog, h.Clock);
        h.Clock.Set(Build.T("2026-02-20T12:00:00Z"));

        using var start = new Barrier(2);
        var one = Task.Run(() =>
        {
            for (var i = 0; i < orders; i++)
            {
                start.SignalAndWait(); // both nodes on the same order at the same moment
                h.Platform.Orders.ApplyEvent(new OrderEvent($"r{i}", $"o{i}", EventType.GoodsReceived, Build.T("2026-02-20T12:00:00Z")));
            }
        });
        var two = Task.Run(() =>
        {
            for (var i = 0; i < orders; i++)
            {
                start.SignalAndWait();
                second.Orders.ApplyEvent(new OrderEvent($"x{i}", $"o{i}", EventType.Refunded, Build.T("2026-02-20T12:00:01Z")));
            }
        });
        await Task.WhenAll(one, two);

        for (var i = 0; i < orders; i++)
        {
            var order = h.Find($"o{i}");
            Assert.Equal(("declined", "0.00"), (order.Status, order.Commission));
        }
        Assert.Equal(0m, h.Balance().Balance);
    }
}
