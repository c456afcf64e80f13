using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LastClick.Common;

/// <summary>Times are stored as microseconds since the Unix epoch, UTC, in both stores.</summary>
public static class Times
{
    public static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

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
internal sealed partial class FingerprintJson : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>A clock that is set by hand: the replay's, and the tests'.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;

    public void Advance(TimeSpan by) => _now += by;
}
