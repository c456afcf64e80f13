using LastClick.Common;

namespace LastClick.Attribution;

public enum TouchKind { AffiliateClick, MarketplaceTouch }

/// <summary>
/// A paid touch of a visitor: an affiliate click (with what the tracker learned about it) or a paid touch
/// from the marketplace's own channels. <see cref="Seq"/> orders touches that share a time (input order).
/// </summary>
public sealed record Touch(
    string Id, TouchKind Kind, DateTimeOffset At, long Seq,
    string? PublisherId = null, string? Channel = null,
    string? Country = null, bool Anonymizer = false, string? InvalidReason = null);

/// <summary>The outcome: the winning affiliate click, or why no publisher is credited; and how it was decided.</summary>
public sealed record AttributionResult(Touch? Click, string? Reason, IReadOnlyList<string> Trace)
{
    public bool Credited => Click is not null;
}

/// <summary>Last paid click wins (product.md A1, A2, A6). Pure: touches and times in, decision out.</summary>
public static class Attribution
{
    public const string NoClick = "no_click";
    public const string CookieExpired = "cookie_expired";
    public const string LaterPaidTouch = "later_paid_touch";

    /// <summary>
    /// Among the paid touches before the order and inside the cookie window, the latest wins (A1, A2).
    /// Invalid clicks (A6) never win over a valid touch, so a cookie stuffer cannot take an order from the
    /// publisher who earned it; when only invalid clicks remain, the latest of them is returned so that its
    /// publisher sees the order with a zero commission and the reason <c>invalid_traffic</c>.
    /// </summary>
    public static AttributionResult Decide(IEnumerable<Touch> touches, DateTimeOffset orderAt, TimeSpan cookieWindow)
    {
        var trace = new List<string>();
        var before = touches.Where(t => t.At <= orderAt).OrderBy(t => t.At).ThenBy(t => t.Seq).ToList();
        if (before.Count == 0)
        {
            return new AttributionResult(null, NoClick, ["no paid touch before the order"]);
        }

        var windowStart = orderAt - cookieWindow;
        var inWindow = before.Where(t => t.At >= windowStart).ToList();
        if (inWindow.Count == 0)
        {
            var last = before[^1];
            return new AttributionResult(null, CookieExpired,
                [$"latest touch {last.Id} at {Times.Format(last.At)} is outside the {cookieWindow.TotalDays:0.##}-day window"]);
        }

        foreach (var skipped in inWindow.Where(t => t.InvalidReason is not null))
        {
            trace.Add($"click {skipped.Id} skipped: invalid traffic ({skipped.InvalidReason})");
        }

        var valid = inWindow.Where(t => t.InvalidReason is null).ToList();
        if (valid.Count == 0)
        {
            var invalid = inWindow[^1];
            trace.Add($"only invalid clicks in the window; latest is {invalid.Id}");
            return new AttributionResult(invalid, null, trace);
        }

        var winner = valid[^1];
        if (winner.Kind == TouchKind.MarketplaceTouch)
        {
            trace.Add($"latest paid touch is the marketplace's own ({winner.Channel ?? "unnamed channel"}) at {Times.Format(winner.At)}");
            return new AttributionResult(null, LaterPaidTouch, trace);
        }

        trace.Add($"last paid click {winner.Id} at {Times.Format(winner.At)} of {inWindow.Count} paid touch(es) in the window");
        return new AttributionResult(winner, null, trace);
    }
}
