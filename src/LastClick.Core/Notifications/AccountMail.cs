using System.Security.Cryptography;
using System.Text;
using LastClick.Access;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Notifications;

/// <summary>
/// What an account asks for by mail: a password reset, a change of its email address. Each mails a one-use token (only
/// its SHA-256 is kept) in the transaction that creates it, so an answered request always has its mail. A reset works
/// for an hour and ends every other session; an address change works for a day and takes effect only when the new
/// address confirms it, the old one being told. Asking for a reset never says whether the account exists.
/// </summary>
public sealed class AccountMail(Store store, TimeProvider clock)
{
    public const string Reset = "password_reset", EmailChange = "email_change";
    public static readonly TimeSpan ResetFor = TimeSpan.FromHours(1);
    public static readonly TimeSpan EmailChangeFor = TimeSpan.FromDays(1);

    /// <summary>At most this many reset mails per account an hour (a form anyone can post must not become a mail cannon).</summary>
    public const int ResetsPerHour = 3;

    public string PublicUrl { get; set; } = "http://localhost:8080";

    /// <summary>Queues a reset mail when an account has this address (and has not asked too often); says nothing either way.</summary>
    public void RequestReset(string email)
    {
        var normalized = Accounts.ValidEmail(email);
        store.InSession(s =>
        {
            var account = s.QuerySingleOrDefault<AccountRow>("SELECT id, email, name, language FROM accounts WHERE email = @normalized", new { normalized });
            if (account is null) return;
            var now = clock.GetUtcNow();
            var recent = s.Scalar<long>("SELECT COUNT(*) FROM account_tokens WHERE account_id = @Id AND purpose = @Reset AND created_at > @since",
                new { account.Id, Reset, since = Times.ToMicros(now - TimeSpan.FromHours(1)) });
            if (recent >= ResetsPerHour) return;
            var token = NewToken(s, account.Id, Reset, null, now, ResetFor);
            var lang = Common.Languages.Of(account.Language) ?? MailText.DefaultLanguage;
            string T(string key, params object?[] args) => MailText.Get(lang, key, args);
            var document = new MailDocument(T("reset.subject"),
            [
                new MailParagraph(T("hello", account.Name)), new MailParagraph(T("reset.intro", account.Email)),
                new MailLink(T("reset.link"), $"{PublicUrl.TrimEnd('/')}/account/reset?token={token}"), new MailParagraph(T("reset.ignore")),
            ]);
            Mailbox.Add(s, new OutgoingMail(Reset, account.Email, lang, document, T("footer", "LastClick"), account.Id), now, null, PublicUrl);
            AuditLog.Append(s, now, account.Email, "account.reset_requested", $"account:{account.Id}", "");
        });
    }

    /// <summary>The account a reset token is for, when it is valid (unused, not expired); for the form that asks the new password.</summary>
    public string? ResetAccount(string? token) => store.Read(s => Valid(s, token, Reset)?.AccountId);

    /// <summary>Sets the new password (hashed by the caller) and spends the token; false when the token is not valid.</summary>
    public bool ResetPassword(string? token, string passwordHash, Accounts accounts)
    {
        var accountId = store.InSession(s =>
        {
            var valid = Valid(s, token, Reset, forUpdate: true);
            if (valid is null) return null;
            // Every reset token of the account is spent: an older mail cannot be used after this one.
            s.Execute("UPDATE account_tokens SET used_at = @now WHERE account_id = @AccountId AND purpose = @Reset AND used_at IS NULL",
                new { valid.AccountId, Reset, now = Times.ToMicros(clock.GetUtcNow()) });
            return valid.AccountId;
        });
        if (accountId is null) return false;
        accounts.SetPassword(accountId, passwordHash, "password reset link");
        return true;
    }

    /// <summary>Asks to change an account's address: a confirmation link to the new one, a notice to the old one.</summary>
    public void RequestEmailChange(string accountId, string newEmail)
    {
        var normalized = Accounts.ValidEmail(newEmail, "email");
        store.InSession(s =>
        {
            var account = s.QuerySingleOrDefault<AccountRow>("SELECT id, email, name, language FROM accounts WHERE id = @accountId", new { accountId })
                ?? throw new ProblemException(Problem.NotFound("account", "no such account"));
            if (account.Email == normalized) throw ProblemException.Invalid("email", "is already the address of this account");
            if (s.Query<string>("SELECT id FROM accounts WHERE email = @normalized", new { normalized }).Count > 0)
            {
                throw new ProblemException(Problem.Conflict("email", "an account with this email already exists"));
            }
            var now = clock.GetUtcNow();
            var token = NewToken(s, account.Id, EmailChange, normalized, now, EmailChangeFor);
            var lang = Common.Languages.Of(account.Language) ?? MailText.DefaultLanguage;
            string T(string key, params object?[] args) => MailText.Get(lang, key, args);
            var confirm = new MailDocument(T("email.subject"),
            [
                new MailParagraph(T("hello", account.Name)), new MailParagraph(T("email.intro", normalized)),
                new MailLink(T("email.link"), $"{PublicUrl.TrimEnd('/')}/account/email/confirm?token={token}"), new MailParagraph(T("email.ignore")),
            ]);
            Mailbox.Add(s, new OutgoingMail(EmailChange, normalized, lang, confirm, T("footer", "LastClick"), account.Id), now, null, PublicUrl);
            var notice = new MailDocument(T("email.notice.subject"), [new MailParagraph(T("hello", account.Name)), new MailParagraph(T("email.notice.intro", normalized))]);
            Mailbox.Add(s, new OutgoingMail("email_change_notice", account.Email, lang, notice, T("footer", "LastClick"), account.Id), now, null, PublicUrl);
            AuditLog.Append(s, now, account.Email, "account.email_change_requested", $"account:{account.Id}", normalized);
        });
    }

    /// <summary>The new address a token confirms, when it is valid.</summary>
    public string? PendingEmail(string? token) => store.Read(s => Valid(s, token, EmailChange)?.NewEmail);

    /// <summary>Makes the confirmed address the account's; null when the token is not valid, a conflict when the address was taken meanwhile.</summary>
    public string? ConfirmEmailChange(string? token) => store.InSession(s =>
    {
        var valid = Valid(s, token, EmailChange, forUpdate: true);
        if (valid?.NewEmail is not { } email) return null;
        var now = clock.GetUtcNow();
        if (s.Query<string>("SELECT id FROM accounts WHERE email = @email", new { email }).Count > 0)
        {
            throw new ProblemException(Problem.Conflict("email", "an account with this email already exists"));
        }
        var old = s.Query<string>("SELECT email FROM accounts WHERE id = @AccountId", new { valid.AccountId }).Single();
        s.Execute("UPDATE accounts SET email = @email WHERE id = @AccountId", new { email, valid.AccountId });
        s.Execute("UPDATE account_tokens SET used_at = @now WHERE account_id = @AccountId AND purpose = @EmailChange AND used_at IS NULL",
            new { valid.AccountId, EmailChange, now = Times.ToMicros(now) });
        AuditLog.Append(s, now, old, "account.email_changed", $"account:{valid.AccountId}", $"{old} → {email}");
        return email;
    });

    private static string NewToken(DbSession s, string accountId, string purpose, string? newEmail, DateTimeOffset now, TimeSpan validFor)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        s.Execute("""
            INSERT INTO account_tokens (token_hash, account_id, purpose, new_email, created_at, expires_at, used_at)
            VALUES (@hash, @accountId, @purpose, @newEmail, @at, @expires, NULL)
            """, new { hash = Hash(token), accountId, purpose, newEmail, at = Times.ToMicros(now), expires = Times.ToMicros(now + validFor) });
        return token;
    }

    private TokenRow? Valid(DbSession s, string? token, string purpose, bool forUpdate = false)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var row = s.QuerySingleOrDefault<TokenRow>($"""
            SELECT account_id, new_email, expires_at, used_at FROM account_tokens WHERE token_hash = @hash AND purpose = @purpose
            {(forUpdate && s.Provider == StoreProvider.Postgres ? "FOR UPDATE" : "")}
            """, new { hash = Hash(token), purpose });
        return row is null || row.UsedAt is not null || Times.FromMicros(row.ExpiresAt) <= clock.GetUtcNow() ? null : row;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class AccountRow
    {
        public string Id { get; set; } = "";
        public string Email { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Language { get; set; }
    }

    private sealed class TokenRow
    {
        public string AccountId { get; set; } = "";
        public string? NewEmail { get; set; }
        public long ExpiresAt { get; set; }
        public long? UsedAt { get; set; }
    }
#pragma warning restore CA1812
}
