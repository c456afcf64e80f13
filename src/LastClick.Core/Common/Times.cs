using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LastClick.Common;

/// <summary>Times are stored as microseconds since the Unix epoch, UTC, in both stores.</summary>
public static class Times
{
    public static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    public const string Expected = "not an ISO 8601 time with a zone (2026-02-01T10:00:00Z) or a date (2026-02-01)";

    /// <summary>An ISO 8601 time with a zone ("2026-02-01T10:00:00Z", "…+03:00") or a date (midnight UTC), as UTC.</summary>
    public static bool TryParse(string? s, out DateTimeOffset time)
    {
        time = default;
        if (s is null) return false;
        if (s.Length == 10 && DateOnly.TryParseExact(s, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            time = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }
        if (s.Length > 10 && (s.EndsWith('Z') || s[^6] is '+' or '-') &&
            DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed.ToUniversalTime();
            return true;
        }
        return false;
    }

    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A stable fingerprint of a request body, to tell a repeated request from a conflicting one.</summary>
public static class Fingerprint
{
    public static string Of<T>(T value) where T : notnull
    {
        var typeInfo = FingerprintJson.Default.GetTypeInfo(typeof(T));
        var json = typeInfo is null ? JsonSerializer.SerializeToUtf8Bytes(value) : JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        return Convert.ToHexStringLower(SHA256.HashData(json));
    }
}

/// <summary>Source-generated serializers for the request bodies that are fingerprinted on every call.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Commissions.Order))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Lifecycle.OrderEvent))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Tracking.MarketplaceTouch))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Products.Product))]
internal sealed partial class FingerprintJson : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>A clock that is set by hand: the replay's, and the tests'.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;

    public void Advance(TimeSpan by) => _now += by;
}
