using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LastClick.Common;

namespace LastClick.Commissions;

/// <summary>
/// Rate traces as stored and as shown: a compact JSON array of <c>{"rule","detail","rate"}</c> with the rate as a
/// decimal string. The stored text is written to outputs as it is, never re-parsed on the hot path.
/// </summary>
public static class TraceJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(IEnumerable<TraceStep> steps)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartArray();
            foreach (var step in steps) WriteStep(w, step);
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Write(TraceStep step) => Write([step]);

    private static void WriteStep(Utf8JsonWriter w, TraceStep step)
    {
        w.WriteStartObject();
        w.WriteString("rule", step.Rule);
        w.WriteString("detail", step.Detail);
        if (step.Rate is { } rate) w.WriteString("rate", Decimals.Text(rate));
        w.WriteEndObject();
    }

    public static List<TraceStep> Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var steps = new List<TraceStep>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            decimal? rate = e.TryGetProperty("rate", out var r) && Decimals.TryParse(r.GetString(), out var parsed) ? parsed : null;
            steps.Add(new TraceStep(e.GetProperty("rule").GetString()!, e.GetProperty("detail").GetString()!, rate));
        }
        return steps;
    }

    /// <summary>Appends stored steps (an array's text) to a stored trace (another array's text).</summary>
    public static string Concat(string trace, string? more) =>
        more is null || more == "[]" ? trace : trace == "[]" ? more : string.Concat(trace.AsSpan(0, trace.Length - 1), ",", more.AsSpan(1));
}
