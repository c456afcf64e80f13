using System.Text.Json;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Programs;

public sealed record ProgramVersion(string ProgramId, int Version, string Definition, string ChangedBy, DateTimeOffset ChangedAt);

/// <summary>
/// Operators edit a program's definition (rates, lists, terms) as its source JSON. An edit is checked by the same
/// loader that reads the files (the first wrong field is named), stored as a new version with who and when, audited
/// with the paths that changed, and put in force in the catalog after the commit; on PostgreSQL every other node hears
/// it through NOTIFY and loads it. Orders already computed keep their stored traces: an edit applies from then on.
/// </summary>
public sealed class ProgramEditor(Store store, ProgramCatalog catalog, TimeProvider clock)
{
    public const string ChangeChannel = "lastclick_programs";

    /// <summary>
    /// What an edit may not change: who the program is, where its links may lead (an added host would be an open
    /// redirect for every publisher), its currencies and rate tables (orders already converted), its hold period (orders
    /// already waiting) and its attribution model. Rates, lists, campaigns, terms and the scorecard are edited here.
    /// </summary>
    public static readonly IReadOnlyList<string> Fixed = ["id", "marketplace", "model", "attribution", "allowedHosts", "currency", "holdDays"];

    /// <summary>The definition in force as source JSON: the latest stored version, else the built-in file.</summary>
    public (string Json, int Version) Current(string programId)
    {
        catalog.Get(programId, "program");
        var stored = store.Read(s => Latest(s, programId));
        if (stored is not null) return (stored.Definition, stored.Version);
        var builtIn = ProgramCatalog.BuiltInSources().Select(b => b.Json).FirstOrDefault(json => ProgramLoader.Parse(json).Id == programId);
        return (builtIn ?? ProgramCatalog.ToJson(catalog.Get(programId)), 0);
    }

    public IReadOnlyList<ProgramVersion> History(string programId) => store.Read(s => (IReadOnlyList<ProgramVersion>)s.Query<Row>(
        "SELECT program_id, version, definition, changed_by, changed_at FROM program_versions WHERE program_id = @programId ORDER BY version DESC",
        new { programId }).Select(Map).ToList());

    /// <summary>
    /// Saves an edit made on top of <paramref name="baseVersion"/> (a concurrent edit since then is a conflict, not lost).
    /// Returns the paths that changed. Nothing is written when the definition is invalid, renames the program or changes nothing.
    /// </summary>
    public IReadOnlyList<string> Save(string programId, string json, int baseVersion, string actor)
    {
        var (before, current) = Current(programId);
        var edited = ProgramLoader.Parse(json, "definition");
        if (edited.Id != programId) throw ProblemException.Invalid("id", $"must stay '{programId}'");
        var all = Paths(before, json);
        if (FixedChanges(before, json) is [var field, ..])
        {
            throw ProblemException.Invalid(field, "is not edited here: it changes orders already made or where links may lead; change the program file and deploy it");
        }
        if (all.Count == 0) throw ProblemException.Invalid("definition", "nothing changed");
        var changed = all.Count > 50 ? [.. all.Take(50), $"… {all.Count - 50} more"] : all;
        store.InSession(s =>
        {
            // One edit of a program at a time across nodes (a row lock cannot hold a version that does not exist yet).
            if (s.Provider == StoreProvider.Postgres) s.Execute("SELECT pg_advisory_xact_lock(7142033, hashtext(@programId))", new { programId });
            var latest = Latest(s, programId)?.Version ?? 0;
            if (latest != baseVersion || current != baseVersion)
            {
                throw new ProblemException(Problem.Conflict("version", $"the definition was changed meanwhile (now version {latest}); reload and edit again"));
            }
            var now = clock.GetUtcNow();
            s.Execute("INSERT INTO program_versions (program_id, version, definition, changed_by, changed_at) VALUES (@programId, @version, @json, @actor, @at)",
                new { programId, version = latest + 1, json, actor, at = Times.ToMicros(now) });
            AuditLog.Append(s, now, actor, "program.changed", $"program:{programId}", $"version {latest + 1}: {string.Join(", ", changed)}");
            if (s.Provider == StoreProvider.Postgres) s.Execute("SELECT pg_notify(@channel, @programId)", new { channel = ChangeChannel, programId });
        });
        catalog.Replace(edited);
        return changed;
    }

    /// <summary>
    /// At start: where a deployed program file changes a field the editor may not (<see cref="Fixed"/>), the file wins —
    /// the latest stored version gets those fields from the file as a new version (changed by "deploy", audited).
    /// </summary>
    public void Deployed()
    {
        foreach (var (_, file) in ProgramCatalog.BuiltInSources())
        {
            var id = ProgramLoader.Parse(file).Id;
            var stored = store.Read(s => Latest(s, id));
            if (stored is null || FixedChanges(stored.Definition, file) is not { Count: > 0 } fixedChanges) continue;
            var merged = System.Text.Json.Nodes.JsonNode.Parse(stored.Definition, documentOptions: Reading)!.AsObject();
            var deployed = System.Text.Json.Nodes.JsonNode.Parse(file, documentOptions: Reading)!.AsObject();
            foreach (var field in Fixed)
            {
                merged.Remove(field);
                if (deployed[field] is { } value) merged[field] = value.DeepClone();
            }
            var json = merged.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            ProgramLoader.Parse(json, $"{id} (stored version {stored.Version} with the deployed file's fixed fields)");
            store.InSession(s =>
            {
                if (s.Provider == StoreProvider.Postgres) s.Execute("SELECT pg_advisory_xact_lock(7142033, hashtext(@id))", new { id });
                var latest = Latest(s, id)!;
                if (latest.Version != stored.Version) return; // another node did it meanwhile
                var now = clock.GetUtcNow();
                s.Execute("INSERT INTO program_versions (program_id, version, definition, changed_by, changed_at) VALUES (@id, @version, @json, 'deploy', @at)",
                    new { id, version = latest.Version + 1, json, at = Times.ToMicros(now) });
                AuditLog.Append(s, now, "deploy", "program.changed", $"program:{id}",
                    $"version {latest.Version + 1}: {string.Join(", ", fixedChanges)} from the deployed file");
            });
        }
    }

    /// <summary>Puts every program's latest stored version in force (at start, and when another node announces an edit).</summary>
    public void Load(string? programId = null)
    {
        var latest = store.Read(s => s.Query<Row>("""
            SELECT v.program_id, v.version, v.definition, v.changed_by, v.changed_at FROM program_versions v
            WHERE v.version = (SELECT MAX(version) FROM program_versions w WHERE w.program_id = v.program_id)
            """).Select(Map).ToList());
        foreach (var version in latest.Where(v => programId is null || v.ProgramId == programId))
        {
            catalog.Replace(ProgramLoader.Parse(version.Definition, $"program_versions {version.ProgramId} v{version.Version}"));
        }
    }

    /// <summary>The JSON paths whose values differ (added, removed or changed), in document order; at most 50 (then "… N more").</summary>
    public static IReadOnlyList<string> Changes(string before, string after)
    {
        var paths = Paths(before, after);
        return paths.Count > 50 ? [.. paths.Take(50), $"… {paths.Count - 50} more"] : paths;
    }

    // As the loader reads (comments, trailing commas), except that a property named twice is refused: the loader would
    // take the last one silently, and a reviewer of the change would see the first.
    private static readonly JsonDocumentOptions Reading = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false };

    private static JsonDocument Read(string json)
    {
        try
        {
            return JsonDocument.Parse(json, Reading);
        }
        catch (JsonException e)
        {
            throw ProblemException.Invalid("definition", $"{e.Message.Split(" Path:")[0]} (line {e.LineNumber + 1})");
        }
    }

    private static List<string> Paths(string before, string after)
    {
        using var a = Read(before);
        using var b = Read(after);
        var paths = new List<string>();
        Diff(a.RootElement, b.RootElement, "", paths);
        return paths;
    }

    /// <summary>The <see cref="Fixed"/> fields whose values differ (or that one side lacks), compared whole.</summary>
    private static List<string> FixedChanges(string before, string after)
    {
        using var a = Read(before);
        using var b = Read(after);
        return Fixed.Where(name =>
        {
            var left = a.RootElement.TryGetProperty(name, out var l);
            var right = b.RootElement.TryGetProperty(name, out var r);
            return left != right || (left && !JsonElement.DeepEquals(l, r));
        }).ToList();
    }

    private static void Diff(JsonElement a, JsonElement b, string path, List<string> paths)
    {
        if (a.ValueKind == JsonValueKind.Object && b.ValueKind == JsonValueKind.Object)
        {
            var left = a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
            var right = b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
            foreach (var name in left.Keys.Concat(right.Keys.Where(k => !left.ContainsKey(k))))
            {
                var child = path.Length == 0 ? name : $"{path}.{name}";
                if (!left.TryGetValue(name, out var l)) paths.Add($"+{child}");
                else if (!right.TryGetValue(name, out var r)) paths.Add($"-{child}");
                else Diff(l, r, child, paths);
            }
            return;
        }
        if (a.ValueKind == JsonValueKind.Array && b.ValueKind == JsonValueKind.Array && a.GetArrayLength() == b.GetArrayLength())
        {
            var i = 0;
            foreach (var (l, r) in a.EnumerateArray().Zip(b.EnumerateArray())) Diff(l, r, $"{path}[{i++}]", paths);
            return;
        }
        if (!JsonElement.DeepEquals(a, b)) paths.Add(path.Length == 0 ? "(root)" : path);
    }

    private static ProgramVersion? Latest(DbSession s, string programId) => s.QuerySingleOrDefault<Row>(
        "SELECT program_id, version, definition, changed_by, changed_at FROM program_versions WHERE program_id = @programId ORDER BY version DESC LIMIT 1",
        new { programId }) is { } r ? Map(r) : null;

    private static ProgramVersion Map(Row r) => new(r.ProgramId, r.Version, r.Definition, r.ChangedBy, Times.FromMicros(r.ChangedAt));

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Row
    {
        public string ProgramId { get; set; } = "";
        public int Version { get; set; }
        public string Definition { get; set; } = "";
        public string ChangedBy { get; set; } = "";
        public long ChangedAt { get; set; }
    }
#pragma warning restore CA1812
}
