using System.Threading.RateLimiting;
using LastClick.Access;

namespace LastClick.Server;

/// <summary>
/// Requests a second each API key may make, by its role (settings <c>RateLimits:Publisher</c>, <c>:Operator</c>,
/// <c>:Marketplace</c>; 0 is no limit). A token bucket per key: a burst of twice the rate, refilled every second; a
/// request over it is answered 429 with Retry-After and does nothing. The marketplace is unlimited by default: its
/// order volume is what the platform is for, and its writes are batched anyway.
/// </summary>
public sealed class KeyRateLimits : IDisposable
{
    public const int PublisherDefault = 50, OperatorDefault = 100, MarketplaceDefault = 0;

    private readonly PartitionedRateLimiter<Caller> _limiter;

    public KeyRateLimits(IReadOnlyDictionary<KeyRole, int> perSecond)
    {
        PerSecond = perSecond;
        _limiter = PartitionedRateLimiter.Create<Caller, string>(caller =>
            perSecond.GetValueOrDefault(caller.Role) is var rate and > 0
                ? RateLimitPartition.GetTokenBucketLimiter(caller.KeyPrefix, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = rate * 2, TokensPerPeriod = rate, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
                })
                : RateLimitPartition.GetNoLimiter(caller.KeyPrefix));
    }

    public IReadOnlyDictionary<KeyRole, int> PerSecond { get; }

    /// <summary>The limits the configuration asks for (each a whole number, 0 or more), or the defaults.</summary>
    public static KeyRateLimits From(Func<string, string?> setting)
    {
        int Read(string role, int fallback) => setting($"RateLimits:{role}") is not { Length: > 0 } text ? fallback
            : int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0 ? value
            : throw Common.ProblemException.Invalid($"RateLimits:{role}", "requests a second, a whole number (0: no limit)");
        return new KeyRateLimits(new Dictionary<KeyRole, int>
        {
            [KeyRole.Publisher] = Read("Publisher", PublisherDefault),
            [KeyRole.Operator] = Read("Operator", OperatorDefault),
            [KeyRole.Marketplace] = Read("Marketplace", MarketplaceDefault),
        });
    }

    /// <summary>A lease for one request of the caller's, granted or not (then with the time to wait).</summary>
    public RateLimitLease Acquire(Caller caller) => _limiter.AttemptAcquire(caller);

    public void Dispose() => _limiter.Dispose();
}
