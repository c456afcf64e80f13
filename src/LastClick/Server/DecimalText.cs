using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastClick.Server;

/// <summary>
/// Decimals go out as strings ("14.40", "0.072", "1.0869565217391304347826086957"): money and rates keep every digit
/// and their scale, where a JSON number passes through a double in most clients. Read back from a string or a number.
/// </summary>
internal sealed class DecimalText : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? decimal.Parse(reader.GetString()!, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            : reader.GetDecimal();

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
}
