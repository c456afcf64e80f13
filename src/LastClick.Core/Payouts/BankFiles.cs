using System.Globalization;
using System.Text;
using System.Xml;
using CsvHelper;
using CsvHelper.Configuration;
using LastClick.Common;
using LastClick.Publishers;

namespace LastClick.Payouts;

/// <summary>One transfer the bank makes: <see cref="Amount"/> in <see cref="Currency"/> to the publisher's account.</summary>
/// <param name="Reference">The end-to-end id the bank reports back (at most 35 characters, unique per run).</param>
public sealed record BankPayment(string RunId, string Reference, string PublisherId, Currency Currency, decimal Amount, PayoutDetails Details);

/// <summary>The account the program pays from (settings <c>Payouts:Debtor:Name|Iban|Bic</c>).</summary>
public sealed record DebtorAccount(string Name, string Iban, string? Bic);

/// <summary>
/// D3: a run's bank files. SEPA credit transfer (pain.001.001.03) for the EUR lines paid by SEPA; a wire CSV for the
/// others. Both are written once, at export, and kept as bytes.
/// </summary>
public static class BankFiles
{
    public const string SepaName = "sepa.xml";
    public const string WireName = "wire.csv";
    private const string Pain001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";

    /// <summary>A pain.001.001.03 message: one payment information block, NbOfTxs and CtrlSum equal to its transfers.</summary>
    public static byte[] SepaXml(string messageId, DateTimeOffset createdAt, DateOnly executionDate, DebtorAccount debtor, IReadOnlyList<BankPayment> payments)
    {
        using var ms = new MemoryStream();
        WriteSepaXml(ms, messageId, createdAt, executionDate, debtor, payments.Count, payments.Sum(p => p.Amount), payments);
        return ms.ToArray();
    }

    /// <summary>
    /// As <see cref="SepaXml"/>, written to a stream from payments read as they are written (a run's file can be tens of
    /// megabytes): the header's count and control sum come first, and the payments must add up to them.
    /// </summary>
    public static void WriteSepaXml(Stream output, string messageId, DateTimeOffset createdAt, DateOnly executionDate, DebtorAccount debtor,
        int transactions, decimal controlSum, IEnumerable<BankPayment> payments)
    {
        var count = transactions.ToString(CultureInfo.InvariantCulture);
        var total = Amount(controlSum);
        var (written, sum) = (0, 0m);
        using (var w = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), CloseOutput = false }))
        {
            w.WriteStartDocument();
            w.WriteStartElement("Document", Pain001);
            w.WriteStartElement("CstmrCdtTrfInitn");
            w.WriteStartElement("GrpHdr");
            w.WriteElementString("MsgId", Max(messageId, 35));
            w.WriteElementString("CreDtTm", createdAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
            w.WriteElementString("NbOfTxs", count);
            w.WriteElementString("CtrlSum", total);
            w.WriteStartElement("InitgPty"); w.WriteElementString("Nm", Max(SepaText(debtor.Name), 70)); w.WriteEndElement();
            w.WriteEndElement();
            w.WriteStartElement("PmtInf");
            w.WriteElementString("PmtInfId", Max(messageId, 35));
            w.WriteElementString("PmtMtd", "TRF");
            w.WriteElementString("NbOfTxs", count);
            w.WriteElementString("CtrlSum", total);
            w.WriteStartElement("PmtTpInf"); w.WriteStartElement("SvcLvl"); w.WriteElementString("Cd", "SEPA"); w.WriteEndElement(); w.WriteEndElement();
            w.WriteElementString("ReqdExctnDt", executionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteStartElement("Dbtr"); w.WriteElementString("Nm", Max(SepaText(debtor.Name), 70)); w.WriteEndElement();
            w.WriteStartElement("DbtrAcct"); w.WriteStartElement("Id"); w.WriteElementString("IBAN", debtor.Iban); w.WriteEndElement(); w.WriteEndElement();
            Agent(w, "DbtrAgt", debtor.Bic, required: true);
            w.WriteElementString("ChrgBr", "SLEV");
            foreach (var p in payments)
            {
                if (p.Currency.Code != "EUR") throw new ArgumentException("a SEPA credit transfer pays EUR only", nameof(payments));
                (written, sum) = (written + 1, sum + p.Amount);
                w.WriteStartElement("CdtTrfTxInf");
                w.WriteStartElement("PmtId"); w.WriteElementString("EndToEndId", Max(p.Reference, 35)); w.WriteEndElement();
                w.WriteStartElement("Amt");
                w.WriteStartElement("InstdAmt"); w.WriteAttributeString("Ccy", "EUR"); w.WriteString(Amount(p.Amount)); w.WriteEndElement();
                w.WriteEndElement();
                Agent(w, "CdtrAgt", p.Details.Bic, required: false);
                w.WriteStartElement("Cdtr");
                w.WriteElementString("Nm", Max(SepaText(p.Details.AccountHolder), 70));
                if (p.Details.Address is { } a)
                {
                    // The EPC guidelines take a country and at most two address lines (not the structured elements).
                    w.WriteStartElement("PstlAdr");
                    w.WriteElementString("Ctry", a.Country);
                    w.WriteElementString("AdrLine", Max(SepaText(a.Street), 70));
                    w.WriteElementString("AdrLine", Max(SepaText($"{(a.PostalCode is null ? "" : a.PostalCode + " ")}{a.City}"), 70));
                    w.WriteEndElement();
                }
                w.WriteEndElement();
                w.WriteStartElement("CdtrAcct"); w.WriteStartElement("Id"); w.WriteElementString("IBAN", p.Details.Iban); w.WriteEndElement(); w.WriteEndElement();
                w.WriteStartElement("RmtInf"); w.WriteElementString("Ustrd", SepaText(Remittance(p))); w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }
        if (written != transactions || sum != controlSum)
        {
            throw new InvalidOperationException($"the SEPA file's header says {transactions} transfers of {total} EUR, its body has {written} of {Amount(sum)}");
        }
    }

    /// <summary>A bank without a BIC is "NOTPROVIDED" (EPC's rule for IBAN-only transfers); the debtor's agent is required.</summary>
    private static void Agent(XmlWriter w, string element, string? bic, bool required)
    {
        if (bic is null && !required) return;
        w.WriteStartElement(element);
        w.WriteStartElement("FinInstnId");
        if (bic is not null) w.WriteElementString("BIC", bic);
        else { w.WriteStartElement("Othr"); w.WriteElementString("Id", "NOTPROVIDED"); w.WriteEndElement(); }
        w.WriteEndElement();
        w.WriteEndElement();
    }

    /// <summary>The text on the publisher's bank statement: the run and the publisher, so both sides can match it.</summary>
    public static string Remittance(BankPayment p) => Max($"LastClick commissions run {p.RunId} publisher {p.PublisherId}", 140);

    /// <summary>
    /// Text in the EPC's SEPA character set (Latin letters, digits and <c>/-?:().,'+</c> and space): accents dropped,
    /// Cyrillic and Greek transliterated, <c>_</c> as <c>-</c>, <c>&amp;</c> as <c>+</c>, anything else a full stop.
    /// </summary>
    public static string SepaText(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsAsciiLetterOrDigit(c) || " /-?:().,'+".Contains(c)) sb.Append(c);
            else if (Accented.IndexOf(c) is >= 0 and var i) sb.Append(Plain[i]);
            else if (Transliteration.TryGetValue(c, out var latin)) sb.Append(latin);
            else sb.Append(c switch { '_' => '-', '&' => '+', _ => '.' });
        }
        return sb.ToString();
    }

    // Latin letters with diacritics (U+00C0–U+024F) and their base letters: the executable runs with invariant
    // globalization, where string normalization does not decompose them.
    private const string Accented = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ";
    private const string Plain = "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYy";

    private static readonly Dictionary<char, string> Transliteration = BuildTransliteration();

    private static Dictionary<char, string> BuildTransliteration()
    {
        var map = new Dictionary<char, string> { ['ß'] = "ss", ['Æ'] = "AE", ['æ'] = "ae", ['Ø'] = "O", ['ø'] = "o", ['Ł'] = "L", ['ł'] = "l", ['Đ'] = "D", ['đ'] = "d", ['Þ'] = "Th", ['þ'] = "th", ['Œ'] = "OE", ['œ'] = "oe" };
        string[] cyrillic = ["a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"];
        for (var i = 0; i < 32; i++)
        {
            map[(char)('а' + i)] = cyrillic[i];
            map[(char)('А' + i)] = cyrillic[i].Length == 0 ? "" : char.ToUpperInvariant(cyrillic[i][0]) + cyrillic[i][1..];
        }
        map['ё'] = "e"; map['Ё'] = "E"; map['і'] = "i"; map['І'] = "I"; map['ї'] = "yi"; map['Ї'] = "Yi"; map['є'] = "ye"; map['Є'] = "Ye"; map['ў'] = "u"; map['Ў'] = "U";
        foreach (var (accented, plain) in new[] { ("ά", "a"), ("έ", "e"), ("ή", "i"), ("ί", "i"), ("ό", "o"), ("ύ", "y"), ("ώ", "o"), ("Ά", "A"), ("Έ", "E"), ("Ή", "I"), ("Ί", "I"), ("Ό", "O"), ("Ύ", "Y"), ("Ώ", "O") })
        {
            map[accented[0]] = plain;
        }
        string[] greek = ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "s", "t", "y", "f", "ch", "ps", "o"];
        for (var i = 0; i < greek.Length; i++)
        {
            map[(char)('α' + i)] = greek[i];
            if (i != 17) map[(char)('Α' + i)] = char.ToUpperInvariant(greek[i][0]) + greek[i][1..];
        }
        return map;
    }

    private static string Amount(decimal amount) => amount.ToString("F2", CultureInfo.InvariantCulture);

    private static string Max(string text, int length) => text.Length <= length ? text : text[..length];

    /// <summary>The wire transfers, one row each, for a bank's bulk upload or a person keying them in (formula-escaped).</summary>
    public static byte[] WireCsv(DateOnly executionDate, IEnumerable<BankPayment> payments)
    {
        using var ms = new MemoryStream();
        WriteWireCsv(ms, executionDate, payments);
        return ms.ToArray();
    }

    public static void WriteWireCsv(Stream output, DateOnly executionDate, IEnumerable<BankPayment> payments)
    {
        using (var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape, NewLine = "\n" }))
        {
            foreach (var h in new[] { "run_id", "reference", "execution_date", "publisher_id", "beneficiary_name", "beneficiary_address", "beneficiary_country",
                         "account", "swift_bic", "bank_name", "bank_address", "currency", "amount", "remittance" })
            {
                csv.WriteField(h);
            }
            csv.NextRecord();
            foreach (var p in payments)
            {
                var d = p.Details;
                var a = d.Address;
                foreach (var field in new[] { p.RunId, p.Reference, executionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.PublisherId, d.AccountHolder,
                             a is null ? "" : $"{a.Street}, {(a.PostalCode is null ? "" : a.PostalCode + " ")}{a.City}", a?.Country ?? "",
                             d.Account ?? d.Iban, d.Bic ?? "", d.BankName ?? "", d.BankAddress ?? "", p.Currency.Code, p.Currency.Format(p.Amount), Remittance(p) })
                {
                    csv.WriteField(field);
                }
                csv.NextRecord();
            }
        }
    }

    private static readonly Lazy<System.Xml.Schema.XmlSchemaSet> Schema = new(() =>
    {
        using var stream = typeof(BankFiles).Assembly.GetManifestResourceStream("LastClick.Payouts.Schemas.pain.001.001.03.xsd")!;
        var set = new System.Xml.Schema.XmlSchemaSet();
        set.Add(Pain001, XmlReader.Create(stream));
        set.Compile();
        return set;
    });

    /// <summary>
    /// The schema errors of a pain.001.001.03 file (none for a valid one). Every SEPA file is checked before it is
    /// kept: a file the bank would refuse is never exported.
    /// </summary>
    public static IReadOnlyList<string> SchemaErrors(byte[] xml) => SchemaErrors(new MemoryStream(xml));

    /// <summary>As <see cref="SchemaErrors(byte[])"/>, reading the file as a stream (at most the first 100 errors).</summary>
    public static IReadOnlyList<string> SchemaErrors(Stream xml)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schema.Value };
        settings.ValidationEventHandler += (_, e) =>
        {
            if (errors.Count < 100) errors.Add($"{e.Severity} line {e.Exception?.LineNumber}: {e.Message}");
        };
        using var reader = XmlReader.Create(xml, settings);
        while (reader.Read()) { }
        return errors;
    }

    /// <summary>ISO 13616 check (see <see cref="PayoutDetailsRules.IbanProblem"/>).</summary>
    public static bool IsValidIban(string iban) => PayoutDetailsRules.IsValidIban(iban);
}
