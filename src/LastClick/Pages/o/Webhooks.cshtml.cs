using LastClick.Access;
using LastClick.Notifications;

namespace LastClick.Pages.Operators;

/// <summary>The operator's webhooks (integrations): order attributed, claim filed, publisher applied, payout planned. Admins change them.</summary>
public sealed class WebhooksModel(Platform platform) : OutboundSettingsModel(platform)
{
    protected override string Audience => PostbackService.Operator;
    public override string Path => "/o/webhooks";
    public override IReadOnlyList<string> Events => [.. PostbackService.OperatorEvents.Keys];
    public override bool PostOnly => true;
    public override bool MayChange => User.IsInRole(AccountRoles.Admin);
}
