using System.Text.Json;
using System.Text.Json.Serialization;
using LastClick.Common;

namespace LastClick.Programs;

/// <summary>The programs a store runs: the built-in definitions, plus any loaded from files.</summary>
public sealed class ProgramCatalog
{
    // Replaced whole on an edit (copy on write): readers never see a dictionary being changed.
    private volatile Dictionary<string, ProgramDefinition> _programs = new(StringComparer.Ordinal);

    public ProgramCatalog(IEnumerable<ProgramDefinition> programs)
    {
        foreach (var p in programs) _programs[p.Id] = p;
    }

    /// <summary>Puts an edited definition in force for everything that asks from now on (orders, links, clicks).</summary>
    public void Replace(ProgramDefinition program)
    {
        lock (_swap)
        {
            _programs = new Dictionary<string, ProgramDefinition>(_programs, StringComparer.Ordinal) { [program.Id] = program };
        }
    }

    private readonly Lock _swap = new();

    public static ProgramCatalog BuiltIn() => new(LoadBuiltIn());

    public IReadOnlyCollection<ProgramDefinition> All => _programs.Values;

    public ProgramDefinition Get(string id, string field = "program") =>
        _programs.TryGetValue(id, out var p) ? p : throw new ProblemException(Problem.NotFound(field, $"unknown program '{id}' (known: {string.Join(", ", _programs.Keys.Order())})"));

    public static IEnumerable<ProgramDefinition> LoadBuiltIn() => BuiltInSources().Select(s => ProgramLoader.Parse(s.Json, s.Name));

    /// <summary>The built-in definition files as written (what an operator edits).</summary>
    public static IEnumerable<(string Name, string Json)> BuiltInSources()
    {
        var assembly = typeof(ProgramCatalog).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(".Programs.BuiltIn.", StringComparison.Ordinal)).Order())
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (name, reader.ReadToEnd());
        }
    }

    public static ProgramDefinition LoadFile(string path)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (IOException e) { throw ProblemException.Invalid("programFile", $"cannot read {path}: {e.Message}"); }
        return ProgramLoader.Parse(json, path);
    }

    private static readonly JsonSerializerOptions ShowOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The effective definition as JSON: rates are decimal fractions, times UTC.</summary>
    public static string ToJson(ProgramDefinition program) => JsonSerializer.Serialize(program, ShowOptions);
}
