using System.Globalization;
using System.Net;
using System.Text;

namespace LastClick.Notifications;

/// <summary>A part of a mail: written once, rendered as plain text and as HTML so the two parts always say the same.</summary>
public abstract record MailBlock;

public sealed record MailParagraph(string Text) : MailBlock;

public sealed record MailHeading(string Text) : MailBlock;

public sealed record MailList(IReadOnlyList<string> Items) : MailBlock;

public sealed record MailLink(string Label, string Url) : MailBlock;

/// <summary>A mail before rendering: its subject and its blocks.</summary>
public sealed record MailDocument(string Subject, IReadOnlyList<MailBlock> Blocks)
{
    /// <summary>The plain-text part: headings underlined, lists as dashes, links as "label: url".</summary>
    public string Text(string footer)
    {
        var b = new StringBuilder();
        foreach (var block in Blocks)
        {
            switch (block)
            {
                case MailHeading h:
                    b.Append(h.Text).Append('\n').Append(new string('-', Math.Min(h.Text.Length, 70))).Append('\n');
                    break;
                case MailParagraph p:
                    b.Append(p.Text).Append("\n\n");
                    break;
                case MailList l:
                    foreach (var item in l.Items) b.Append("- ").Append(item).Append('\n');
                    b.Append('\n');
                    break;
                case MailLink k:
                    b.Append(k.Label).Append(": ").Append(k.Url).Append("\n\n");
                    break;
            }
        }
        b.Append("-- \n").Append(footer).Append('\n');
        return b.ToString();
    }

    /// <summary>The HTML part: every text encoded, links only to http(s).</summary>
    public string Html(string footer, string language)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html><html lang=\"").Append(E(language)).Append("\"><head><meta charset=\"utf-8\"><title>").Append(E(Subject))
            .Append("</title></head><body style=\"font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2933;max-width:640px;margin:0 auto;padding:16px\">");
        foreach (var block in Blocks)
        {
            switch (block)
            {
                case MailHeading h:
                    b.Append("<h2 style=\"font-size:17px;margin:20px 0 8px\">").Append(E(h.Text)).Append("</h2>");
                    break;
                case MailParagraph p:
                    b.Append("<p style=\"margin:0 0 12px;line-height:1.5\">").Append(E(p.Text)).Append("</p>");
                    break;
                case MailList l:
                    b.Append("<ul style=\"margin:0 0 12px;padding-left:20px;line-height:1.5\">");
                    foreach (var item in l.Items) b.Append("<li>").Append(E(item)).Append("</li>");
                    b.Append("</ul>");
                    break;
                case MailLink k when k.Url.StartsWith("https://", StringComparison.Ordinal) || k.Url.StartsWith("http://", StringComparison.Ordinal):
                    b.Append("<p style=\"margin:0 0 12px\"><a style=\"color:#0b5cad\" href=\"").Append(E(k.Url)).Append("\">").Append(E(k.Label)).Append("</a></p>");
                    break;
                case MailLink k:
                    b.Append("<p style=\"margin:0 0 12px\">").Append(E(k.Label)).Append(": ").Append(E(k.Url)).Append("</p>");
                    break;
            }
        }
        b.Append("<hr style=\"border:0;border-top:1px solid #d9dee3;margin:24px 0 8px\"><p style=\"color:#6b7785;font-size:12px\">").Append(E(footer)).Append("</p></body></html>");
        return b.ToString();
    }
}

/// <summary>
/// The wording of every mail, per language. English is complete; another language adds its table and falls back to
/// English for any text it lacks, so a mail is never half-empty. Keys name the text, not the language.
/// </summary>
public static partial class MailText
{
    public const string DefaultLanguage = "en";

    private static readonly Dictionary<string, Dictionary<string, string>> Tables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = new(StringComparer.Ordinal)
        {
            ["footer"] = "LastClick, the affiliate program of {0}. You receive this because you have an account with it.",
            ["footer.digest"] = "LastClick, the affiliate program of {0}. To stop receiving this digest: {1}",
            ["hello"] = "Hello {0},",
            ["accepted.subject"] = "Welcome to {0}: your application is accepted",
            ["accepted.intro"] = "Your application to {0} is accepted. You can build tracking links and feeds now.",
            ["accepted.message"] = "A note from the program: {0}",
            ["accepted.bestsellers"] = "Best-selling products in your markets ({0})",
            ["accepted.bestsellers.market"] = "{0}:",
            ["accepted.bestsellers.none"] = "This month's best sellers are not ranked yet; they are updated monthly on your dashboard.",
            ["accepted.bestsellers.item"] = "{0}. {1} ({2} orders)",
            ["accepted.bestsellers.all"] = "Every market's list",
            ["accepted.keywords"] = "Banned keywords for contextual advertising",
            ["accepted.keywords.intro"] = "Do not bid on these keywords (or any containing them) in search or contextual ads:",
            ["accepted.keywords.none"] = "No keyword is banned at the moment.",
            ["accepted.feeds"] = "Product feed generator",
            ["accepted.feeds.intro"] = "Build feeds in CSV, Google Merchant XML or JSON, filtered by category, store, price, market and language; every item carries your link.",
            ["accepted.feeds.link"] = "Open the feed generator",
            ["accepted.stores"] = "Stores that pay no commission",
            ["accepted.stores.intro"] = "Orders from these stores pay no commission to any publisher, whatever the country of delivery:",
            ["accepted.stores.none"] = "No store is excluded at the moment.",
            ["accepted.lists"] = "The lists, always current",
            ["rejected.subject"] = "Your application to {0}",
            ["rejected.intro"] = "Thank you for applying to {0}. We cannot accept the application as it stands.",
            ["rejected.reason"] = "Reason: {0}",
            ["rejected.message"] = "From the moderator: {0}",
            ["rejected.again"] = "You can update your profile and apply again",
            ["payout.subject"] = "Payment sent: {0} {1}",
            ["payout.intro"] = "{2} sent a payment of {0} {1} to your bank account (reference {3}). The statement is attached.",
            ["payout.link"] = "Your payouts",
            ["returned.subject"] = "Payment returned by the bank: {0} {1}",
            ["returned.intro"] = "Your bank returned the payment of {0} {1} ({2}). The money is back in your payable balance and the next run pays it.",
            ["returned.check"] = "Please check your payout details",
            ["details.subject"] = "Your payout details were changed",
            ["details.intro"] = "The payout details of your account were changed. If you did this, nothing more is needed; the next payout is held for 48 hours as a precaution.",
            ["details.notyou"] = "If you did not, sign in, change your password and tell the program at once.",
            ["details.link"] = "Your profile",
            ["claim.subject"] = "Your claim for order {0} was {1}",
            ["claim.intro"] = "Your claim #{0} for order {1} was {2}.",
            ["claim.reason"] = "Reason: {0}",
            ["claim.note"] = "From the program: {0}",
            ["claim.link"] = "Your claims",
            ["fraud.subject"] = "A traffic review found a problem",
            ["fraud.intro"] = "A review of your traffic was confirmed ({0}): {1} commission(s) declined and {2} deducted.",
            ["fraud.link"] = "See the evidence and reply",
            ["order.subject"] = "Order {0}: {1}",
            ["order.intro"] = "Order {0} in {1} is now {2}; your commission: {3} {4}.",
            ["order.reason"] = "Reason: {0}",
            ["order.link"] = "The commission and how it was computed",
            ["digest.subject"] = "{0} of your links point to products that are gone or out of stock",
            ["digest.intro"] = "These links send visitors to products that are gone or out of stock, which earns nothing. Each comes with replacements:",
            ["digest.item"] = "{0} ({1}) → try {2}",
            ["digest.item.none"] = "{0} ({1})",
            ["digest.link"] = "All your broken links",
            ["digest.more"] = "… and {0} more.",
            ["reset.subject"] = "Reset your LastClick password",
            ["reset.intro"] = "Someone (we hope you) asked to reset the password of the account {0}. The link works once, for one hour:",
            ["reset.link"] = "Choose a new password",
            ["reset.ignore"] = "If you did not ask, ignore this mail: your password stays as it is.",
            ["email.subject"] = "Confirm your new email address",
            ["email.intro"] = "Confirm that {0} is the new email address of your LastClick account. The link works once, for 24 hours:",
            ["email.link"] = "Confirm this address",
            ["email.ignore"] = "If you did not ask for this, ignore this mail: nothing changes.",
            ["email.notice.subject"] = "Your LastClick sign-in email is being changed",
            ["email.notice.intro"] = "A change of your account's email address to {0} was asked. It takes effect when the new address confirms it. If this was not you, change your password now.",
            ["centre.applied"] = "{0} applied to {1} ({2})",
            ["centre.claim"] = "Claim #{0} for order {1} filed by {2}",
            ["centre.planned"] = "Payout run {0} of {1} planned: {2} line(s) to pay",
            ["support.subject"] = "Re: {0} (request #{1})",
            ["support.intro"] = "The program answered your request #{0} “{1}”:",
            ["support.link"] = "Read and answer",
            ["support.closed"] = "Your request #{0} “{1}” was closed",
            ["centre.support"] = "{0} wrote in request #{1}: {2}",
            ["test.subject"] = "LastClick test mail",
            ["test.intro"] = "This is a test mail: the SMTP settings work.",
        },
        // The other languages, one file each (MailText.{language}.cs).
        ["fr"] = French(),
        ["pt"] = Portuguese(),
        ["es"] = Spanish(),
        ["ru"] = Russian(),
    };

    /// <summary>The languages mails can be written in.</summary>
    public static IReadOnlyCollection<string> Languages => Tables.Keys;

    /// <summary>A text in <paramref name="language"/>, else in English; formatted with the invariant culture.</summary>
    public static string Get(string language, string key, params object?[] args)
    {
        var text = Tables.TryGetValue(language, out var table) && table.TryGetValue(key, out var t) ? t
            : Tables[DefaultLanguage].TryGetValue(key, out var en) ? en
            : throw new KeyNotFoundException($"no mail text '{key}'");
        return args.Length == 0 ? text : string.Format(CultureInfo.InvariantCulture, text, args);
    }

    /// <summary>Whether every language has every English key (a test keeps new languages complete).</summary>
    public static IEnumerable<(string Language, string Key)> Missing() =>
        Tables.Where(t => t.Key != DefaultLanguage).SelectMany(t => Tables[DefaultLanguage].Keys.Where(k => !t.Value.ContainsKey(k)).Select(k => (t.Key, k)));
}
