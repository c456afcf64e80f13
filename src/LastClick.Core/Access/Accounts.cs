using System.Security.Cryptography;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Access;

/// <summary>Who may sign in to the dashboard: the operator's team (admin, moderator) and publishers.</summary>
public static class AccountRoles
{
    public const string Admin = "admin";
    public const string Moderator = "moderator";
    public const string Publisher = "publisher";

    public static readonly IReadOnlyList<string> All = [Admin, Moderator, Publisher];
    public static readonly IReadOnlyList<string> Operators = [Admin, Moderator];
}

/// <summary>An account; <see cref="Stamp"/> changes with the password, so older sign-in cookies stop working.</summary>
public sealed record Account(
    string Id, string Email, string Name, string PasswordHash, string Role, string? PublisherId, int FailedSignIns, DateTimeOffset? LockedUntil, string Stamp,
    string? Language = null);

/// <summary>
/// Account rows. Passwords arrive hashed (the web layer uses ASP.NET Core's PBKDF2 password hasher); this class keeps
/// the rows, the lockout counter and the stamp. Emails are compared lower-cased.
/// </summary>
public sealed class Accounts(Store store, TimeProvider clock)
{
    /// <summary>Failed sign-ins in a row that lock an account, and for how long.</summary>
    public const int LockoutAfter = 5;

    public static readonly TimeSpan LockoutFor = TimeSpan.FromMinutes(15);

    public const int MinPasswordLength = 12;

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Checks an email address the way the forms do; the error names <paramref name="field"/>.</summary>
    public static string ValidEmail(string? email, string field = "email")
    {
        var e = Normalize(email ?? "");
        var at = e.IndexOf('@', StringComparison.Ordinal);
        if (e.Length is 0 or > 254 || at < 1 || at != e.LastIndexOf('@') || e.IndexOf('.', at) < at + 2 || e.EndsWith('.') || e.Any(char.IsWhiteSpace))
        {
            throw ProblemException.Invalid(field, "must be an email address like name@example.com");
        }
        return e;
    }

    public static void ValidPassword(string? password, string field = "password")
    {
        if (password is null || password.Length < MinPasswordLength) throw ProblemException.Invalid(field, $"must be at least {MinPasswordLength} characters");
        if (password.Length > 256) throw ProblemException.Invalid(field, "must be at most 256 characters");
    }

    public Account Create(string email, string name, string passwordHash, string role, string? publisherId, string actor) =>
        store.InSession(s => Create(s, email, name, passwordHash, role, publisherId, actor));

    public Account Create(DbSession s, string email, string name, string passwordHash, string role, string? publisherId, string actor)
    {
        var normalized = ValidEmail(email);
        if (string.IsNullOrWhiteSpace(name)) throw ProblemException.Invalid("name", "is required");
        if (!AccountRoles.All.Contains(role)) throw ProblemException.Invalid("role", $"unknown role '{role}' (one of {string.Join(", ", AccountRoles.All)})");
        if ((role == AccountRoles.Publisher) != (publisherId is not null)) throw ProblemException.Invalid("publisher", "a publisher account names its publisher, an operator account none");
        var account = new Account($"acc_{RandomNumberGenerator.GetHexString(16, lowercase: true)}", normalized, name.Trim(), passwordHash, role, publisherId, 0, null, NewStamp());
        var now = clock.GetUtcNow();
        // Two sign-ups with one email at once: the second finds the row and is a conflict, not a failure.
        var inserted = s.Execute("""
            INSERT INTO accounts (id, email, name, password_hash, role, publisher_id, failed_sign_ins, locked_until, stamp, created_at)
            VALUES (@Id, @Email, @Name, @PasswordHash, @Role, @PublisherId, 0, NULL, @Stamp, @at)
            ON CONFLICT (email) DO NOTHING
            """, new { account.Id, account.Email, account.Name, account.PasswordHash, account.Role, account.PublisherId, account.Stamp, at = Times.ToMicros(now) });
        if (inserted == 0) throw new ProblemException(Problem.Conflict("email", "an account with this email already exists"));
        AuditLog.Append(s, now, actor, "account.created", $"account:{account.Id}", $"{account.Email} as {role}");
        return account;
    }

    public Account? FindByEmail(string email) => store.Read(s => FindByEmail(s, Normalize(email)));

    public Account? Find(string id) => store.Read(s => Map(s.QuerySingleOrDefault<Row>($"{Select} WHERE id = @id", new { id })));

    public IReadOnlyList<Account> Operators() => store.Read(s => (IReadOnlyList<Account>)s.Query<Row>($"{Select} WHERE role <> 'publisher' ORDER BY email")
        .Select(r => Map(r)!).ToList());

    private static Account? FindByEmail(DbSession s, string email) => Map(s.QuerySingleOrDefault<Row>($"{Select} WHERE email = @email", new { email }));

    public enum SignInResult { Succeeded, Failed, LockedOut }

    /// <summary>
    /// Records a sign-in attempt whose password check gave <paramref name="passwordMatches"/>. A locked account stays
    /// locked whatever the password; the <see cref="LockoutAfter"/>th failure in a row locks it for <see cref="LockoutFor"/>.
    /// </summary>
    public SignInResult Attempt(Account account, bool passwordMatches) => store.InSession(s =>
    {
        var now = clock.GetUtcNow();
        var current = Map(s.QuerySingleOrDefault<Row>($"{Select} WHERE id = @Id{(s.Provider == StoreProvider.Postgres ? " FOR UPDATE" : "")}", new { account.Id }))!;
        if (current.LockedUntil is { } until && until > now) return SignInResult.LockedOut;
        var failures = current.LockedUntil is not null ? 0 : current.FailedSignIns; // a lock that ran out starts the count again
        if (passwordMatches)
        {
            s.Execute("UPDATE accounts SET failed_sign_ins = 0, locked_until = NULL WHERE id = @Id", new { account.Id });
            return SignInResult.Succeeded;
        }
        failures++;
        var locked = failures >= LockoutAfter ? now + LockoutFor : (DateTimeOffset?)null;
        s.Execute("UPDATE accounts SET failed_sign_ins = @failures, locked_until = @until WHERE id = @Id",
            new { account.Id, failures = locked is null ? failures : 0, until = locked is { } l ? Times.ToMicros(l) : (long?)null });
        if (locked is not null) AuditLog.Append(s, now, "system", "account.locked", $"account:{account.Id}", $"{LockoutAfter} failed sign-ins in a row; locked until {locked:O}");
        return locked is null ? SignInResult.Failed : SignInResult.LockedOut;
    });

    /// <summary>Sets a new password (hashed by the caller) and a new stamp: every other signed-in session ends.</summary>
    public void SetPassword(string accountId, string passwordHash, string actor) => store.InSession(s =>
    {
        s.Execute("UPDATE accounts SET password_hash = @passwordHash, stamp = @stamp, failed_sign_ins = 0, locked_until = NULL WHERE id = @accountId",
            new { accountId, passwordHash, stamp = NewStamp() });
        AuditLog.Append(s, clock.GetUtcNow(), actor, "account.password_changed", $"account:{accountId}", "");
    });

    /// <summary>Replaces a stored hash by a rehash of the same password (the hasher's parameters moved on); the stamp stays.</summary>
    public void Rehash(string accountId, string passwordHash) => store.InSession(s =>
        s.Execute("UPDATE accounts SET password_hash = @passwordHash WHERE id = @accountId", new { accountId, passwordHash }));

    /// <summary>The account's choice of language (one of <see cref="Languages.All"/>); not audited, as it changes nothing anyone else sees.</summary>
    public void SetLanguage(string accountId, string language)
    {
        if (!Languages.IsSupported(language)) throw ProblemException.Invalid("language", $"unknown language '{language}' (one of {string.Join(", ", Languages.All.Select(l => l.Code))})");
        store.InSession(s => s.Execute("UPDATE accounts SET language = @language WHERE id = @accountId", new { accountId, language }));
    }

    private static string NewStamp() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private const string Select = "SELECT id, email, name, password_hash, role, publisher_id, failed_sign_ins, locked_until, stamp, language FROM accounts";

    private static Account? Map(Row? r) => r is null ? null
        : new Account(r.Id, r.Email, r.Name, r.PasswordHash, r.Role, r.PublisherId, r.FailedSignIns, r.LockedUntil is { } l ? Times.FromMicros(l) : null, r.Stamp,
            Languages.Of(r.Language));

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string Email { get; set; } = "";
        public string Name { get; set; } = "";
        public string PasswordHash { get; set; } = "";
        public string Role { get; set; } = "";
        public string? PublisherId { get; set; }
        public int FailedSignIns { get; set; }
        public long? LockedUntil { get; set; }
        public string Stamp { get; set; } = "";
        public string? Language { get; set; }
    }
#pragma warning restore CA1812
}
