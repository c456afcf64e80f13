using LastClick.Orders;
using LastClick.Web;

namespace LastClick.Pages.Publisher;

/// <summary>The publisher's postbacks (I2): its tracker hears of every change to its orders.</summary>
public sealed class PostbacksModel(Platform platform) : OutboundSettingsModel(platform)
{
    protected override string Audience => WebSetup.PublisherOf(User);
    public override string Path => "/p/postbacks";
    public override IReadOnlyList<string> Events => OrderService.News.Events;
    public override bool PostOnly => false;
}
