namespace LastClick.Common;

/// <summary>
/// An expected failure: bad input, a conflict, something unknown. <see cref="Field"/> names the offending
/// field ("orders[0].lines[1].price"); <see cref="Type"/> is stable and becomes the ProblemDetails type.
/// </summary>
public sealed record Problem(string Type, string Field, string Detail)
{
    public static Problem Invalid(string field, string detail) => new("invalid", field, detail);
    public static Problem NotFound(string field, string detail) => new("not_found", field, detail);
    public static Problem Conflict(string field, string detail) => new("conflict", field, detail);

    public override string ToString() => string.IsNullOrEmpty(Field) ? Detail : $"{Field}: {Detail}";
}

/// <summary>Carries a <see cref="Problem"/> to the edge (CLI line, HTTP ProblemDetails). Nothing is written when it is thrown.</summary>
public sealed class ProblemException(Problem problem) : Exception(problem.ToString())
{
    public Problem Problem { get; } = problem;

    public static ProblemException Invalid(string field, string detail) => new(Problem.Invalid(field, detail));

    /// <summary>Refuses the first of <paramref name="names"/> (a query string's) that is not one of <paramref name="known"/>, naming it.</summary>
    public static void RefuseUnknown(IEnumerable<string> names, IReadOnlyCollection<string> known)
    {
        if (names.FirstOrDefault(name => !known.Contains(name)) is { } unknown)
        {
            throw Invalid(unknown, $"unknown parameter (one of {string.Join(", ", known.Order(StringComparer.Ordinal))})");
        }
    }
}
