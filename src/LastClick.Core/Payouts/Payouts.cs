using System.Globalization;
using System.Text;
using System.Xml;
using LastClick.Common;
using LastClick.Programs;

namespace LastClick.Payouts;

public sealed record PayableBalance(string PublisherId, Currency Currency, decimal Amount, bool PayoutDetailsComplete);

public enum PayoutDecision { Paid, BelowThreshold, NegativeBalance, DetailsMissing }

public sealed record PayoutLine(string PublisherId, Currency Currency, decimal Amount, PayoutDecision Decision)
{
    public string Status => Decision == PayoutDecision.Paid ? "paid" : Decision == PayoutDecision.DetailsMissing ? "held" : "carried_over";

    public string? Reason => Decision switch
    {
        PayoutDecision.BelowThreshold => "below_threshold",
        PayoutDecision.NegativeBalance => "negative_balance",
        PayoutDecision.DetailsMissing => "payout_details_missing",
        _ => null,
    };
}

/// <summary>Weekly payout planning (product.md D2). Pure.</summary>
public static class PayoutPlanner
{
    /// <summary>
    /// Every payable balance at or above the program's threshold for its currency is paid in full; a smaller one
    /// carries over; a negative one (deductions after payment) carries over and is recovered from later earnings,
    /// since the payable balance is net of it; a publisher without complete payout details is held.
    /// </summary>
    public static IReadOnlyList<PayoutLine> Plan(IEnumerable<PayableBalance> balances, ProgramDefinition program) =>
        balances
            .Where(b => b.Amount != 0m)
            .OrderBy(b => b.PublisherId, StringComparer.Ordinal).ThenBy(b => b.Currency.Code, StringComparer.Ordinal)
            .Select(b => new PayoutLine(b.PublisherId, b.Currency, b.Amount,
                b.Amount < 0m ? PayoutDecision.NegativeBalance
                : b.Amount < Threshold(program, b.Currency) ? PayoutDecision.BelowThreshold
                : !b.PayoutDetailsComplete ? PayoutDecision.DetailsMissing
                : PayoutDecision.Paid))
            .ToList();

    public static decimal Threshold(ProgramDefinition program, Currency currency) =>
        program.Payout.Thresholds.TryGetValue(currency.Code, out var t) ? t : program.Payout.Thresholds.Values.Max();
}

/// <summary>A publisher's bank details for a transfer (D3).</summary>
public sealed record BankDetails(string Name, string Iban, string Bic, string Country);

/// <summary>D3: the bank files of a payout run, a CSV for any currency and a SEPA credit transfer (pain.001.001.03) for EUR.</summary>
public static class BankFiles
{
    public static string Csv(string runId, DateTimeOffset runAt, IEnumerable<(PayoutLine Line, BankDetails Bank)> payments)
    {
        var sb = new StringBuilder("run_id,executed_at,publisher_id,beneficiary_name,iban,bic,country,currency,amount,reference\n");
        foreach (var (line, bank) in payments.Where(p => p.Line.Decision == PayoutDecision.Paid))
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"{Csv(runId)},{runAt:yyyy-MM-ddTHH:mm:ssZ},{Csv(line.PublisherId)},{Csv(bank.Name)},{bank.Iban},{bank.Bic},{bank.Country},{line.Currency.Code},{line.Currency.Format(line.Amount)},{Csv($"LastClick {runId} {line.PublisherId}")}\n");
        }
        return sb.ToString();
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    public static string SepaXml(string runId, DateTimeOffset runAt, string debtorName, string debtorIban, string debtorBic,
        IEnumerable<(PayoutLine Line, BankDetails Bank)> payments)
    {
        var paid = payments.Where(p => p.Line.Decision == PayoutDecision.Paid && p.Line.Currency.Code == "EUR").ToList();
        var total = paid.Sum(p => p.Line.Amount);
        const string ns = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var ms = new MemoryStream();
        using (var w = XmlWriter.Create(ms, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("Document", ns);
            w.WriteStartElement("CstmrCdtTrfInitn");
            w.WriteStartElement("GrpHdr");
            w.WriteElementString("MsgId", runId);
            w.WriteElementString("CreDtTm", runAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            w.WriteElementString("NbOfTxs", paid.Count.ToString(CultureInfo.InvariantCulture));
            w.WriteElementString("CtrlSum", total.ToString("F2", CultureInfo.InvariantCulture));
            w.WriteStartElement("InitgPty"); w.WriteElementString("Nm", debtorName); w.WriteEndElement();
            w.WriteEndElement();
            w.WriteStartElement("PmtInf");
            w.WriteElementString("PmtInfId", runId);
            w.WriteElementString("PmtMtd", "TRF");
            w.WriteElementString("NbOfTxs", paid.Count.ToString(CultureInfo.InvariantCulture));
            w.WriteElementString("CtrlSum", total.ToString("F2", CultureInfo.InvariantCulture));
            w.WriteStartElement("PmtTpInf"); w.WriteStartElement("SvcLvl"); w.WriteElementString("Cd", "SEPA"); w.WriteEndElement(); w.WriteEndElement();
            w.WriteElementString("ReqdExctnDt", runAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteStartElement("Dbtr"); w.WriteElementString("Nm", debtorName); w.WriteEndElement();
            w.WriteStartElement("DbtrAcct"); w.WriteStartElement("Id"); w.WriteElementString("IBAN", debtorIban); w.WriteEndElement(); w.WriteEndElement();
            w.WriteStartElement("DbtrAgt"); w.WriteStartElement("FinInstnId"); w.WriteElementString("BIC", debtorBic); w.WriteEndElement(); w.WriteEndElement();
            w.WriteElementString("ChrgBr", "SLEV");
            foreach (var (line, bank) in paid)
            {
                w.WriteStartElement("CdtTrfTxInf");
                w.WriteStartElement("PmtId"); w.WriteElementString("EndToEndId", $"{runId}-{line.PublisherId}"); w.WriteEndElement();
                w.WriteStartElement("Amt");
                w.WriteStartElement("InstdAmt"); w.WriteAttributeString("Ccy", "EUR"); w.WriteString(line.Currency.Format(line.Amount)); w.WriteEndElement();
                w.WriteEndElement();
                w.WriteStartElement("CdtrAgt"); w.WriteStartElement("FinInstnId"); w.WriteElementString("BIC", bank.Bic); w.WriteEndElement(); w.WriteEndElement();
                w.WriteStartElement("Cdtr"); w.WriteElementString("Nm", bank.Name); w.WriteEndElement();
                w.WriteStartElement("CdtrAcct"); w.WriteStartElement("Id"); w.WriteElementString("IBAN", bank.Iban); w.WriteEndElement(); w.WriteEndElement();
                w.WriteStartElement("RmtInf"); w.WriteElementString("Ustrd", $"LastClick commissions {runId}"); w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>ISO 13616 check: the mod-97 of the rearranged IBAN is 1.</summary>
    public static bool IsValidIban(string iban)
    {
        var s = iban.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (s.Length is < 15 or > 34 || !s.All(char.IsAsciiLetterOrDigit)) return false;
        var rearranged = s[4..] + s[..4];
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }
        return remainder == 1;
    }
}
